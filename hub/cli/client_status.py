"""`credit-hub client disable|enable|delete`: a client's tokens end at once, on every worker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from hub.cli.common import ConfigFile, DatabaseUrl, fail, hub_database, on_stores
from hub.errors import ErrorCode, HubError
from hub.store.clients import ClientStatus, ClientStatuses

T = TypeVar("T")
ClientId = Annotated[str, typer.Argument(help="the client id, as `client create` printed it")]
Reason = Annotated[str | None, typer.Option("--reason", help="why, kept with the client and shown by `client list`")]


def _with_statuses(url: str | None, config: Path | None, work: Callable[[ClientStatuses], Awaitable[T]]) -> T:
    return on_stores(hub_database(url, config), lambda stores: work(stores.statuses))


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
