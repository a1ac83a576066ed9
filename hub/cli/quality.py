"""`credit-hub quality report`: per department, what was submitted, what was refused and why, and 双公示 timeliness;
per pulled source, what reads found failing the collection checks."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from hub.catalog.calendar_file import load_calendar
from hub.catalog.load import load_catalog
from hub.cli.common import ConfigFile, fail
from hub.collection.quality import QualityRow, quality
from hub.collection.timeliness import Timeliness, timeliness
from hub.composition.stores import open_collected, open_read_faults
from hub.config import Settings, load_settings
from hub.errors import ConfigError, HubError
from hub.store.read_faults import ReadFaultCount

out = Console(highlight=False, soft_wrap=True)


async def _read(
    url: str, hub_url: str, settings: Settings, since: date, until: date, today: date
) -> tuple[list[QualityRow], Timeliness, list[ReadFaultCount]]:
    catalog = load_catalog(settings.catalog_path)
    calendar = load_calendar(settings.calendar_dir)
    async with open_collected(url) as store:
        rows = quality(catalog, await store.quality())
        items, missing = await store.timed_items(since, until), await store.missing(since, until)
        timed = timeliness(catalog, items, missing, since, until, today, calendar)
    try:
        async with open_read_faults(hub_url) as faults:
            found = await faults.counts(datetime.combine(since, time(), UTC))
    except Exception as exc:  # a driver error: an unreachable or unmigrated hub database
        raise ConfigError(
            f"cannot read what reads found in the hub's database: {type(exc).__name__}",
            place="--hub-database-url",
            fix="check the URL (default: the hub's database_url), and run `credit-hub migrate` first",
        ) from None
    return rows, timed, found


def _read_table(found: list[ReadFaultCount], since: date) -> Table:
    table = Table(
        title=f"读取时发现 found on read: pulled items failing the collection checks (read since {since})",
        title_justify="left",
    )
    for column in ("source", "type", "items flagged", "by check", "last read"):
        table.add_column(column, overflow="fold")
    for row in found:
        by_code = ", ".join(f"{code} {n}" for code, n in row.by_code) or "-"
        table.add_row(row.source, row.record_type, str(row.items), by_code, row.last_seen.isoformat(timespec="minutes"))
    return table


def _table(rows: list[QualityRow], timed: Timeliness) -> None:
    submitted = Table(title="归集质量 collection quality", title_justify="left")
    for column in ("department", "type", "rows", "accepted", "unchanged", "refused", "corrected", "withdrawn"):
        submitted.add_column(column, overflow="fold")
    found = Table(title="退回原因、字段完整度与个人信息 refusals, completeness, personal data", title_justify="left")
    for column in ("department", "type", "refused by reason", "optional fields filled", "personal data in free text"):
        found.add_column(column, overflow="fold")
    timely = Table(title=f"双公示及时性 timeliness ({timed.since} - {timed.until})", title_justify="left")
    for column in (
        "department", "type", "items", "on time", "late", "median lag", "longest", "estimated", "missing (overdue)",
        "withdrawn",
    ):  # fmt: skip
        timely.add_column(column, overflow="fold")
    for row in rows:
        kind = row.record_type
        submitted.add_row(
            row.department,
            kind,
            str(row.rows),
            str(row.accepted),
            str(row.unchanged),
            str(row.refused),
            str(row.corrections),
            str(row.withdrawals),
        )
        found.add_row(
            row.department,
            kind,
            ", ".join(f"{code} {n}" for code, n in row.refused_by_reason) or "-",
            ", ".join(f"{f} {share:.0%}" for f, share in row.completeness) or "-",
            ", ".join(f"{kind_} {n}" for kind_, n in row.personal_data) or "-",
        )
    for lag in timed.rows:
        timely.add_row(
            lag.department,
            lag.record_type,
            str(lag.items),
            str(lag.on_time),
            str(lag.late),
            "-" if lag.median_lag is None else f"{lag.median_lag:g}",
            "-" if lag.max_lag is None else str(lag.max_lag),
            str(lag.estimated),
            f"{lag.missing} ({lag.missing_overdue})",
            str(lag.withdrawn),
        )
    for table in (submitted, found, timely):
        out.print(table)
    if timed.unknown_years:
        out.print(_unknown(timed.unknown_years))


def _unknown(years: tuple[int, ...]) -> str:
    shown = ", ".join(str(year) for year in years)
    return (
        f"warning: the official calendar of {shown} is not loaded: lags and deadlines there count Monday to Friday "
        f"(estimated); add calendar/{years[0]}.yaml from the State Council's notice (see `credit-hub calendar`)"
    )


def register(app: typer.Typer) -> None:
    """Answers nothing; adds the `quality` command group (`report`) to `app`."""
    group = typer.Typer(help="The quality of what departments submit.", no_args_is_help=True)
    app.add_typer(group, name="quality")

    @group.command("report")
    def report(
        config: ConfigFile = None,
        database_url: Annotated[
            str | None,
            typer.Option("--database-url", help="the collected source (default: its setting, else the hub's)"),
        ] = None,
        hub_database_url: Annotated[
            str | None,
            typer.Option("--hub-database-url", help="the hub's own database, where reads note faulty pulled items"),
        ] = None,
        since: Annotated[
            str | None, typer.Option("--since", help="decisions from (YYYY-MM-DD; default: a year ago)")
        ] = None,
        until: Annotated[
            str | None, typer.Option("--until", help="decisions up to (YYYY-MM-DD; default: today)")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
    ) -> None:
        """Prints, per department and record type: rows submitted, accepted, refused by reason, corrections,
        completeness of optional fields, personal data found in free text, and 双公示 timeliness; and per pulled
        source and record type, the items reads found failing the collection checks (from the hub's database)."""
        try:
            settings = load_settings(config)
            collected = settings.sources.get("collected")
            url = database_url or (collected.url if collected is not None else settings.database_url)
            today = date.today()
            try:
                end = date.fromisoformat(until) if until else today
                start = date.fromisoformat(since) if since else end - timedelta(days=365)
            except ValueError:
                raise ConfigError("--since and --until are dates", fix="write them as YYYY-MM-DD") from None
            rows, timed, found = asyncio.run(
                _read(url, hub_database_url or settings.database_url, settings, start, end, today)
            )
        except HubError as error:
            fail(error)
        except Exception as exc:  # a driver error: an unreachable or unmigrated database
            fail(
                ConfigError(
                    f"cannot read the collected source: {type(exc).__name__}",
                    place="--database-url",
                    fix="check the URL, and run `credit-hub migrate` first",
                )
            )
        if as_json:
            body: dict[str, Any] = {
                "quality": [asdict(row) for row in rows],
                "timeliness": [asdict(row) for row in timed.rows],
                "read_faults": [asdict(row) for row in found],
                "since": timed.since.isoformat(),
                "until": timed.until.isoformat(),
                "unknown_calendar_years": list(timed.unknown_years),
            }
            typer.echo(json.dumps(body, ensure_ascii=False, indent=2, default=str))
            return
        if not rows:
            typer.echo("nothing was submitted yet")
        else:
            _table(rows, timed)
        out.print(_read_table(found, start))
