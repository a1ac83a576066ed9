"""`credit-hub client`: register OAuth clients and list them (status changes: hub.cli.client_status)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from hub.cli.client_status import register_status_commands
from hub.cli.common import DatabaseUrl, fail, hub_database, on_stores
from hub.errors import HubError
from hub.identity.credentials import DepartmentCheck, ScopeCeiling, default_department_check, new_client
from hub.store.clients import ClientRepository, ClientRow

T = TypeVar("T")
AsJson = Annotated[bool, typer.Option("--json", help="print one JSON object and nothing else")]


def _with_repository(url: str | None, work: Callable[[ClientRepository], Awaitable[T]]) -> T:
    return on_stores(hub_database(url), lambda stores: work(stores.clients))


def register(
    app: typer.Typer,
    *,
    department_check: DepartmentCheck = default_department_check,
    scope_ceiling: ScopeCeiling | None = None,
) -> None:
    """Answers nothing; adds the `client` command group (`create`, `list`) to `app`; `scope_ceiling` caps scopes."""
    group = typer.Typer(help="Register and list OAuth clients.", no_args_is_help=True)
    app.add_typer(group, name="client")

    @group.command("create")
    def create(
        name: Annotated[str, typer.Option("--name", help="who runs the client, e.g. '市场监管局审批系统'")],
        org: Annotated[str, typer.Option("--org", help="the organisation's Unified Social Credit Code")],
        department: Annotated[str, typer.Option("--department", help="department key from policies/")],
        scopes: Annotated[str, typer.Option("--scopes", help='e.g. "subject:read check:read"')],
        database_url: DatabaseUrl = None,
        as_json: AsJson = False,
    ) -> None:
        """Registers a client and prints its id and secret once."""
        try:
            client = new_client(
                name=name,
                org=org,
                department=department,
                scopes=[scopes.replace(",", " ")],
                department_ok=department_check,
                scope_ceiling=scope_ceiling,
            )
            _with_repository(database_url, lambda repository: repository.register(client))
        except HubError as exc:
            fail(exc)
        if as_json:
            typer.echo(json.dumps({"client_id": client.client_id, "client_secret": client.secret}))
            return
        typer.echo(f"client_id:     {client.client_id}")
        typer.echo(f"client_secret: {client.secret}")
        typer.echo("The secret is shown only this once; the hub keeps only a hash of it.", err=True)

    @group.command("list")
    def list_clients(database_url: DatabaseUrl = None, as_json: AsJson = False) -> None:
        """Lists registered clients (never their secrets)."""
        try:
            rows: list[ClientRow] = _with_repository(database_url, lambda repository: repository.list_all())
        except HubError as exc:
            fail(exc)
        if as_json:
            typer.echo(json.dumps({"clients": [_public(row) for row in rows]}, ensure_ascii=False))
            return
        table = Table("client_id", "name", "org", "department", "scopes", "created", "status", "why")
        for row in rows:
            table.add_row(
                row.client_id,
                row.name,
                row.org,
                row.department,
                " ".join(row.scopes),
                f"{row.created_at:%Y-%m-%d %H:%M}",
                row.status.value,
                row.status_reason or "",
            )
        Console().print(table)

    register_status_commands(group)


def _public(row: ClientRow) -> dict[str, object]:
    return {
        "client_id": row.client_id,
        "name": row.name,
        "org": row.org,
        "department": row.department,
        "scopes": list(row.scopes),
        "created_at": row.created_at.isoformat(),
        "disabled": row.disabled,
        "status": row.status.value,
        "status_reason": row.status_reason,
        "status_changed_at": row.status_changed_at.isoformat() if row.status_changed_at else None,
    }
