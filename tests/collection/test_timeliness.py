"""双公示 timeliness: on time within 7 working days, the median lag, and decisions still missing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hub.catalog.load import load_catalog
from hub.collection.timeliness import timeliness
from hub.config import resource_dir
from hub.store.collected import RefusalRow, TimedItem

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
AT = datetime(2026, 11, 30, tzinfo=UTC)


def _item(department: str, record_type: str, day: date, lag: int) -> TimedItem:
    return TimedItem(department, record_type, day, AT, lag)


def test_on_time_late_median_and_missing_per_department_and_month() -> None:
    items = [
        _item("tax", "penalty", date(2026, 10, 9), 2),
        _item("tax", "penalty", date(2026, 10, 12), 7),
        _item("tax", "penalty", date(2026, 11, 2), 8),
        _item("market-regulation", "licence", date(2026, 11, 3), 1),
    ]
    missing = [
        RefusalRow("tax", "penalty", "k1", date(2026, 11, 2)),  # 7 working days end 11-11: overdue
        RefusalRow("tax", "penalty", "k2", date(2026, 11, 27)),  # not yet due on 12-01
    ]
    report = timeliness(CATALOG, items, missing, date(2026, 10, 1), date(2026, 11, 30), date(2026, 12, 1))
    tax = next(r for r in report.rows if r.department == "tax")
    assert (tax.items, tax.on_time, tax.late, tax.median_lag, tax.max_lag) == (3, 2, 1, 7.0, 8)
    assert (tax.missing, tax.missing_overdue) == (2, 1)
    assert round(tax.on_time_rate or 0, 3) == 0.667
    months = {(r.department, r.month): (r.on_time, r.late) for r in report.months}
    assert months[("tax", "2026-10")] == (2, 0)
    assert months[("tax", "2026-11")] == (0, 1)
    assert months[("market-regulation", "2026-11")] == (1, 0)


def test_no_items_no_rates() -> None:
    report = timeliness(CATALOG, [], [], date(2026, 10, 1), date(2026, 11, 30), date(2026, 12, 1))
    assert report.rows == ()
    assert report.months == ()
