"""Turns the console's GraphQL answers into rows, anomalies and charts; subject codes shown masked."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from hub.errors import HubError
from hub.identity.codes import SubjectKind, parse_subject_code
from hub.web.charts import Chart, bars, day_bars, stacked_days
from hub.web.gateway import Answer
from hub.web.i18n import Translator
from hub.web.labels import OUTCOMES, PURPOSES
from hub.web.portal_view import LOCAL_ZONE, when

CHART_DAYS = 14
MIN_CHART_DAYS = 7  # fewer days would draw a few giant bars
TOP_ORGANISATIONS = 8
REFUSED = ("DENIED", "UNAUTHENTICATED")
FILTER_KEYS = ("organisation", "department", "purpose", "outcome", "subject")
OWN_PURPOSES = ("SELF_ACCESS", "AUDIT_REVIEW")  # reads that are no third party's access


def shown_code(code: str) -> str:
    """Answers a subject code as the console shows it: a resident ID masked (division and last four kept)."""
    try:
        parsed = parse_subject_code(code)
    except HubError:
        return code[:6] + "…" if len(code) > 6 else code
    if parsed.kind is SubjectKind.NATURAL_PERSON:
        return parsed.value[:6] + "*" * (len(parsed.value) - 10) + parsed.value[-4:]
    return parsed.value


def masked_person(value: str) -> str:
    """Answers a value as a page may show it: a resident ID masked, anything else (a name, a USCC) as it is."""
    try:
        parsed = parse_subject_code(value)
    except HubError:
        return value
    return shown_code(parsed.value) if parsed.kind is SubjectKind.NATURAL_PERSON else value


def organisation_of(node: dict[str, Any]) -> str:
    """Answers who asked, as the console shows it: the client organisation's name, or a masked self code.

    A subject's own read names the subject as its organisation (the register falls back to the code for
    a name), so every value goes through `masked_person`: a resident ID never shows in full.
    """
    found = node.get("organisationName") or node.get("organisation") or node.get("clientId")
    return masked_person(str(found)) if found else "—"


def event_rows(
    connection: dict[str, Any] | None, t: Translator, only: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Answers register rows (optionally only the events named) for the register table."""
    wanted = set(only) if only is not None else None
    rows = []
    for edge in (connection or {}).get("edges") or []:
        node = edge.get("node") or {}
        if wanted is not None and node.get("eventId") not in wanted:
            continue
        iso, local = when(node.get("at"))
        subjects = node.get("subjects") or []
        fields = sorted({f for s in subjects for f in s.get("fieldsClear") or []})
        masked = sorted({f for s in subjects for f in s.get("fieldsMasked") or []})
        summary = ""
        if fields or masked:
            summary = f"{t('form_clear')} {len(fields)} · {t('form_masked')} {len(masked)}"
        outcome = str(node.get("outcome") or "")
        states = {str(s.get("concealment") or "NONE").lower() for s in subjects}
        hidden = next((state for state in ("concealed", "revealed") if state in states), None)
        if outcome in REFUSED:  # a refused read disclosed nothing: never in the subject's log, nothing to reveal
            hidden = None
        rows.append(
            {
                "id": node.get("eventId"),
                "iso": iso,
                "when": local,
                "organisation": organisation_of(node),
                "department": t.department(node.get("department")),
                "operator": node.get("operator") or "—",
                "purpose": t.label("purpose", node.get("purpose")) if node.get("purpose") else "—",
                "outcome": t.label("outcome", outcome),
                "outcome_key": outcome.lower(),
                "codes": [t.error_name(code) for code in node.get("errorCodes") or []],
                "subjects": [shown_code(str(s.get("code"))) for s in subjects],
                "fields": summary,
                "case": node.get("caseNumber"),
                "concealment": hidden,
                "concealment_label": t(f"concealment_{hidden}") if hidden else "",
            }
        )
    return rows


def window(start: str | None, end: str | None) -> str:
    """Answers a time window in China time, the day written once when it does not change."""
    first, last = when(start)[1], when(end)[1]
    if first[:10] == last[:10] and len(last) > 11:
        return f"{first}–{last[11:]}"
    return f"{first} – {last}"


def client_names(nodes: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Answers each client id seen in register events with the organisation it belongs to, as the console names it."""
    return {str(node["clientId"]): organisation_of(node) for node in nodes if node.get("clientId")}


def anomaly_rows(
    anomalies: list[dict[str, Any]], t: Translator, clients: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Answers anomalies as the console lists them, most severe first (clients named by their organisation)."""
    order = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
    rows = []
    for anomaly in sorted(anomalies, key=lambda a: order.get(str(a.get("severity")).upper(), 3)):
        severity = str(anomaly.get("severity") or "")
        rows.append(
            {
                "id": anomaly.get("id"),
                "rule": t.label("rule", anomaly.get("rule")),
                "severity": t.label("severity", severity.lower()),
                "severity_key": severity.lower(),
                "description": t.anomaly(anomaly.get("rule"), anomaly.get("description"), clients),
                "scope": anomaly.get("scope"),
                "scope_shown": t.scope(anomaly.get("scope"), clients),
                "window": window(anomaly.get("windowStart"), anomaly.get("windowEnd")),
                "count": len(anomaly.get("eventIds") or []),
                "event_ids": list(anomaly.get("eventIds") or []),
                "window_start": anomaly.get("windowStart"),
                "window_end": anomaly.get("windowEnd"),
                "review": review_view(anomaly.get("review")),
            }
        )
    return rows


def review_view(review: dict[str, Any] | None) -> dict[str, str] | None:
    """Answers an anomaly's review as the console shows it: the note, the officer and when, in China time."""
    if not review:
        return None
    iso, local = when(review.get("reviewedAt"))
    return {"note": str(review.get("note") or ""), "reviewer": str(review.get("reviewer") or "—"),
            "iso": iso, "when": local}  # fmt: skip


def _local_day(value: str) -> date | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(LOCAL_ZONE).date()
    except (ValueError, AttributeError):
        return None


def chart_days(nodes: list[dict[str, Any]], today: date, complete: bool) -> list[date]:
    """Answers the days the charts span: from the first day with events (at most CHART_DAYS back) to today.

    When the events read are only the newest part of the register (`complete` False), the oldest day they
    reach is partial and is left out, so no day is drawn with fewer events than it had.
    """
    seen = sorted(day for day in (_local_day(str(node.get("at"))) for node in nodes) if day is not None)
    first = seen[0] if seen else today
    if not complete and seen and first < today:
        first += timedelta(days=1)
    first = max(first, today - timedelta(days=CHART_DAYS - 1))
    count = max((today - first).days + 1, MIN_CHART_DAYS)
    return [today - timedelta(days=count - 1 - i) for i in range(count)]


def day_tick(day: date, t: Translator) -> str:
    """Answers a day as a chart labels it: 12月6日, or 12-06 in English."""
    return f"{day.month}月{day.day}日" if t.lang == "zh" else day.strftime("%m-%d")


def charts(nodes: list[dict[str, Any]], t: Translator, today: date, complete: bool = True) -> list[Chart]:
    """Answers the charts: third parties' queries per day by department, top organisations, denials per day, and
    subjects' own reads and officers' reviews per day, apart from third-party access; over the days with data."""
    days = chart_days(nodes, today, complete)
    width = len(days)
    index = {day: i for i, day in enumerate(days)}
    per_department: dict[str, list[int]] = defaultdict(lambda: [0] * width)
    own: dict[str, list[int]] = {t.label("purpose", p): [0] * width for p in OWN_PURPOSES}
    denials = [0] * width
    organisations: Counter[str] = Counter()
    for node in nodes:
        day = _local_day(str(node.get("at")))
        if day not in index:
            continue
        assert day is not None
        if str(node.get("outcome")) in REFUSED:
            denials[index[day]] += 1
        if node.get("type") == "AUTH_FAILURE":
            continue
        department, purpose = node.get("department"), str(node.get("purpose") or "")
        if not department or purpose in OWN_PURPOSES:  # a subject's own read, an officer's review
            own[t.label("purpose", purpose if department else "SELF_ACCESS")][index[day]] += 1
            continue
        per_department[t.department(department)][index[day]] += 1
        organisations[organisation_of(node)] += 1
    labels, ticks = [day.isoformat() for day in days], [day_tick(day, t) for day in days]
    ordered = dict(sorted(per_department.items(), key=lambda pair: -sum(pair[1])))
    return [
        stacked_days(t("chart_per_day"), labels, ordered, t("chart_day"), t("chart_count"), ticks),
        bars(t("chart_top_orgs"), organisations.most_common(TOP_ORGANISATIONS), t("organisation"), t("chart_count")),
        day_bars(t("chart_denials"), labels, denials, t("chart_day"), t("chart_count"), ticks),
        stacked_days(t("chart_own"), labels, own, t("chart_day"), t("chart_count"), ticks),
    ]


def chart_span(charts_days: list[date], t: Translator) -> str:
    """Answers the span the charts cover, as the section's heading says it."""
    first, last = charts_days[0], charts_days[-1]
    return t("console_charts_span").replace("{first}", day_tick(first, t)).replace("{last}", day_tick(last, t))


def filter_choices(nodes: list[dict[str, Any]], filters: dict[str, str], t: Translator) -> dict[str, Any]:
    """Answers the filter form's options: organisations and departments seen lately, purposes, outcomes."""
    organisations = {str(n["organisation"]): organisation_of(n)
                     for n in nodes if n.get("organisation") and n.get("department")}  # fmt: skip
    if filters.get("organisation") and filters["organisation"] not in organisations:
        organisations[filters["organisation"]] = filters["organisation"]
    departments = {str(n["department"]) for n in nodes if n.get("department")}
    if filters.get("department"):
        departments.add(filters["department"])
    return {
        "organisations": sorted(organisations.items(), key=lambda pair: pair[1]),
        "departments": sorted(((key, t.department(key)) for key in departments), key=lambda pair: pair[1]),
        "purposes": [(p, t.label("purpose", p)) for p in PURPOSES],
        "outcomes": [(o.upper(), t.label("outcome", o)) for o in OUTCOMES],
    }


def graphql_filter(filters: dict[str, str]) -> dict[str, str] | None:
    """Answers the AuditFilter input for the session's filters (None when nothing is filtered)."""
    given = {key: value for key, value in filters.items() if key in FILTER_KEYS and value}
    return given or None


def clean_filters(raw: dict[str, str]) -> dict[str, str]:
    """Answers the filters a form may set: known purposes and outcomes only, bounded lengths."""
    found = {key: raw.get(key, "").strip() for key in FILTER_KEYS}
    if found["purpose"] not in PURPOSES:
        found["purpose"] = ""
    if found["outcome"].lower() not in OUTCOMES:
        found["outcome"] = ""
    found["subject"] = found["subject"].upper()[:18]
    found["organisation"] = found["organisation"].upper()[:18]
    found["department"] = found["department"][:64]
    return {key: value for key, value in found.items() if value}


def measure_case_rows(answer: Answer, t: Translator) -> list[dict[str, Any]] | None:
    """Answers the newest cases of the joint reward and punishment loop with their stage, lag and deadline."""
    found = answer.part("measureCases")
    if found is None:
        return None
    return [
        {
            **case,
            "stage_label": t(f"measure_stage_{str(case.get('stage') or '').lower()}"),
            "lag": f"{float(case.get('lagHours') or 0):.1f}",
            "due": when(str(case["dueAt"]))[1] if case.get("dueAt") else "—",
        }
        for case in found
    ]
