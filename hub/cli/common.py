"""What every command shares: turning a HubError into one clear line and an exit code."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

from rich.console import Console

from hub.errors import HubError

if TYPE_CHECKING:
    from hub.policy.load import PolicySet

err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _policies() -> PolicySet:
    from hub.catalog.load import load_catalog
    from hub.config import load_settings
    from hub.policy.load import load_policies

    settings = load_settings()
    return load_policies(settings.policies_dir, load_catalog(settings.catalog_path))


def known_department(key: str) -> bool:
    """Answers whether `key` names a department policy of this deployment (policies/<key>.yaml)."""
    return _policies().get(key) is not None


def department_scopes(key: str) -> frozenset[str]:
    """Answers the scopes a client of department `key` may hold at most (`scopes:` in its policy; none if none)."""
    policy = _policies().get(key)
    return policy.scopes if policy is not None else frozenset()


def fail(error: HubError, code: int = 2) -> NoReturn:
    """Prints the error's place, message and fix on stderr and exits with `code`."""
    err_console.print("error:", style="bold red", end=" ")
    err_console.print(error.render(), markup=False)
    sys.exit(code)
