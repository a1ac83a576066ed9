"""`/console/timeliness`: 双公示 timeliness and the quality of collection, per department, with a chart per month.

A page of the console (the same signed-in session, read through the hub's own GraphQL with the officer's token,
so the policy and the register see it like any read): per department and record type the items, how many were
published within 7 working days, the median lag and the decisions still missing; a chart per department and
month; the quality report (rows, refusals by reason, corrections, personal data in free text); and what reads
found failing the collection checks in pulled sources.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.web.charts import Chart, stacked_days
from hub.web.console import Console
from hub.web.gateway import Gateway
from hub.web.i18n import Translator
from hub.web.portal_view import local_today

PAGE = """query Timeliness($since: Date, $until: Date) {
  publicationTimeliness(since: $since, until: $until) {
    since until unknownCalendarYears
    rows { department recordType items onTime late onTimeRate medianLag maxLag estimated
      missing missingOverdue missingRefused missingAtSource withdrawn }
    months { department recordType month items onTime late }
  }
  collectionQuality { department recordType submissions rows accepted unchanged refused
    refusedByReason { name count } corrections withdrawals items personalData { name count } }
  readQuality(since: $since) { source recordType items byCode { name count } lastSeen } }"""

WORDS: dict[str, tuple[str, str]] = {
    "title": ("双公示及时性与归集质量", "Publication timeliness and collection quality"),
    "back": ("返回控制台", "Back to the console"),
    "span": ("决定日期", "Decisions from"),
    "to": ("至", "to"),
    "show": ("查看", "Show"),
    "timeliness": ("及时性（7个工作日内公示）", "Timeliness (published within 7 working days)"),
    "department": ("部门", "Department"),
    "record_type": ("信息类别", "Record type"),
    "items": ("事项", "Items"),
    "on_time": ("按时", "On time"),
    "late": ("逾期", "Late"),
    "rate": ("按时率", "On-time rate"),
    "median": ("中位时长（工作日）", "Median lag (working days)"),
    "max": ("最长", "Longest"),
    "missing": ("未公示（已逾期）", "Missing (overdue)"),
    "missing_refused": ("退回未补报", "refused"),
    "missing_at_source": ("源库有未报送", "at a source"),
    "withdrawn_items": ("已撤回未重新公示", "Withdrawn, not republished"),
    "estimated": ("按周一至周五估算", "Estimated (Monday to Friday)"),
    "calendar_unknown": (
        "{years}年的法定节假日安排尚未载入：涉及该年度的时长按周一至周五估算（见“估算”列）。"
        "请按国务院办公厅通知编写 calendar/{first}.yaml 并载入（credit-hub calendar check）。",
        "The official holidays of {years} are not loaded: lags in that year count Monday to Friday (see the "
        "Estimated column). Write calendar/{first}.yaml from the State Council's notice and load it "
        "(credit-hub calendar check).",
    ),
    "charts": ("各部门按月", "Per department and month"),
    "by_month": ("按决定月份", "by month of decision"),
    "month": ("月份", "Month"),
    "quality": ("归集质量", "Collection quality"),
    "rows": ("报送行数", "Rows"),
    "accepted": ("接收", "Accepted"),
    "unchanged": ("未变化", "Unchanged"),
    "refused": ("退回", "Refused"),
    "reasons": ("退回原因", "Refused by reason"),
    "corrections": ("更正", "Corrections"),
    "withdrawals": ("撤回", "Withdrawals"),
    "personal": ("自由文本中的个人信息", "Personal data in free text"),
    "none": ("尚无报送", "Nothing submitted yet"),
    "on_read": ("读取时发现的问题数据（各来源库）", "Found on read (pulled sources)"),
    "source": ("来源", "Source"),
    "flagged": ("有问题的事项", "Items flagged"),
    "checks": ("未通过的校验", "Failed checks"),
    "last_read": ("最近读取", "Last read"),
    "none_on_read": ("读取时未发现问题数据", "Reads found no item failing the checks"),
    "on_read_help": (
        "来源库中的事项按归集校验规则检查，原样提供并标注，不作修改；请来源部门更正。",
        "Items of pulled sources are checked as submissions are, answered as they are with flags, never fixed; "
        "the source department corrects them.",
    ),
    "help": (
        "时长按国务院公布的节假日和调休安排计算工作日；未公示指平台已知而未公示的决定：报送被退回且至今未补报的，"
        "以及归集的源库中本部门机关作出而从未报送的。撤回且未重新公示的另列。",
        "Lags count working days of the official holiday calendar. Missing are decisions the platform knows and "
        "does not publish: refused and not submitted again since, and held by a pulled source, decided by one of "
        "the department's authorities, and never submitted. Items withdrawn and not republished are counted apart.",
    ),
    "record_licence": ("行政许可", "Licences"),
    "record_penalty": ("行政处罚", "Penalties"),
}


def word(t: Translator, key: str) -> str:
    """Answers one of this page's words in the page's language."""
    zh, en = WORDS[key]
    return zh if t.lang == "zh" else en


def month_charts(months: list[dict[str, Any]], t: Translator) -> list[Chart]:
    """Answers one chart per department: items on time and late per month of decision."""
    found: list[Chart] = []
    for department in sorted({m["department"] for m in months}):
        mine = [m for m in months if m["department"] == department]
        labels = sorted({m["month"] for m in mine})
        on_time = [sum(m["onTime"] for m in mine if m["month"] == label) for label in labels]
        late = [sum(m["late"] for m in mine if m["month"] == label) for label in labels]
        series = {word(t, "on_time"): on_time, word(t, "late"): late}
        title = f"{t.departments.get(department, department)} · {word(t, 'by_month')}"
        found.append(
            stacked_days(
                title,
                labels,
                series,
                word(t, "month"),
                word(t, "items"),
            )
        )
    return found


def _day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def timeliness_routes(console: Console) -> list[Route]:
    """Answers the route of the timeliness page, on the console's session."""

    async def show(request: Request) -> Response:
        session = await console.cookies.load(request)
        if not session.signed_in or session.token is None:
            return console.render.redirect(request, session)
        t = console.render.translator(request)
        today = local_today()
        until = _day(request.query_params.get("until"), today)
        since = _day(request.query_params.get("since"), (until - timedelta(days=365)).replace(day=1))
        variables = {"since": since.isoformat(), "until": until.isoformat()}
        answer = await Gateway(request).graphql(session.token, PAGE, variables, operator=session.operator)
        if answer.status == 401:
            return console.render.redirect(request, session)
        report = answer.part("publicationTimeliness")
        quality = answer.part("collectionQuality")
        unknown = [str(year) for year in (report or {}).get("unknownCalendarYears") or []]
        on_read = answer.part("readQuality")
        problem = t.error(answer.codes[0], answer.errors[0].get("message")) if answer.errors else None
        return console.render.page(
            request,
            session,
            "timeliness.html",
            "console_title",
            title=word(t, "title"),
            w=lambda key: word(t, key),
            since=since.isoformat(),
            until=until.isoformat(),
            rows=(report or {}).get("rows") or [],
            charts=month_charts((report or {}).get("months") or [], t),
            quality=quality or [],
            on_read=on_read or [],
            problem=problem,
            calendar_warning=word(t, "calendar_unknown").format(years="、".join(unknown), first=unknown[0])
            if unknown
            else None,
        )

    return [Route("/console/timeliness", show, methods=["GET"])]
