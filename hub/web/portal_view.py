"""Turns the portal's GraphQL answers into what its template shows: record by source, timeline, consents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub.catalog.model import Catalog
from hub.rights.rules import repair_refusal
from hub.web.i18n import Translator
from hub.web.labels import FIELDS, field_label, one_language

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
CONSENT_DAYS_DEFAULT = 180
CONSENT_DAYS_MAX = 364
CONSENT_PURPOSES = ("CREDIT_LENDING", "POST_LOAN_MONITORING", "ADMINISTRATIVE_APPROVAL", "SUPERVISION",
                    "LAW_ENFORCEMENT", "PUBLIC_DISCLOSURE")  # fmt: skip
CONSENT_TYPES = ("registration", "licence", "penalty", "listing", "court_dishonesty", "representation")
DEFAULT_CONSENT_TYPES = frozenset({"registration", "licence", "penalty", "listing", "court_dishonesty"})

# (GraphQL list field, catalogue record type, columns shown)
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("listings", "listing", ("list", "reason", "department", "listedOn", "expiresOn", "status", "rightsStatus")),
    ("penalties", "penalty", ("decisionNumber", "authority", "decidedOn", "amount", "decisionText", "rightsStatus")),
    (
        "courtDishonesty",
        "court_dishonesty",
        ("caseNumber", "court", "filedOn", "obligation", "performance", "rightsStatus"),
    ),
    ("licences", "licence", ("decisionNumber", "title", "authority", "decidedOn", "validUntil", "rightsStatus")),
    ("taxCredit", "tax_credit", ("year", "grade", "rightsStatus")),
    ("representedEnterprises", "representation", ("enterpriseName", "enterpriseCode", "role")),
)
_EXTRA_COLUMNS: dict[str, tuple[str, str]] = {
    "valid_until": ("有效期至", "valid until"),
    "filed_on": ("立案日期", "filed on"),
    "performance": ("履行情况", "performance"),
    "department": ("认定部门", "department"),
    "enterprise_name": ("企业名称", "enterprise"),
    "enterprise_code": ("统一社会信用代码", "USCC"),
    "role": ("职务", "role"),
    "rights_status": ("修复或撤销", "repaired or revoked"),
}


def snake(name: str) -> str:
    """Answers a camelCase GraphQL name in the catalogue's snake_case."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def column_label(name: str, t: Translator) -> str:
    """Answers a record column's heading in the page's language."""
    key = snake(name)
    pair = FIELDS.get(key) or _EXTRA_COLUMNS.get(key)
    if pair is None:
        return name
    return pair[0] if t.lang == "zh" else pair[1]


def when(value: str | None) -> tuple[str, str]:
    """Answers an ISO time as (machine-readable ISO, local China time to the minute)."""
    if not value:
        return "", "—"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value, value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(), moment.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")


@dataclass
class SourceGroup:
    """One source's part of the record: its title, state and item tables."""

    name: str
    title: str
    status: str
    sections: list[dict[str, Any]] = field(default_factory=list)


def _cell(column: str, item: dict[str, Any], t: Translator) -> Any:
    value = item.get(column)
    if column == "list":
        return t.label("list", value)
    if column == "status" and value:
        return t.label("state", value)
    if column == "rightsStatus":
        return f"{t.label('rights', value)} {item.get('rightsStatusOn') or ''}".strip() if value else ""
    return value


def record_view(record: dict[str, Any], t: Translator) -> dict[str, Any]:
    """Answers the record's facts and its items grouped by the source that holds them."""
    representative = record.get("legalRepresentative") or {}
    kind = str(record.get("kind") or "")
    facts = [
        (t("fact_name"), record.get("name")),
        (t("fact_code"), record.get("code")),
        (t("fact_kind"), t(f"kind_{kind}") if kind else None),
        (t("fact_status"), t.label("state", record.get("status")) if record.get("status") else None),
        (t("fact_registered"), record.get("registeredOn")),
        (t("fact_phone"), record.get("phone")),
        (t("fact_address"), record.get("address")),
    ]
    if kind == "LEGAL_ENTITY":
        facts.append((t("fact_representative"), representative.get("name")))
    groups = {
        s["name"]: SourceGroup(s["name"], s.get("title") or s["name"], s.get("status") or "OK")
        for s in record.get("sources") or []
    }
    for list_field, record_type, columns in SECTIONS:
        by_source: dict[str, list[list[Any]]] = {}
        for item in record.get(list_field) or []:
            row = [_cell(c, item, t) for c in columns]
            by_source.setdefault(str(item.get("source")), []).append(row)
        for source, rows in by_source.items():
            group = groups.setdefault(source, SourceGroup(source, source, "OK"))
            group.sections.append(
                {
                    "title": t.label("record_type", record_type),
                    "columns": [column_label(c, t) for c in columns],
                    "rows": rows,
                }
            )
    return {"name": record.get("name"), "kind": kind, "facts": facts, "sources": list(groups.values())}


def record_items(record: dict[str, Any], t: Translator) -> list[tuple[str, str]]:
    """Answers (item id, label) for each item of the record a person may object to or ask to repair."""
    found: list[tuple[str, str]] = []
    for list_field, record_type, columns in SECTIONS[:4]:
        for item in record.get(list_field) or []:
            if item.get("id") and not item.get("rightsStatus"):  # a repaired or revoked item is settled
                detail = item.get(columns[0]) if columns[0] != "list" else t.label("list", item.get("list"))
                dated = item.get("listedOn") or item.get("decidedOn") or item.get("filedOn")
                label = f"{t.label('record_type', record_type)} · {detail or item['id']}"
                found.append((str(item["id"]), f"{label} ({dated})" if dated else label))
    return found


def repair_items(
    record: dict[str, Any], items: list[tuple[str, str]], catalog: Catalog, today: date
) -> list[tuple[str, str]]:
    """Answers the items of `items` that applyCreditRepair would take on `today` (the same rules decide)."""
    allowed: set[str] = set()
    for list_field, record_type, _ in SECTIONS[:4]:
        for item in record.get(list_field) or []:
            row = {_snake(key): _day_or_value(key, value) for key, value in item.items()}
            if repair_refusal(catalog.record_types[record_type], row, today) is None:
                allowed.add(str(item.get("id")))
    return [(value, label) for value, label in items if value in allowed]


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _day_or_value(key: str, value: Any) -> Any:
    if key.endswith(("On", "Until")) and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def access_view(connection: dict[str, Any], t: Translator, own: str | None = None) -> list[dict[str, Any]]:
    """Answers the timeline entries of `myAccessLog`: who, when, why, and the items in clear or masked.

    The subject's own steps (an objection it filed, say) are not someone querying its record: left out.
    """
    entries = []
    for edge in connection.get("edges") or []:
        node = edge.get("node") or {}
        if own is not None and node.get("organisationCode") == own:
            continue
        iso, local = when(node.get("at"))
        items = node.get("items") or []

        def labels(form: str, items: list[dict[str, Any]] = items) -> list[str]:
            """Answers the labels of the items disclosed in `form`."""
            return [field_label(str(i.get("field")), t.lang) for i in items if i.get("form") == form]

        entries.append(
            {
                "iso": iso,
                "when": local,
                "organisation": node.get("organisation") or node.get("organisationCode") or "—",
                "department": one_language(str(node.get("departmentTitle") or node.get("department") or ""), t.lang),
                "purpose": t.label("purpose", node.get("purpose")),
                "clear_fields": labels("CLEAR"),
                "masked_fields": labels("MASKED"),
            }
        )
    return entries


def consents_view(consents: list[dict[str, Any]], t: Translator) -> list[dict[str, Any]]:
    """Answers the consents as table rows: organisation, purpose, record types, expiry, state."""
    return [
        {
            "id": consent["id"],
            "organisation": consent.get("granteeName") or consent.get("grantee"),
            "purpose": t.label("purpose", consent.get("purpose")),
            "record_types": [t.label("record_type", r) for r in consent.get("recordTypes") or []],
            "expires": when(consent.get("expiresAt"))[1],
            "status": str(consent.get("status") or ""),
            "revocable": consent.get("status") in ("ACTIVE", "PENDING"),
            "current": consent.get("status") in ("ACTIVE", "PENDING"),  # revoked and expired ones are folded away
        }
        for consent in consents
    ]


def consent_form(t: Translator, today: date) -> dict[str, Any]:
    """Answers the grant form's choices: purposes, record types and the allowed expiry dates."""
    return {
        "consent_purposes": [(p, t.label("purpose", p)) for p in CONSENT_PURPOSES],
        "consent_types": [(r, t.label("record_type", r), r in DEFAULT_CONSENT_TYPES) for r in CONSENT_TYPES],
        "expiry_default": (today + timedelta(days=CONSENT_DAYS_DEFAULT)).isoformat(),
        "expiry_min": (today + timedelta(days=1)).isoformat(),
        "expiry_max": (today + timedelta(days=CONSENT_DAYS_MAX)).isoformat(),
    }


def expiry_instant(day: str) -> str | None:
    """Answers the end of a chosen day in China time as an ISO instant, or None when it is not a date."""
    try:
        chosen = date.fromisoformat(day)
    except ValueError:
        return None
    return datetime(chosen.year, chosen.month, chosen.day, 23, 59, tzinfo=LOCAL_ZONE).isoformat()


def local_today() -> date:
    """Answers today's date in China."""
    return datetime.now(LOCAL_ZONE).date()
