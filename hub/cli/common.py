"""What every command shares: turning a HubError into one clear line and an exit code."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer
from rich.console import Console

from hub.composition.stores import Stores, open_stores
from hub.config import database_url, load_settings
from hub.errors import ErrorCode, HubError

if TYPE_CHECKING:
    from hub.policy.load import PolicySet

T = TypeVar("T")
err_console = Console(stderr=True, highlight=False, soft_wrap=True)
DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", help="the hub database (default: HUB_DATABASE_URL / hub.toml)")
]
ConfigFile = Annotated[Path | None, typer.Option("--config", help="hub.toml to read settings from")]


def hub_database(url: str | None, config: Path | None = None) -> str:
    """Answers the hub database a command works on: `--database-url` when given (checked), else the settings'."""
    if url is None:
        return load_settings(config).database_url
    try:
        return database_url(url)
    except ValueError as exc:
        raise HubError(
            ErrorCode.BAD_USER_INPUT,
            f"unsupported database URL ({exc})",
            place="--database-url",
            fix="use sqlite+aiosqlite:///<file> or postgresql+asyncpg://<user>@<host>/<db>",
        ) from None


def on_stores(url: str, work: Callable[[Stores], Awaitable[T]]) -> T:
    """Answers what `work` answers on the repositories of the hub database at `url`, opened for it and closed after."""

    async def run() -> T:
        async with open_stores(url) as stores:
            return await work(stores)

    return asyncio.run(run())


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
