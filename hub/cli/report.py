"""`credit-hub report verify FILE`: exit 0 for an unaltered report of this hub, non-zero (and why) otherwise."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import httpx
import typer
from joserfc.jwk import KeySet

from hub.cli.common import fail
from hub.composition.stores import open_stores
from hub.config import load_settings
from hub.errors import ConfigError, HubError
from hub.reports.signing import InvalidReport, verify
from hub.store.reports import ReportRepository

JwksOption = Annotated[
    str | None,
    typer.Option(
        "--jwks", help="the hub's report keys: a URL (https://hub/reports/keys.json) or a JWKS file "
        "[default: the keys in the hub database]",
    ),
]  # fmt: skip
DatabaseOption = Annotated[
    str | None, typer.Option("--database-url", help="the hub database (overrides HUB_DATABASE_URL)")
]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="hub.toml to read settings from")]


def register(app: typer.Typer) -> None:
    """Answers nothing; adds the `report` command group to the CLI."""
    group = typer.Typer(help="Credit reports (信用报告).", no_args_is_help=True)
    group.command("verify")(verify_command)
    app.add_typer(group, name="report")


def verify_command(
    file: Annotated[Path, typer.Argument(help="the report PDF as downloaded", show_default=False)],
    jwks: JwksOption = None,
    database_url: DatabaseOption = None,
    config: ConfigOption = None,
) -> None:
    """Verify a credit report: its signature by the hub's key over its number and every byte of the PDF."""
    try:
        signed = file.read_bytes()
    except OSError as exc:
        fail(ConfigError(f"cannot read the report ({exc.strerror})", place=str(file), fix="give the PDF's path"))
    try:
        keys = _from_jwks(jwks) if jwks else asyncio.run(_from_database(database_url, config))
        found = verify(signed, keys)
    except InvalidReport as exc:
        typer.echo(f"{file}: NOT VALID: {exc}", err=True)
        raise typer.Exit(1) from None
    except HubError as error:
        fail(error)
    typer.echo(f"{file}: valid credit report {found.number} (sha256 {found.sha256}, signed by key {found.kid})")


def _from_jwks(source: str) -> KeySet:
    """Answers the key set at a URL or in a file; ConfigError naming the source when it is neither."""
    try:
        if source.startswith(("http://", "https://")):
            response = httpx.get(source, timeout=10)
            response.raise_for_status()
            data = response.json()
        else:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        return KeySet.import_key_set(data)
    except (OSError, httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"cannot read the hub's keys ({type(exc).__name__})", place=f"--jwks {source}",
            fix="give the hub's /reports/keys.json URL or a JWKS file",
        ) from None  # fmt: skip


async def _from_database(database_url: str | None, config: Path | None) -> KeySet:
    settings = load_settings(config, **({"database_url": database_url} if database_url else {}))
    async with open_stores(settings.database_url) as stores:
        rows = [row.public_jwk for row in await stores.signing_keys.all()]
        rows += await ReportRepository(stores.engine).public_keys()
    if not rows:
        raise ConfigError(
            "the hub database holds no signing keys", place="--database-url",
            fix="point --database-url at the hub that issued the report, or pass --jwks",
        )  # fmt: skip
    return KeySet.import_key_set({"keys": list({jwk["kid"]: jwk for jwk in map(json.loads, rows)}.values())})
