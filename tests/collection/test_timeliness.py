"""双公示 timeliness: on time within 7 working days, the median lag, decisions still missing, estimated lags."""

from __future__ import annotations

from datetime import date, datetime, time

from hub.catalog.load import load_catalog
from hub.catalog.workdays import OfficialYear, WorkingCalendar, add_working_days
from hub.collection.timeliness import LOCAL_ZONE, timeliness
from hub.config import resource_dir
from hub.store.collected import AT_SOURCE, REFUSED, WITHDRAWN, MissingItem, TimedItem

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
LIBRARY = WorkingCalendar()


def _item(department: str, record_type: str, day: date, lag: int, calendar: WorkingCalendar = LIBRARY) -> TimedItem:
    received = datetime.combine(add_working_days(day, lag, calendar), time(10), LOCAL_ZONE)
    return TimedItem(department, record_type, day, received, lag)


def test_on_time_late_median_and_missing_per_department_and_month() -> None:
    items = [
        _item("tax", "penalty", date(2026, 10, 9), 2),
        _item("tax", "penalty", date(2026, 10, 12), 7),
        _item("tax", "penalty", date(2026, 11, 2), 8),
        _item("market-regulation", "licence", date(2026, 11, 3), 1),
    ]
    missing = [
        MissingItem("tax", "penalty", "k1", date(2026, 11, 2), REFUSED),  # 7 working days end 11-11: overdue
        MissingItem("tax", "penalty", "k2", date(2026, 11, 27), REFUSED),  # not yet due on 12-01
        MissingItem("tax", "penalty", "k3", date(2026, 10, 20), AT_SOURCE),  # at a source, never submitted: overdue
        MissingItem("tax", "penalty", "k4", date(2026, 10, 21), WITHDRAWN),  # apart from missing
    ]
    report = timeliness(CATALOG, items, missing, date(2026, 10, 1), date(2026, 11, 30), date(2026, 12, 1), LIBRARY)
    tax = next(r for r in report.rows if r.department == "tax")
    assert (tax.items, tax.on_time, tax.late, tax.median_lag, tax.max_lag) == (3, 2, 1, 7.0, 8)
    assert (tax.missing, tax.missing_overdue, tax.missing_refused, tax.missing_at_source) == (3, 2, 2, 1)
    assert (tax.withdrawn, tax.estimated) == (1, 0)
    assert round(tax.on_time_rate or 0, 3) == 0.667
    months = {(r.department, r.month): (r.on_time, r.late, r.missing, r.withdrawn) for r in report.months}
    assert months[("tax", "2026-10")] == (2, 0, 1, 1)
    assert months[("tax", "2026-11")] == (0, 1, 2, 0)
    assert months[("market-regulation", "2026-11")] == (1, 0, 0, 0)
    assert report.unknown_years == ()


def test_no_items_no_rates() -> None:
    report = timeliness(CATALOG, [], [], date(2026, 10, 1), date(2026, 11, 30), date(2026, 12, 1), LIBRARY)
    assert report.rows == ()
    assert report.months == ()


def test_a_lag_into_a_year_of_unknown_calendar_is_estimated_and_the_year_named() -> None:
    items = [
        _item("tax", "penalty", date(2026, 12, 28), 5),  # received in 2027: Monday to Friday stood in
        _item("tax", "penalty", date(2026, 12, 7), 3),
    ]
    today = date(2027, 1, 20)
    report = timeliness(CATALOG, items, [], date(2026, 12, 1), date(2027, 1, 20), today, LIBRARY)
    assert report.unknown_years == (2027,)
    assert report.rows[0].estimated == 1


def test_a_calendar_loaded_later_counts_the_stored_items_again() -> None:
    decided = date(2027, 2, 5)  # a Friday; a notice puts 2027-02-08 .. 02-12 off
    received = datetime.combine(date(2027, 2, 15), time(9), LOCAL_ZONE)
    stored = TimedItem("tax", "penalty", decided, received, 6)  # counted Monday to Friday when it landed
    notice = OfficialYear(2027, frozenset(date(2027, 2, d) for d in range(8, 13)), frozenset(), "2027.yaml")
    loaded = WorkingCalendar({2027: notice})
    before = timeliness(CATALOG, [stored], [], decided, decided, date(2027, 3, 1), LIBRARY)
    after = timeliness(CATALOG, [stored], [], decided, decided, date(2027, 3, 1), loaded)
    assert (before.rows[0].max_lag, before.rows[0].estimated, before.unknown_years) == (6, 1, (2027,))
    assert (after.rows[0].max_lag, after.rows[0].estimated, after.unknown_years) == (1, 0, ())
