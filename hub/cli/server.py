"""`credit-hub serve`, `credit-hub migrate` and `credit-hub schema export`."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from hub.cli.common import fail
from hub.config import Settings, check_secrets, load_settings, resource_dir
from hub.errors import ConfigError, HubError
from hub.logs import logging_config
from hub.metrics import MULTIPROC_ENV, multiprocess_dir

ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="hub.toml; HUB_* environment variables override it")
]


def register(app: typer.Typer) -> None:
    """Adds serve, migrate and the schema group to `app`."""
    app.command("serve", help="Serve a configured deployment.")(serve)
    app.command("migrate", help="Upgrade the hub's own database (Alembic).")(migrate)
    schema_app = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)
    schema_app.command("export", help="Write the GraphQL SDL to schema/hub.graphql.")(export_schema)
    app.add_typer(schema_app, name="schema")


def serve(
    config: ConfigOption = None,
    host: Annotated[str | None, typer.Option(help="address to bind")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="port to bind")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="worker processes")] = None,
) -> None:
    """Serves the hub with uvicorn until interrupted."""
    import uvicorn

    try:
        settings = load_settings(config)
        check_secrets(settings, str(config) if config else "environment")
        if settings.dev_login:
            raise ConfigError(
                "dev_login is for `credit-hub demo` only",
                place="HUB_DEV_LOGIN",
                fix="unset HUB_DEV_LOGIN; configure [oidc] for citizen sign-in",
            )
        from hub.app import check_deployment

        asyncio.run(check_deployment(settings))
    except HubError as error:
        fail(error)
    if config is not None:
        os.environ["HUB_CONFIG_FILE"] = str(config.resolve())
    if (workers or settings.workers) > 1 and not multiprocess_dir():  # workers share their series through files
        os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="credit-hub-metrics-")
    uvicorn.run(
        "hub.app:app_from_environment",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        log_level=settings.log_level,
        log_config=logging_config(settings.log_level, settings.log_format),
        access_log=False,
        timeout_worker_healthcheck=60,  # a worker loads the detection engine at start: seconds on a busy host
    )


def migrate(
    config: ConfigOption = None,
    database_url: Annotated[str | None, typer.Option(help="overrides HUB_DATABASE_URL")] = None,
) -> None:
    """Upgrades the hub's database (and the audit database, if separate) to the newest revision, and the
    hub-managed source of submitted records (in the hub's database unless `sources.collected.url` names one)."""
    from hub.store.migrate import upgrade_collected, upgrade_hub

    try:
        settings = load_settings(config, **({"database_url": database_url} if database_url else {}))
        targets = dict.fromkeys([settings.database_url, settings.audit_url])
        for url in targets:
            _check_sqlite_directory(url)
            upgrade_hub(url)
            typer.echo(f"migrated {url.split('@')[-1]}")
        collected = settings.sources.get("collected")
        collected_url = collected.url if collected is not None else settings.database_url
        _check_sqlite_directory(collected_url)
        upgrade_collected(collected_url)
        typer.echo(f"migrated the collected source at {collected_url.split('@')[-1]}")
        sealed = asyncio.run(_seal_keys(settings))
        if sealed:
            typer.echo(f"sealed {sealed} signing key(s) stored in the clear")
    except HubError as error:
        fail(error)
    except Exception as exc:  # a driver error: unreachable or refused database
        fail(
            ConfigError(
                f"migration failed: {type(exc).__name__}: {exc}".split("\n")[0],
                place="database_url",
                fix="check that the database exists and is reachable",
            )
        )


async def _seal_keys(settings: Settings) -> int:
    from hub.composition.stores import open_stores
    from hub.store.keys import seal_signing_keys

    async with open_stores(settings.database_url) as stores:
        return await seal_signing_keys(stores.engine, settings)


def _check_sqlite_directory(url: str) -> None:
    """Answers nothing; raises ConfigError when an SQLite URL's file lies in a directory that does not exist."""
    from sqlalchemy.engine import make_url

    from hub.store.engine import is_sqlite

    database = make_url(url).database if is_sqlite(url) else None
    if database and database != ":memory:" and not Path(database).parent.is_dir():
        raise ConfigError(
            f"migration failed: the directory {Path(database).parent} does not exist",
            place="database_url",
            fix="create the directory first, or point database_url at an existing one",
        )


def export_schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="where to write the SDL")] = None,
) -> None:
    """Writes the GraphQL SDL the code defines (default schema/hub.graphql in a checkout, ./hub.graphql otherwise)."""
    from hub.graphql.schema import build_schema

    shipped = resource_dir("schema")
    in_checkout = shipped.parent == Path(__file__).resolve().parents[2]
    output = output or (shipped / "hub.graphql" if in_checkout else Path("hub.graphql"))  # never into site-packages

    output.write_text(build_schema().as_str() + "\n", encoding="utf-8")
    typer.echo(f"wrote {output}")
