"""Working days by the State Council's calendar: public holidays and make-up working weekends (调休).

The official calendar is published a year at a time (国务院办公厅关于某年部分节假日安排的通知). A deployment's
calendar files (`calendar_dir`, hub.catalog.calendar_file) decide the years they list; `chinese-calendar` decides
the years it carries; any other year counts Monday to Friday, the calendar's rule outside the holidays, so a limit
is never undefined, only possibly a holiday short, and `calendar_known` says when that is the case.

The process counts on one calendar, installed at start-up by `use_calendar` (the library's alone until then).
Answers are cached per calendar (the cache key holds the calendar itself), so installing another one never mixes
with answers given on the previous one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

LIBRARY_FIRST = date(2004, 1, 1)
LIBRARY_LAST = date(max(chinese_calendar.constants.holidays).year, 12, 31)


@dataclass(frozen=True, slots=True)
class OfficialYear:
    """One year's notice: its holidays and its make-up working days, and where they were read from."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str  # the file (and the notice it cites) the year was read from


@dataclass(frozen=True, eq=False)  # hashed by identity: a cache key per loaded calendar, however alike two are
class WorkingCalendar:
    """The official years a deployment loaded from its calendar files; the library answers every other year."""

    years: dict[int, OfficialYear] = field(default_factory=dict)

    def source_of(self, year: int) -> str | None:
        """Answers who decides `year`: the calendar file, `chinese-calendar`, or None (Monday to Friday)."""
        if year in self.years:
            return self.years[year].source
        if LIBRARY_FIRST.year <= year <= LIBRARY_LAST.year:
            return f"chinese-calendar {chinese_calendar.__version__}"
        return None


LIBRARY = WorkingCalendar()
_active = LIBRARY


def use_calendar(calendar: WorkingCalendar) -> WorkingCalendar:
    """Answers the calendar counted on until now, after making `calendar` the one the process counts on."""
    global _active
    previous, _active = _active, calendar
    return previous


def active_calendar() -> WorkingCalendar:
    """Answers the calendar the process counts on."""
    return _active


@functools.lru_cache(maxsize=16384)
def _working(calendar: WorkingCalendar, day: date) -> bool:
    official = calendar.years.get(day.year)
    if official is not None:
        if day in official.holidays:
            return False
        return day in official.workdays or day.weekday() < 5
    if LIBRARY_FIRST <= day <= LIBRARY_LAST:
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def is_working_day(day: date, calendar: WorkingCalendar | None = None) -> bool:
    """Answers whether `day` is a working day in China (holidays off, make-up weekends on)."""
    return _working(calendar or _active, day)


def calendar_known(day: date, calendar: WorkingCalendar | None = None) -> bool:
    """Answers whether the official calendar of `day`'s year is known (else weekdays stand in for it)."""
    return (calendar or _active).source_of(day.year) is not None


def unknown_years(start: date, end: date, calendar: WorkingCalendar | None = None) -> tuple[int, ...]:
    """Answers the years from `start` to `end` (either order) whose official calendar is not known."""
    chosen = calendar or _active
    first, last = sorted((start.year, end.year))
    return tuple(year for year in range(first, last + 1) if chosen.source_of(year) is None)


def span_known(start: date, end: date, calendar: WorkingCalendar | None = None) -> bool:
    """Answers whether every day from `start` to `end` is counted on a known official calendar."""
    return not unknown_years(start, end, calendar)


def add_working_days(start: date, days: int, calendar: WorkingCalendar | None = None) -> date:
    """Answers the day `days` working days after `start` (the day itself not counted)."""
    chosen = calendar or _active
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if _working(chosen, day):
            left -= 1
    return day


def working_days_between(start: date, end: date, calendar: WorkingCalendar | None = None) -> int:
    """Answers how many working days follow `start` up to and including `end` (0 when `end` <= `start`)."""
    return _between(calendar or _active, start, end)


@functools.lru_cache(maxsize=16384)
def _between(calendar: WorkingCalendar, start: date, end: date) -> int:
    if end <= start:
        return 0
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if _working(calendar, day):
            count += 1
    return count


def official_days(year: int, calendar: WorkingCalendar | None = None) -> Iterable[tuple[date, bool]]:
    """Answers every day of `year` that the official calendar sets apart: holidays (False) and make-up working
    weekends (True), in order."""
    chosen = calendar or _active
    day = date(year, 1, 1)
    while day.year == year:
        working = _working(chosen, day)
        if working != (day.weekday() < 5):
            yield day, working
        day += timedelta(days=1)
