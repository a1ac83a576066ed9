"""`credit-hub db roles`: the PostgreSQL login role a serving hub should use instead of the tables' owner."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Annotated

import typer

from hub.cli.common import fail
from hub.composition.stores import open_stores
from hub.config import load_settings
from hub.errors import ConfigError, HubError
from hub.store.engine import is_sqlite
from hub.store.roles import APP_GROUP, create_login_role


def register(app: typer.Typer) -> None:
    """Answers nothing; adds the `db` command group to the CLI."""
    from hub.cli.server import migrate

    group = typer.Typer(help="The hub's own database and the collected source.", no_args_is_help=True)
    group.command("roles")(roles)
    group.command("upgrade", help="The same as `credit-hub migrate`: the hub's database and the collected source.")(
        migrate
    )
    app.add_typer(group, name="db")


def roles(
    name: Annotated[str, typer.Option("--name", help="the login role `serve` will connect as")] = "credit_hub_serve",
    password_file: Annotated[
        Path | None, typer.Option("--password-file", help="file holding its password [default: a new random one]")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="the hub database, as its owner (overrides HUB_DATABASE_URL)")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", help="hub.toml to read settings from")] = None,
) -> None:
    """Create (or bring up to date) the login role for `serve`: INSERT-only on the register, after every migrate."""
    try:
        settings = load_settings(config, **({"database_url": database_url} if database_url else {}))
        url = settings.database_url
        if is_sqlite(url):
            raise ConfigError(
                "roles exist on PostgreSQL only",
                place="--database-url",
                fix="point it at the PostgreSQL hub database, as the role that ran `credit-hub migrate`",
            )
        password = password_file.read_text(encoding="utf-8").strip() if password_file else secrets.token_urlsafe(24)
        created = asyncio.run(_create(url, name, password))
    except OSError as exc:
        fail(ConfigError(f"cannot read the password file ({exc.strerror})", place=str(password_file)))
    except HubError as error:
        fail(error)
    typer.echo(f"{'created' if created else 'updated'} login role {name} (member of {APP_GROUP})")
    shown = "<the password in --password-file>" if password_file else password
    typer.echo(f"serve with: HUB_DATABASE_URL={_as(url, name, shown)}")


async def _create(url: str, name: str, password: str) -> bool:
    async with open_stores(url) as stores:
        return await create_login_role(stores.engine, name, password)


def _as(url: str, login: str, password: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{login}:{password}@{rest.rpartition('@')[2]}"
