"""The console's charts: third parties' access apart from subjects' own reads and officers' reviews."""

from __future__ import annotations

from datetime import date

from hub.web.console_view import charts
from hub.web.i18n import Translator

TODAY = date(2026, 12, 6)
AT = "2026-12-06T02:00:00+00:00"


def test_own_reads_and_reviews_are_charted_apart_from_third_parties() -> None:
    t = Translator("zh", {"bank": "商业银行 bank", "privacy-office": "隐私保护办公室 privacy office"})
    nodes = [
        {"at": AT, "type": "QUERY", "outcome": "OK", "department": "bank", "purpose": "CREDIT_LENDING",
         "organisationName": "某银行"},
        {"at": AT, "type": "QUERY", "outcome": "OK", "department": None, "purpose": "SELF_ACCESS",
         "organisation": "110101199003074477"},
        {"at": AT, "type": "QUERY", "outcome": "OK", "department": "privacy-office", "purpose": "AUDIT_REVIEW",
         "organisationName": "隐私保护办公室"},
    ]  # fmt: skip
    per_day, top, _, own = charts(nodes, t, TODAY)
    assert "商业银行" in str(per_day.table)
    assert "隐私保护办公室" not in str(per_day.table) + str(top.table), "an officer's review is no third party's"
    assert "本人查询" not in str(per_day.table)
    assert "某银行" in str(top.table)
    assert "本人查询" in str(own.table)
    assert "审计复核" in str(own.table)


def test_charts_span_the_days_with_data_at_least_a_week_at_most_two() -> None:
    from hub.web.console_view import CHART_DAYS, chart_days

    only_today = chart_days([{"at": AT}], TODAY, complete=True)
    assert only_today[-1] == TODAY
    assert len(only_today) == 7
    old = [{"at": "2026-11-01T02:00:00+00:00"}, {"at": AT}]
    assert len(chart_days(old, TODAY, complete=True)) == CHART_DAYS
    ten_days = [{"at": "2026-11-27T02:00:00+00:00"}, {"at": AT}]
    assert chart_days(ten_days, TODAY, complete=True)[0] == date(2026, 11, 27)
    assert chart_days(ten_days, TODAY, complete=False)[0] == date(2026, 11, 28), "a partly read first day is left out"


def test_chart_days_are_labelled_in_chinese() -> None:
    t = Translator("zh", {"bank": "商业银行 bank"})
    nodes = [{"at": AT, "type": "QUERY", "outcome": "OK", "department": "bank", "purpose": "CREDIT_LENDING",
              "organisationName": "某银行"}]  # fmt: skip
    per_day = charts(nodes, t, TODAY)[0]
    assert "12月6日" in str(per_day.svg)
    assert "<td>12月6日</td>" in str(per_day.table)
