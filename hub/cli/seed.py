"""`credit-hub seed`: fills the four demo source databases with deterministic synthetic subjects."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from hub.cli.common import fail
from hub.demo.facts import SOURCES
from hub.demo.seed import SeedReport, SourceUnreachable, seed_sources
from hub.errors import ConfigError, HubError

DEFAULT_DATA_DIR = Path("credit-hub-data")


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def source_urls(data_dir: Path, overrides: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Answers each source's URL (SQLite under `data_dir` unless overridden) and the argument that named it."""
    urls: dict[str, str] = {}
    named_by: dict[str, str] = {}
    for text in overrides:
        name, sep, url = text.partition("=")
        name = name.strip()
        if not sep or not name or not url.strip():
            raise ConfigError(
                "expected NAME=URL",
                place=f"--source-url '{_shown(text)}'",
                fix="write e.g. datong=sqlite+aiosqlite:///d.db",
            )
        if name not in SOURCES:
            raise ConfigError(
                f"unknown source '{name}'", place=f"--source-url '{name}=…'", fix=f"name one of: {', '.join(SOURCES)}"
            )
        urls[name] = url.strip()
        named_by[name] = f"--source-url '{name}={_shown(url.strip())}'"
    missing = [name for name in SOURCES if name not in urls]
    if missing:
        folder = data_dir / "sources"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"cannot create {folder}: {exc.strerror}",
                place=f"--data-dir '{data_dir}'",
                fix="pass a writable --data-dir",
            ) from None
        for name in missing:
            urls[name] = f"sqlite+aiosqlite:///{(folder / f'{name}.db').resolve()}"
            named_by[name] = f"--data-dir '{data_dir}'"
    return {name: urls[name] for name in SOURCES}, named_by


def _summary(report: SeedReport) -> Table:
    table = Table(title=f"{report.subjects} subjects, seed {report.seed}, {report.seconds:.1f} s")
    table.add_column("source")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for source, tables in report.rows.items():
        for name, count in tables.items():
            table.add_row(source, name, f"{count:,}")
    table.add_row("[bold]total[/bold]", "", f"[bold]{sum(sum(t.values()) for t in report.rows.values()):,}[/bold]")
    return table


def seed_command(
    subjects: Annotated[
        int, typer.Option("--subjects", metavar="N", help="How many subjects to generate (at least 1).")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", metavar="S", help="Same seed, same data.")] = 42,
    source_url: Annotated[
        list[str] | None,
        typer.Option(
            "--source-url", metavar="NAME=URL", help="URL of one source (repeatable); the others go to --data-dir."
        ),
    ] = None,
    data_dir: Annotated[
        Path, typer.Option("--data-dir", metavar="DIR", help="Writes SQLite files DIR/sources/<name>.db.")
    ] = DEFAULT_DATA_DIR,
) -> None:
    """Fill the demo source databases (taiyuan, datong, tax, court) with deterministic synthetic data."""
    try:
        if subjects < 1:
            raise ConfigError(f"{subjects} is too small", place="--subjects", fix="pass --subjects 1 or more")
        urls, named_by = source_urls(data_dir, source_url or [])
    except HubError as exc:
        fail(exc)
    console = Console()
    progress = Progress(
        TextColumn("seeding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True
    )
    task = progress.add_task("seed", total=subjects)

    def advance(done: int) -> None:
        progress.start()  # only once data flows, so a failed start prints nothing but the error
        progress.advance(task, done)

    try:
        report = asyncio.run(seed_sources(urls, subjects, seed, advance))
    except SourceUnreachable as exc:
        fail(ConfigError(exc.message, place=named_by[exc.source], fix=exc.fix))
    except HubError as exc:
        fail(exc)
    finally:
        if progress.live.is_started:
            progress.stop()
    console.print(_summary(report))
    for key, code in report.samples.items():
        console.print(f"sample {key}: {code}", highlight=False)


def register(app: typer.Typer) -> None:
    """Adds the `seed` command to the `credit-hub` application."""
    app.command("seed")(seed_command)
