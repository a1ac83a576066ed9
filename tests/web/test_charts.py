"""The console's charts: every series colour legible against the chart (WCAG 3:1), labels as given, tables beside."""

from __future__ import annotations

import re

import pytest

from hub.web.charts import BACKGROUND, DENIAL, MIN_CONTRAST, PALETTE, contrast, day_bars, stacked_days


@pytest.mark.parametrize("colour", [*PALETTE, DENIAL])
def test_every_series_colour_has_three_to_one_against_the_background(colour: str) -> None:
    assert contrast(colour, BACKGROUND) >= MIN_CONTRAST, f"{colour} is {contrast(colour):.2f}:1 against {BACKGROUND}"


def test_contrast_is_wcags_ratio() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#E69F00") == pytest.approx(2.25, abs=0.01), "the old amber failed"
    assert contrast("#56B4E9") == pytest.approx(2.31, abs=0.01), "the old sky blue failed"


def test_every_colour_drawn_is_from_the_palette() -> None:
    series = {f"部门{i}": [i, 0, 1] for i in range(10)}
    chart = stacked_days("每日查询量", ["2026-12-04", "2026-12-05", "2026-12-06"], series, "日期", "次数",
                         ["12月4日", "12月5日", "12月6日"])  # fmt: skip
    fills = set(re.findall(r'fill="(#[0-9A-Fa-f]{6})"', str(chart.svg)))
    drawn = fills - {"#1F2933"}  # the ink of labels
    assert drawn <= set(PALETTE), drawn - set(PALETTE)
    assert all(contrast(colour) >= MIN_CONTRAST for colour in drawn)
    denials = day_bars("每日被拒次数", ["2026-12-06"], [3], "日期", "次数")
    assert DENIAL in str(denials.svg)


def test_days_are_labelled_as_given_and_the_data_table_scrolls_inside_its_chart() -> None:
    chart = stacked_days("每日查询量", ["2026-12-05", "2026-12-06"], {"银行": [1, 2]}, "日期", "次数",
                         ["12月5日", "12月6日"])  # fmt: skip
    assert "12月6日" in str(chart.svg)
    assert "12-06" not in str(chart.svg)
    assert str(chart.table).startswith('<div class="scroll chart-data">')
    assert "<td>12月5日</td>" in str(chart.table)
