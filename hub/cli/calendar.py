"""`credit-hub calendar check` and `calendar show`: the official holiday files an operator writes, and a year's days."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hub.catalog.calendar_file import load_calendar, load_calendar_file
from hub.catalog.workdays import official_days
from hub.cli.common import ConfigFile, fail
from hub.config import load_settings
from hub.errors import HubError

_WEEKDAYS = "一二三四五六日"


def register(app: typer.Typer) -> None:
    """Answers nothing; adds the `calendar` command group (`check`, `show`) to `app`."""
    group = typer.Typer(help="The official holiday calendar (calendar_dir, ahead of chinese-calendar).")
    group.command("check")(check)
    group.command("show")(show)
    app.add_typer(group, name="calendar", no_args_is_help=True)


def check(
    files: Annotated[list[Path], typer.Argument(help="calendar files (<year>.yaml) or folders of them")],
) -> None:
    """Validate calendar files; exit non-zero naming file:line and the fix of the first mistake."""
    try:
        for path in files:
            if path.is_dir():
                calendar = load_calendar(path)
                for official in calendar.years.values():
                    _said(official.year, len(official.holidays), len(official.workdays), official.source)
                continue
            official = load_calendar_file(path)
            _said(official.year, len(official.holidays), len(official.workdays), official.source)
    except HubError as error:
        fail(error)


def _said(year: int, holidays: int, workdays: int, source: str) -> None:
    typer.echo(f"{year}: valid, {holidays} holidays and {workdays} make-up working days ({source})")


def show(
    year: Annotated[int, typer.Argument(help="the year to show", min=1900, max=2100)],
    config: ConfigFile = None,
) -> None:
    """Print who decides a year's working days and the days it sets apart from Monday to Friday."""
    try:
        calendar = load_calendar(load_settings(config).calendar_dir)
    except HubError as error:
        fail(error)
    source = calendar.source_of(year)
    if source is None:
        typer.echo(
            f"{year}: no official calendar is loaded; every Monday to Friday counts as a working day.\n"
            f"Write calendar/{year}.yaml from the State Council's notice and set calendar_dir (see the README)."
        )
        raise typer.Exit(1)
    typer.echo(f"{year}: {source}")
    for day, working in official_days(year, calendar):
        kind = "上班 make-up working day" if working else "休 holiday"
        typer.echo(f"  {day.isoformat()} 星期{_WEEKDAYS[day.weekday()]}  {kind}")
