"""Working days by the official calendar: holidays off, make-up weekends on, weekdays past the known years."""

from __future__ import annotations

from datetime import date

import pytest

from hub.catalog.workdays import add_working_days, calendar_known, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 8), True),
        (date(2026, 2, 17), False),  # Spring Festival
        (date(2026, 3, 9), True),  # an ordinary Monday
        (date(2026, 3, 7), False),  # an ordinary Saturday
        (date(2026, 2, 14), True),  # a Saturday made a working day (调休)
    ],
)
def test_the_official_calendar_decides_a_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_past_the_published_years_weekdays_stand_in() -> None:
    assert not calendar_known(date(2031, 1, 6))
    assert is_working_day(date(2031, 1, 6))  # a Monday
    assert not is_working_day(date(2031, 1, 4))  # a Saturday


def test_a_deadline_over_national_day_skips_the_holiday_week() -> None:
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert working_days_between(date(2026, 10, 8), date(2026, 9, 30)) == 0


def test_seven_working_days_from_a_friday_decision() -> None:
    assert add_working_days(date(2026, 3, 6), 7) == date(2026, 3, 17)
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 17)) == 7
