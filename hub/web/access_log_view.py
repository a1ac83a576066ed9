"""The portal's access log controls: the date and organisation filter from the address, its pages, and the chart of
who looked at the record each month (with the same numbers as a table)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from hub.web.charts import Chart, stacked_days
from hub.web.i18n import Translator
from hub.web.portal_view import LOCAL_ZONE

MONTHS = 12
CHART_ENTRIES = 500  # the chart counts the newest this many accesses of the last year
CHART_SERIES = 4  # organisations drawn apart; the others are summed as one series
_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


@dataclass(frozen=True, slots=True)
class LogFilter:
    """What the person narrowed the access log to (each optional): dates and organisation kept in the session,
    the page's cursor in its address."""

    start: date | None = None
    end: date | None = None
    organisation: str | None = None
    after: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Answers whether any narrowing applies."""
        return bool(self.start or self.end or self.organisation)

    def kept(self) -> dict[str, str]:
        """Answers the valid parts of the filter as the session keeps them."""
        parts = {"from": self.start.isoformat() if self.start else "", "to": self.end.isoformat() if self.end else "",
                 "org": self.organisation or ""}  # fmt: skip
        return {key: value for key, value in parts.items() if value}

    def variables(self) -> dict[str, Any]:
        """Answers the myAccessLog arguments: China days as instants, `end` inclusive (so `until` is the next day)."""
        return {
            "after": self.after,
            "since": _midnight(self.start).isoformat() if self.start else None,
            "until": _midnight(self.end + timedelta(days=1)).isoformat() if self.end else None,
            "organisation": self.organisation,
        }

    @staticmethod
    def link(after: str | None = None) -> str:
        """Answers the page's address at page `after` (an opaque cursor), opened at the access log; the filter
        itself stays in the session."""
        return f"?{urlencode({'after': after})}#access" if after else "#access"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE)


def _day(value: str, problems: list[str], message: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(message)
        return None


def log_filter(params: Mapping[str, str], t: Translator) -> LogFilter:
    """Answers the access log filter (`from`, `to`, `org`, `after`); a bad value is named and left out."""
    problems: list[str] = []
    start = _day(str(params.get("from", ""))[:10], problems, t("portal_log_bad_from"))
    end = _day(str(params.get("to", ""))[:10], problems, t("portal_log_bad_to"))
    if start and end and end < start:
        problems.append(t("portal_log_bad_range"))
        end = None
    org = str(params.get("org", "")).strip().upper()[:18]
    if org and not _USCC.fullmatch(org):
        problems.append(t("portal_log_bad_org"))
        org = ""
    after = str(params.get("after", ""))[:100] or None
    return LogFilter(start, end, org or None, after, problems)


def month_keys(today: date, months: int = MONTHS) -> list[str]:
    """Answers the last `months` months as `YYYY-MM`, oldest first, this month last."""
    keys, year, month = [], today.year, today.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def year_ago(today: date) -> str:
    """Answers the first instant of the chart's oldest month (China time), as the `since` of its query."""
    first = month_keys(today)[0]
    return _midnight(date(int(first[:4]), int(first[5:]), 1)).isoformat()


def _month_of(at: str | None) -> str | None:
    if not at:
        return None
    try:
        return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(LOCAL_ZONE).strftime("%Y-%m")
    except ValueError:
        return None


def lookers(connection: dict[str, Any] | None, own: str | None) -> list[tuple[str, str, str]]:
    """Answers (month, organisation code, name) of each access of the chart's query, the subject's own left out."""
    found = []
    for edge in (connection or {}).get("edges") or []:
        node = edge.get("node") or {}
        code, month = node.get("organisationCode"), _month_of(node.get("at"))
        if month and code != own:
            found.append((month, str(code or ""), str(node.get("organisation") or code or "—")))
    return found


def looker_options(seen: list[tuple[str, str, str]], chosen: str | None) -> list[tuple[str, str]]:
    """Answers (code, name) of every organisation that looked in the last year, by name: the filter's choices."""
    names = {code: name for _, code, name in seen if code}
    if chosen and chosen not in names:
        names[chosen] = chosen
    return sorted(names.items(), key=lambda pair: (pair[1], pair[0]))


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(month: str, t: Translator, *, short: bool = False) -> str:
    """Answers a `YYYY-MM` month as people write it: 2026年3月 or Mar 2026 (`short`: 3月, Mar)."""
    year, number = int(month[:4]), int(month[5:])
    if short:
        return f"{number}月" if t.lang == "zh" else _MONTHS_EN[number - 1]
    return f"{year}年{number}月" if t.lang == "zh" else f"{_MONTHS_EN[number - 1]} {year}"


@dataclass(frozen=True, slots=True)
class MonthlyChart:
    """The chart of who looked per month, and its numbers as table rows (month, then one count per series)."""

    chart: Chart
    headers: list[str]
    rows: list[list[object]]


def monthly_chart(seen: list[tuple[str, str, str]], today: date, t: Translator) -> MonthlyChart | None:
    """Answers the chart of who looked per month over the last year (None when nobody did)."""
    if not seen:
        return None
    keys = month_keys(today)
    by_name = Counter(name for month, _, name in seen if month in keys)
    if not by_name:
        return None
    drawn = [name for name, _ in by_name.most_common(CHART_SERIES)]
    if len(by_name) == CHART_SERIES + 1:  # one more organisation: name it rather than call it "others"
        drawn = list(by_name)
    others = t("portal_chart_others")
    series: dict[str, list[int]] = {name: [0] * len(keys) for name in drawn}
    for month, _, name in seen:
        if month in keys:
            series.setdefault(name if name in series else others, [0] * len(keys))[keys.index(month)] += 1
    ticks = [month_label(month, t, short=True) for month in keys]  # under the bars: 3月, the year in the table
    chart = stacked_days(t("portal_chart_title"), keys, series, t("portal_chart_month"), t("portal_chart_count"), ticks)
    rows: list[list[object]] = [[month_label(m, t), *(series[name][i] for name in series)] for i, m in enumerate(keys)]
    return MonthlyChart(chart, [t("portal_chart_month"), *series], rows)
