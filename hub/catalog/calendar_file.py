"""Calendar files: a year's official holidays and make-up working days, as the State Council's notice sets them.

One YAML file per year (`calendar/2027.yaml` in the folder `calendar_dir` names), written from the notice
(国务院办公厅关于2027年部分节假日安排的通知) so that a new year needs no library release:

    year: 2027
    notice: 国办发明电〔2026〕N号            # the notice the days are copied from (shown by `calendar show`)
    holidays:                                 # per festival: days, or first .. last
      元旦: [2027-01-01]
      春节: [2027-02-06 .. 2027-02-13]
    workdays: [2027-02-14]                    # make-up working weekend days (调休上班)

A file decides its year whole, ahead of `chinese-calendar`: a day it does not list counts Monday to Friday.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hub.catalog.workdays import OfficialYear, WorkingCalendar
from hub.catalog.yamlfile import YamlDocument, load_yaml
from hub.errors import ConfigError

KEYS = ("year", "notice", "holidays", "workdays")
_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*$")
_LONGEST_HOLIDAY = 15  # no festival of the notices runs longer (春节 and 国庆节: 8 or 9 days with 调休)
EXAMPLE = "year: 2027\nholidays: {元旦: [2027-01-01], 春节: [2027-02-06 .. 2027-02-13]}\nworkdays: [2027-02-14]"


def _fail(doc: YamlDocument, key: tuple[str | int, ...], problem: str, fix: str) -> ConfigError:
    return ConfigError(problem, place=doc.place(key), fix=fix)


def _one_day(doc: YamlDocument, key: tuple[str | int, ...], value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise _fail(
            doc, key, f"'{str(value)[:40]}' is not a date", "write the day as YYYY-MM-DD, e.g. 2027-10-01"
        ) from None


def _days(doc: YamlDocument, key: tuple[str | int, ...], value: Any) -> list[date]:
    """Answers the days one list entry names: a day, or `first .. last`."""
    match = _RANGE.match(value) if isinstance(value, str) else None
    if match is None:
        return [_one_day(doc, key, value)]
    first, last = (_one_day(doc, key, part) for part in match.groups())
    if not first <= last <= first + timedelta(days=_LONGEST_HOLIDAY):
        raise _fail(
            doc,
            key,
            f"'{value.strip()}' is not a span of at most {_LONGEST_HOLIDAY} days, first day first",
            "write first .. last, e.g. 2027-10-01 .. 2027-10-07",
        )
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _listed(doc: YamlDocument, key: tuple[str | int, ...], value: Any, year: int) -> dict[date, tuple[str | int, ...]]:
    """Answers each day of a list with the key path of the entry naming it."""
    if not isinstance(value, list):
        raise _fail(doc, key, f"'{key[-1]}' is not a list of days", "write [2027-01-01, 2027-02-06 .. 2027-02-13]")
    found: dict[date, tuple[str | int, ...]] = {}
    for index, entry in enumerate(value):
        at = (*key, index)
        for day in _days(doc, at, entry):
            if day.year != year:
                raise _fail(
                    doc,
                    at,
                    f"{day.isoformat()} is not in {year}, the year this file is for",
                    f"list only days of {year}; a day of {day.year} belongs in {day.year}.yaml",
                )
            if day in found:
                raise _fail(doc, at, f"{day.isoformat()} is listed twice", "list each day once")
            found[day] = at
    return found


def load_calendar_file(path: Path) -> OfficialYear:
    """Answers the year a calendar file sets, or raises ConfigError at file:line of its first mistake, with the fix."""
    doc = load_yaml(path)
    data = doc.data
    if not isinstance(data, dict):
        raise _fail(doc, (), "a calendar file is a mapping with year, holidays and workdays", f"e.g.\n{EXAMPLE}")
    unknown = [str(key) for key in data if key not in KEYS]
    if unknown:
        raise _fail(doc, (unknown[0],), f"unknown key '{unknown[0][:40]}'", f"the keys are: {', '.join(KEYS)}")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise _fail(doc, ("year",), "'year' is missing or not a year from 2000 to 2100", "write e.g. year: 2027")
    if path.stem.isdigit() and int(path.stem) != year:
        raise _fail(doc, ("year",), f"the file {path.name} says year {year}", f"name it {year}.yaml or fix the year")
    notice = data.get("notice")
    if notice is not None and not isinstance(notice, str):
        raise _fail(doc, ("notice",), "'notice' is not text", "cite the notice, e.g. notice: 国办发明电〔2026〕N号")
    festivals = data.get("holidays")
    if not isinstance(festivals, dict) or not festivals:
        raise _fail(doc, ("holidays",), "'holidays' is missing or empty", f"list each festival's days, e.g.\n{EXAMPLE}")
    holidays: dict[date, tuple[str | int, ...]] = {}
    for name, value in festivals.items():
        for day, at in _listed(doc, ("holidays", str(name)), value, year).items():
            if day in holidays:
                raise _fail(doc, at, f"{day.isoformat()} is listed under two festivals", "list each day once")
            holidays[day] = at
    workdays = _listed(doc, ("workdays",), data.get("workdays") or [], year)
    for day, at in workdays.items():
        if day in holidays:
            raise _fail(
                doc,
                at,
                f"{day.isoformat()} is both a holiday (line {doc.place(holidays[day]).rsplit(':', 1)[1]}) "
                "and a make-up working day",
                "a day is one or the other: check the notice and remove it from one list",
            )
        if day.weekday() < 5:
            raise _fail(
                doc,
                at,
                f"{day.isoformat()} is a {day.strftime('%A')}, a working day already",
                "make-up working days (调休上班) are Saturdays or Sundays: check the notice",
            )
    source = f"{path}" + (f" ({notice.strip()})" if isinstance(notice, str) and notice.strip() else "")
    return OfficialYear(year, frozenset(holidays), frozenset(workdays), source)


def calendar_files(folder: Path) -> list[Path]:
    """Answers the calendar files of a folder (`*.yaml`), by name."""
    return sorted(folder.glob("*.yaml"))


def load_calendar(folder: Path | None) -> WorkingCalendar:
    """Answers the calendar of a folder of year files (None: the library's alone); ConfigError at file:line."""
    if folder is None:
        return WorkingCalendar()
    if not folder.is_dir():
        raise ConfigError(
            "calendar folder not found", place=str(folder), fix="set calendar_dir to a folder of <year>.yaml files"
        )
    years: dict[int, OfficialYear] = {}
    for path in calendar_files(folder):
        official = load_calendar_file(path)
        if official.year in years:
            raise ConfigError(
                f"{official.year} is set by two files",
                place=str(path),
                fix=f"keep one file for {official.year} (the other: {years[official.year].source})",
            )
        years[official.year] = official
    return WorkingCalendar(years)
