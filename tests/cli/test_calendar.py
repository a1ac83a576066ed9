"""`credit-hub calendar check` and `calendar show`: a year's file validated at file:line, a year's days listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.cli.main import app

runner = CliRunner()
GOOD = "year: 2027\nholidays:\n  元旦: [2027-01-01]\n  春节: [2027-02-06 .. 2027-02-13]\nworkdays: [2027-02-14]\n"


def test_check_says_what_a_good_file_sets_and_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "2027.yaml").write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["calendar", "check", str(tmp_path / "2027.yaml")])
    assert result.exit_code == 0, result.output
    assert "2027: valid, 9 holidays and 1 make-up working days" in result.output
    assert runner.invoke(app, ["calendar", "check", str(tmp_path)]).exit_code == 0


def test_check_names_the_line_and_the_fix_of_a_mistake(tmp_path: Path) -> None:
    (tmp_path / "2027.yaml").write_text(GOOD.replace("[2027-02-14]", "[2027-02-08]"), encoding="utf-8")
    result = runner.invoke(app, ["calendar", "check", str(tmp_path / "2027.yaml")])
    assert result.exit_code == 2
    assert f"{tmp_path / '2027.yaml'}:5" in result.output
    assert "is both a holiday (line 4) and a make-up working day" in result.output
    assert "Traceback" not in result.output


def test_show_lists_the_days_a_loaded_file_sets_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "2027.yaml").write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("HUB_CALENDAR_DIR", str(tmp_path))
    result = runner.invoke(app, ["calendar", "show", "2027"])
    assert result.exit_code == 0, result.output
    assert "2027-02-08 星期一  休 holiday" in result.output
    assert "2027-02-14 星期日  上班 make-up working day" in result.output


def test_show_says_when_monday_to_friday_stands_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_CALENDAR_DIR", raising=False)
    unknown = runner.invoke(app, ["calendar", "show", "2031"])
    assert unknown.exit_code == 1
    assert "no official calendar is loaded" in unknown.output
    known = runner.invoke(app, ["calendar", "show", "2026"])
    assert known.exit_code == 0
    assert "chinese-calendar" in known.output
    assert "2026-10-01 星期四  休 holiday" in known.output
