"""双公示 timeliness: how many working days each item took from its decision to the platform, per department.

An item is on time when it reached the platform within its record type's deadline (7 working days by the
catalogue, 000 #33, 001 (七)1), counted on the official calendar (hub.catalog.workdays) the report is made on, so
a calendar file loaded after the items landed counts them again. A lag or deadline that crosses a year whose
official calendar is not known counts Monday to Friday and is `estimated`.

A decision is missing its publication when the platform knows it was made and publishes no item of it:
- REFUSED: a submission of it was refused and none was accepted since;
- AT_SOURCE: a pulled source (the municipal platform or the department's own database) holds it, decided by one
  of the department's authorities, and the department never submitted it (hub.collection.unpublished).
It is overdue once its deadline has passed. Items withdrawn and not published again are counted apart
(`withdrawn`): a withdrawal states, with its reason, that the decision no longer stands (revoked, annulled).
"""

from __future__ import annotations

import functools
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hub.catalog.model import Catalog
from hub.catalog.workdays import (
    WorkingCalendar,
    active_calendar,
    add_working_days,
    span_known,
    unknown_years,
    working_days_between,
)
from hub.store.collected import AT_SOURCE, REFUSED, WITHDRAWN, MissingItem, TimedItem

DEFAULT_DEADLINE = 7
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def local_day(moment: datetime) -> date:
    """Answers the day in China of a moment."""
    return moment.astimezone(LOCAL_ZONE).date()


@dataclass(frozen=True, slots=True)
class TimelinessRow:
    """One department's items of one record type (and one month, in the monthly breakdown)."""

    department: str
    record_type: str
    month: str | None
    items: int
    on_time: int
    late: int
    median_lag: float | None
    max_lag: int | None
    missing: int
    missing_overdue: int
    estimated: int = 0  # items whose lag counts Monday to Friday for a year of unknown official calendar
    missing_refused: int = 0
    missing_at_source: int = 0
    withdrawn: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """Answers the share of items published on time (None without items)."""
        return self.on_time / self.items if self.items else None


@dataclass(frozen=True, slots=True)
class Timeliness:
    """The report: per department and record type, and per department, record type and month."""

    since: date
    until: date
    rows: tuple[TimelinessRow, ...]
    months: tuple[TimelinessRow, ...]
    unknown_years: tuple[int, ...] = ()  # years of the span (to today) counted Monday to Friday


@dataclass(frozen=True, slots=True)
class _Lag:
    days: int
    estimated: bool


def _deadline(catalog: Catalog, record_type: str) -> int:
    rt = catalog.record_types.get(record_type)
    return rt.collection.deadline_working_days if rt is not None and rt.collection is not None else DEFAULT_DEADLINE


@functools.lru_cache(maxsize=16384)  # 100,000 items fall on a few thousand (decision, arrival) days
def _counted(calendar: WorkingCalendar, decided: date, received: date) -> _Lag:
    return _Lag(working_days_between(decided, received, calendar), not span_known(decided, received, calendar))


def _lag(item: TimedItem, calendar: WorkingCalendar) -> _Lag:
    return _counted(calendar, item.decided_on, local_day(item.received_at))


def _row(
    key: tuple[str, str, str | None],
    lags: Sequence[_Lag],
    deadline: int,
    missing: Sequence[MissingItem],
    today: date,
    calendar: WorkingCalendar,
) -> TimelinessRow:
    department, record_type, month = key
    days = [lag.days for lag in lags]
    on_time = sum(1 for lag in days if lag <= deadline)
    absent = [m for m in missing if m.why != WITHDRAWN]
    overdue = sum(
        1 for m in absent if m.decided_on is None or add_working_days(m.decided_on, deadline, calendar) < today
    )
    return TimelinessRow(
        department,
        record_type,
        month,
        len(days),
        on_time,
        len(days) - on_time,
        float(statistics.median(days)) if days else None,
        max(days) if days else None,
        len(absent),
        overdue,
        estimated=sum(1 for lag in lags if lag.estimated),
        missing_refused=sum(1 for m in absent if m.why == REFUSED),
        missing_at_source=sum(1 for m in absent if m.why == AT_SOURCE),
        withdrawn=len(missing) - len(absent),
    )


def timeliness(
    catalog: Catalog,
    items: Sequence[TimedItem],
    missing: Sequence[MissingItem],
    since: date,
    until: date,
    today: date,
    calendar: WorkingCalendar | None = None,
) -> Timeliness:
    """Answers the timeliness report of the items decided from `since` to `until`, counted on `today` and on
    `calendar` (default: the one the process counts on)."""
    chosen = calendar or active_calendar()
    lags: dict[tuple[str, str, str | None], list[_Lag]] = defaultdict(list)
    absent: dict[tuple[str, str, str | None], list[MissingItem]] = defaultdict(list)
    for item in items:
        lag = _lag(item, chosen)
        lags[(item.department, item.record_type, None)].append(lag)
        lags[(item.department, item.record_type, item.decided_on.strftime("%Y-%m"))].append(lag)
    for row in missing:
        absent[(row.department, row.record_type, None)].append(row)
        if row.decided_on is not None:
            absent[(row.department, row.record_type, row.decided_on.strftime("%Y-%m"))].append(row)
    keys = sorted(set(lags) | set(absent), key=lambda k: (k[0], k[1], k[2] or ""))
    built = [_row(k, lags.get(k, []), _deadline(catalog, k[1]), absent.get(k, []), today, chosen) for k in keys]
    return Timeliness(
        since,
        until,
        tuple(r for r in built if r.month is None),
        tuple(r for r in built if r.month is not None),
        unknown_years(since, max(until, today), chosen),
    )
