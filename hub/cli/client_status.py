"""`credit-hub client disable|enable|delete`: a client's tokens end at once, on every worker."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from hub.cli.common import fail
from hub.config import load_settings
from hub.errors import ErrorCode, HubError
from hub.store.clients import ClientStatus, ClientStatuses
from hub.store.engine import make_engine

T = TypeVar("T")
DRIVERS = ("sqlite+aiosqlite://", "postgresql+asyncpg://")
ClientId = Annotated[str, typer.Argument(help="the client id, as `client create` printed it")]
DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", help="the hub database (default: HUB_DATABASE_URL / hub.toml)")
]
ConfigFile = Annotated[Path | None, typer.Option("--config", help="hub.toml to read settings from")]
Reason = Annotated[str | None, typer.Option("--reason", help="why, kept with the client and shown by `client list`")]


def _with_statuses(url: str | None, config: Path | None, work: Callable[[ClientStatuses], Awaitable[T]]) -> T:
    if url is not None and not url.startswith(DRIVERS):
        raise HubError(
            ErrorCode.BAD_USER_INPUT,
            "unsupported database URL",
            place="--database-url",
            fix="use sqlite+aiosqlite:///<file> or postgresql+asyncpg://<user>@<host>/<db>",
        )

    async def run() -> T:
        engine = make_engine(url or load_settings(config).database_url)
        try:
            return await work(ClientStatuses(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _unknown(client_id: str) -> HubError:
    return HubError(
        ErrorCode.NOT_FOUND, f"no client '{client_id}' is registered", fix="see `credit-hub client list` for the ids"
    )


def _change(client_id: str, status: ClientStatus, reason: str | None, url: str | None, config: Path | None) -> None:
    now = datetime.now(UTC)
    try:
        found = _with_statuses(url, config, lambda statuses: statuses.change(client_id, status, reason, now))
        if not found:
            raise _unknown(client_id)
    except HubError as exc:
        fail(exc)


def register_status_commands(group: typer.Typer) -> None:
    """Answers nothing; adds `disable`, `enable` and `delete` to the `client` command group."""

    @group.command("disable")
    def disable(
        client_id: ClientId, reason: Reason = None, database_url: DatabaseUrl = None, config: ConfigFile = None
    ) -> None:
        """Disables a client: its live tokens are refused at once and it gets no new one."""
        _change(client_id, ClientStatus.DISABLED, reason or "disabled by the operator", database_url, config)
        typer.echo(f"client {client_id} disabled; its tokens are refused from now on")

    @group.command("enable")
    def enable(client_id: ClientId, database_url: DatabaseUrl = None, config: ConfigFile = None) -> None:
        """Enables a disabled or suspended client again (after review)."""
        _change(client_id, ClientStatus.ACTIVE, None, database_url, config)
        typer.echo(f"client {client_id} enabled")

    @group.command("delete")
    def delete(client_id: ClientId, database_url: DatabaseUrl = None, config: ConfigFile = None) -> None:
        """Deletes a client: its live tokens are refused at once; the register keeps its past events."""
        try:
            if not _with_statuses(database_url, config, lambda statuses: statuses.delete(client_id)):
                raise _unknown(client_id)
        except HubError as exc:
            fail(exc)
        typer.echo(f"client {client_id} deleted; its tokens are refused from now on")
