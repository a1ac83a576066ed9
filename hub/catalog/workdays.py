"""Working days by the State Council's calendar: public holidays and make-up working weekends (调休).

The official calendar is published a year at a time; `chinese-calendar` carries the years announced so
far. A day past its last year (or before its first) counts Monday to Friday, which is the calendar's rule
outside the holidays, so a limit is never undefined, only possibly a holiday short. Answers are cached (the
library looks through every holiday on each call; a file of 100,000 decisions asks about a few hundred days).
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import chinese_calendar

_FIRST = date(2004, 1, 1)
_LAST = date(max(chinese_calendar.constants.holidays).year, 12, 31)


@functools.lru_cache(maxsize=16384)
def is_working_day(day: date) -> bool:
    """Answers whether `day` is a working day in China (holidays off, make-up weekends on)."""
    if _FIRST <= day <= _LAST:
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def calendar_known(day: date) -> bool:
    """Answers whether the official calendar of `day`'s year is known (else weekdays stand in for it)."""
    return _FIRST <= day <= _LAST


def add_working_days(start: date, days: int) -> date:
    """Answers the day `days` working days after `start` (the day itself not counted)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


@functools.lru_cache(maxsize=16384)
def working_days_between(start: date, end: date) -> int:
    """Answers how many working days follow `start` up to and including `end` (0 when `end` <= `start`)."""
    if end <= start:
        return 0
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
