"""Calendar files: a year's holidays and make-up working days, every mistake named at file:line with the fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hub.catalog.calendar_file import load_calendar, load_calendar_file
from hub.errors import ConfigError

GOOD = """\
year: 2027
notice: 国办发明电〔2026〕N号 (an example)
holidays:
  元旦: [2027-01-01]
  春节: [2027-02-06 .. 2027-02-13]
  国庆节: ["2027-10-01 .. 2027-10-07"]
workdays: [2027-02-14, 2027-09-26]
"""


def _write(folder: Path, text: str, name: str = "2027.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_lists_holidays_by_festival_and_make_up_days(tmp_path: Path) -> None:
    official = load_calendar_file(_write(tmp_path, GOOD))
    assert official.year == 2027
    assert date(2027, 2, 10) in official.holidays
    assert date(2027, 10, 7) in official.holidays
    assert len(official.holidays) == 1 + 8 + 7
    assert official.workdays == frozenset({date(2027, 2, 14), date(2027, 9, 26)})
    assert "国办发明电" in official.source


@pytest.mark.parametrize(
    ("text", "line", "problem", "fix"),
    [
        (GOOD.replace("[2027-01-01]", "[2026-12-31]"), 4, "2026-12-31 is not in 2027", "belongs in 2026.yaml"),
        (GOOD.replace("2027-02-14,", "2027-02-08,"), 7, "2027-02-08 is both a holiday (line 5)", "one or the other"),
        (GOOD.replace("2027-02-14,", "2027-02-15,"), 7, "2027-02-15 is a Monday", "Saturdays or Sundays"),
        (GOOD.replace("[2027-01-01]", "[2027-13-01]"), 4, "'2027-13-01' is not a date", "YYYY-MM-DD"),
        (GOOD.replace("2027-02-06 .. 2027-02-13", "2027-02-13 .. 2027-02-06"), 5, "is not a span", "first .. last"),
        (GOOD.replace("[2027-01-01]", "[2027-02-07]"), 5, "listed under two festivals", "list each day once"),
        (GOOD.replace("year: 2027", "year: 2028"), 1, "the file 2027.yaml says year 2028", "name it 2028.yaml"),
        (GOOD + "holiday_names: {}\n", 8, "unknown key 'holiday_names'", "the keys are: year, notice"),
        (GOOD.replace("  元旦: [2027-01-01]\n", "  元旦: 2027-01-01\n"), 4, "'元旦' is not a list", "write ["),
        ("year: 2027\nholidays: [\n", 3, "YAML syntax error", "correct the YAML"),
    ],
)
def test_a_mistake_is_named_at_its_line_with_the_fix(
    tmp_path: Path, text: str, line: int, problem: str, fix: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_calendar_file(path)
    rendered = raised.value.render()
    assert f"{path}:{line}" in rendered
    assert problem in rendered
    assert fix in rendered


def test_a_folder_loads_each_year_once(tmp_path: Path) -> None:
    _write(tmp_path, GOOD)
    calendar = load_calendar(tmp_path)
    assert set(calendar.years) == {2027}
    assert load_calendar(None).years == {}
    _write(tmp_path, GOOD, "2027-again.yaml")
    with pytest.raises(ConfigError, match="2027 is set by two files"):
        load_calendar(tmp_path)
    with pytest.raises(ConfigError, match="calendar folder not found"):
        load_calendar(tmp_path / "missing")
