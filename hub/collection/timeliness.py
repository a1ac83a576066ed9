"""双公示 timeliness: how many working days each item took from its decision to the platform, per department.

An item is on time when it reached the platform within its record type's deadline (7 working days by the
catalogue, 000 #33, 001 (七)1), counted on the official calendar (hub.catalog.workdays). An item refused and
never accepted since is still missing its publication; it is overdue once its deadline has passed.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from hub.catalog.model import Catalog
from hub.catalog.workdays import add_working_days
from hub.store.collected import RefusalRow, TimedItem

DEFAULT_DEADLINE = 7


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


def _deadline(catalog: Catalog, record_type: str) -> int:
    rt = catalog.record_types.get(record_type)
    return rt.collection.deadline_working_days if rt is not None and rt.collection is not None else DEFAULT_DEADLINE


def _row(
    department: str,
    record_type: str,
    month: str | None,
    lags: Sequence[int],
    deadline: int,
    missing: Sequence[RefusalRow],
    today: date,
) -> TimelinessRow:
    on_time = sum(1 for lag in lags if lag <= deadline)
    overdue = sum(1 for m in missing if m.decided_on is None or add_working_days(m.decided_on, deadline) < today)
    return TimelinessRow(
        department,
        record_type,
        month,
        len(lags),
        on_time,
        len(lags) - on_time,
        float(statistics.median(lags)) if lags else None,
        max(lags) if lags else None,
        len(missing),
        overdue,
    )


def timeliness(
    catalog: Catalog, items: Sequence[TimedItem], missing: Sequence[RefusalRow], since: date, until: date, today: date
) -> Timeliness:
    """Answers the timeliness report of the items decided from `since` to `until`, counted on `today`."""
    lags: dict[tuple[str, str], list[int]] = defaultdict(list)
    monthly: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for item in items:
        lags[(item.department, item.record_type)].append(item.lag_working_days)
        monthly[(item.department, item.record_type, item.decided_on.strftime("%Y-%m"))].append(item.lag_working_days)
    absent: dict[tuple[str, str], list[RefusalRow]] = defaultdict(list)
    absent_monthly: dict[tuple[str, str, str], list[RefusalRow]] = defaultdict(list)
    for row in missing:
        absent[(row.department, row.record_type)].append(row)
        if row.decided_on is not None:
            absent_monthly[(row.department, row.record_type, row.decided_on.strftime("%Y-%m"))].append(row)
    rows = tuple(
        _row(d, rt, None, lags.get((d, rt), []), _deadline(catalog, rt), absent.get((d, rt), []), today)
        for d, rt in sorted(set(lags) | set(absent))
    )
    months = tuple(
        _row(d, rt, m, monthly.get((d, rt, m), []), _deadline(catalog, rt), absent_monthly.get((d, rt, m), []), today)
        for d, rt, m in sorted(set(monthly) | set(absent_monthly))
    )
    return Timeliness(since, until, rows, months)
