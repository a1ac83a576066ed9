"""Working days by the official calendar: holidays off, make-up weekends on, weekdays past the known years."""

from __future__ import annotations

from datetime import date

import pytest

from hub.catalog.workdays import (
    OfficialYear,
    WorkingCalendar,
    active_calendar,
    add_working_days,
    calendar_known,
    is_working_day,
    official_days,
    unknown_years,
    use_calendar,
    working_days_between,
)

LIBRARY = WorkingCalendar()


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


NOTICE_2027 = OfficialYear(
    2027,
    holidays=frozenset({date(2027, 1, 1), *(date(2027, 2, d) for d in range(6, 14))}),
    workdays=frozenset({date(2027, 2, 14)}),
    source="calendar/2027.yaml",
)


def test_a_loaded_year_decides_its_days_and_is_known() -> None:
    loaded = WorkingCalendar({2027: NOTICE_2027})
    assert not calendar_known(date(2027, 2, 8), LIBRARY)
    assert is_working_day(date(2027, 2, 8), LIBRARY)  # a Monday, Monday to Friday standing in
    assert calendar_known(date(2027, 2, 8), loaded)
    assert not is_working_day(date(2027, 2, 8), loaded)  # 春节 in the file
    assert is_working_day(date(2027, 2, 14), loaded)  # a Sunday made a working day
    assert not is_working_day(date(2027, 2, 20), loaded)  # a Saturday the file leaves alone
    assert unknown_years(date(2026, 12, 1), date(2028, 1, 3), loaded) == (2028,)


def test_a_file_year_takes_precedence_over_the_library() -> None:
    # a file for 2026 that (wrongly) leaves National Day out wins over chinese-calendar for all of 2026
    own = OfficialYear(2026, frozenset({date(2026, 1, 1)}), frozenset(), "calendar/2026.yaml")
    loaded = WorkingCalendar({2026: own})
    assert is_working_day(date(2026, 10, 5), loaded)
    assert not is_working_day(date(2026, 10, 5), LIBRARY)
    assert loaded.source_of(2026) == "calendar/2026.yaml"


def test_answers_cached_on_one_calendar_never_answer_for_another() -> None:
    loaded = WorkingCalendar({2027: NOTICE_2027})
    previous = use_calendar(LIBRARY)
    try:
        assert working_days_between(date(2027, 2, 5), date(2027, 2, 15)) == 6  # cached on the library
        assert add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 8)
        use_calendar(loaded)
        assert working_days_between(date(2027, 2, 5), date(2027, 2, 15)) == 2  # 02-14 (Sunday, worked) and 02-15
        assert add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 14)
        assert active_calendar() is loaded
    finally:
        use_calendar(previous)


def test_official_days_are_the_days_set_apart_from_monday_to_friday() -> None:
    loaded = WorkingCalendar({2027: NOTICE_2027})
    days = list(official_days(2027, loaded))
    assert days[0] == (date(2027, 1, 1), False)
    assert (date(2027, 2, 14), True) in days
    assert (date(2027, 2, 6), False) not in days  # a Saturday off anyway
    assert len(days) == 1 + 5 + 1
