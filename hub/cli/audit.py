"""`credit-hub audit ...`: verify the register's chain, export its checkpoints, prune on retention."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from hub.audit.checkpoints import export_lines, load_public_key, parse_lines
from hub.audit.retention import RetentionPolicy, prune
from hub.audit.verify import IntegrityReport, verify_chain
from hub.audit.witness import DirectoryWitness
from hub.composition.stores import open_register
from hub.config import Settings, load_settings
from hub.errors import HubError
from hub.store.audit_repo import AuditRepository

T = TypeVar("T")
EXIT_BROKEN, EXIT_USAGE = 1, 2

DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", help="audit database URL (default: the configured audit_url)")
]
ConfigFile = Annotated[Path | None, typer.Option("--config", help="hub.toml to read settings from")]


def _fail(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_USAGE)


def _settings(url: str | None, config: Path | None) -> Settings:
    return load_settings(config, **({"audit_database_url": url} if url else {}))


def _settings_url(url: str | None, config: Path | None) -> tuple[str, str]:
    settings = _settings(url, config)
    return settings.audit_url, settings.audit_secret


def _with_repo(url: str, work: Callable[[AuditRepository], Awaitable[T]]) -> T:
    if url.startswith("sqlite") and not Path(url.partition(":///")[2]).is_file():
        raise _fail(f"no audit database at {url.partition(':///')[2]}; check --database-url")

    async def run() -> T:
        async with open_register(url) as repo:
            return await work(repo)

    try:
        return asyncio.run(run())
    except HubError as exc:
        raise _fail(exc.render()) from None
    except Exception as exc:  # unreachable or unmigrated database: a one-line message, never a traceback
        raise _fail(
            f"cannot read the audit register ({type(exc).__name__}); check --database-url and run `credit-hub migrate`"
        ) from None


def _print_report(report: IntegrityReport, console: Console) -> None:
    table = Table(show_header=False, box=None)
    table.add_row("chain", "[green]verified[/green]" if report.verified else "[red]BROKEN[/red]")
    table.add_row("events checked", str(report.events_checked))
    table.add_row("checkpoints checked", str(report.checkpoints_checked))
    table.add_row("last seq", str(report.last_seq))
    if report.anchor_seq:
        table.add_row("pruned through seq", str(report.anchor_seq))
    if not report.verified:
        table.add_row("first bad event", f"{report.first_bad_event_id or '(unknown)'} (seq {report.first_bad_seq})")
        table.add_row("reason", f"{report.reason}: {report.detail}")
    console.print(table)


def verify(
    database_url: DatabaseUrl = None,
    checkpoints: Annotated[
        Path | None, typer.Option("--checkpoints", help="published checkpoints (JSON lines) to check against")
    ] = None,
    key: Annotated[Path | None, typer.Option("--key", help="trusted checkpoint key (PEM, public or private)")] = None,
    check_index: Annotated[bool, typer.Option(help="also check the subject index (needs audit_secret)")] = False,
    config: ConfigFile = None,
) -> None:
    """Verifies the register's hash chain end to end; exit 1 names the first broken event."""
    try:
        settings = _settings(database_url, config)
        url, secret = settings.audit_url, settings.audit_secret
        if checkpoints is not None:
            published = parse_lines(checkpoints.read_text().splitlines())
        elif settings.audit_witness_dir is not None:  # the deployment's witness, outside the database
            published = DirectoryWitness(settings.audit_witness_dir).published()
        else:
            published = []
        trusted = [load_public_key(key)] if key else []
    except HubError as exc:
        raise _fail(exc.render()) from None
    except (OSError, ValueError) as exc:
        raise _fail(f"cannot read {exc.filename if isinstance(exc, OSError) else 'input'}: {exc}") from None
    report = _with_repo(
        url,
        lambda repo: verify_chain(
            repo, trusted_keys=trusted, published=published, secret=secret if check_index else None,
            now=datetime.now(UTC),
        ),
    )  # fmt: skip
    _print_report(report, Console())
    if not report.verified:
        raise typer.Exit(EXIT_BROKEN)


def export_checkpoints(
    database_url: DatabaseUrl = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write (default: stdout)")] = None,
    config: ConfigFile = None,
) -> None:
    """Writes every signed checkpoint as JSON lines, with its public key, for publication."""
    try:
        url, _ = _settings_url(database_url, config)
    except HubError as exc:
        raise _fail(exc.render()) from None
    rows = _with_repo(url, lambda repo: repo.checkpoints())
    text = "".join(line + "\n" for line in export_lines(rows))
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text)
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror}") from None
    Console(stderr=True).print(f"{len(rows)} checkpoints written to {output}", highlight=False)


def prune_command(
    database_url: DatabaseUrl = None,
    years: Annotated[int, typer.Option("--years", help="retention in years (3 at least)")] = 3,
    yes: Annotated[bool, typer.Option("--yes", help="confirm deleting events older than the retention")] = False,
    config: ConfigFile = None,
) -> None:
    """Deletes register segments older than the retention, keeping the chain verifiable (table owner only)."""
    try:
        policy = RetentionPolicy(years)
        url, _ = _settings_url(database_url, config)
    except HubError as exc:
        raise _fail(exc.render()) from None
    if not yes:
        raise _fail("pruning deletes audit events for good; pass --yes to confirm")
    report = _with_repo(url, lambda repo: verify_chain(repo, now=datetime.now(UTC)))
    if not report.verified:
        _print_report(report, Console())
        Console(stderr=True).print("[red]error:[/red] the chain does not verify; nothing was pruned")
        raise typer.Exit(EXIT_BROKEN)
    result = _with_repo(url, lambda repo: prune(repo, policy, datetime.now(UTC)))
    Console().print(
        f"pruned {result.pruned_events} events older than {result.cutoff:%Y-%m-%d}"
        + (f"; the chain now starts after seq {result.anchor_seq}" if result.anchor_seq else ""),
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Answers nothing; adds the `audit` command group to the `credit-hub` app."""
    audit = typer.Typer(help="The query register: verify, export checkpoints, prune.", no_args_is_help=True)
    audit.command("verify")(verify)
    audit.command("export-checkpoints")(export_checkpoints)
    audit.command("prune")(prune_command)
    app.add_typer(audit, name="audit")
