"""What every command shares: turning a HubError into one clear line and an exit code."""

from __future__ import annotations

import sys
from typing import NoReturn

from rich.console import Console

from hub.errors import HubError

err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def known_department(key: str) -> bool:
    """Answers whether `key` names a department policy of this deployment (policies/<key>.yaml)."""
    from hub.catalog.load import load_catalog
    from hub.config import load_settings
    from hub.policy.load import load_policies

    settings = load_settings()
    return load_policies(settings.policies_dir, load_catalog(settings.catalog_path)).get(key) is not None


def fail(error: HubError, code: int = 2) -> NoReturn:
    """Prints the error's place, message and fix on stderr and exits with `code`."""
    err_console.print("error:", style="bold red", end=" ")
    err_console.print(error.render(), markup=False)
    sys.exit(code)
