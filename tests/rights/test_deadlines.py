"""Objection and repair limits in working days; a limit into a year of unknown official calendar is estimated."""

from __future__ import annotations

from datetime import date

from hub.catalog.workdays import OfficialYear, WorkingCalendar, use_calendar
from hub.rights.deadlines import OBJECTION_WORKING_DAYS, add_working_days, deadline_estimated


def test_a_limit_over_the_new_year_is_estimated_until_the_years_notice_is_loaded() -> None:
    filed = date(2026, 12, 21)
    previous = use_calendar(WorkingCalendar())
    try:
        due = add_working_days(filed, OBJECTION_WORKING_DAYS)
        assert due == date(2027, 1, 11)  # Monday to Friday stands in for 2027
        assert deadline_estimated(filed, due)
        assert not deadline_estimated(date(2026, 9, 1), date(2026, 9, 22))
        notice = OfficialYear(2027, frozenset({date(2027, 1, 1)}), frozenset(), "calendar/2027.yaml")
        use_calendar(WorkingCalendar({2027: notice}))
        due = add_working_days(filed, OBJECTION_WORKING_DAYS)
        assert due == date(2027, 1, 12)  # New Year's Day off
        assert not deadline_estimated(filed, due)
    finally:
        use_calendar(previous)
