"""The catalogue's rules on one item: how long it may be shown, when it may be repaired, whether a list
entry may lead to measures. Plain functions on rows, shared by the read path and by credit repair."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hub.catalog.model import Catalog, EntryChecks, RecordType, SeverityClass
from hub.identity.codes import SubjectKind, parse_subject_code

NEVER = date.min  # the last day of an item that may not be shown at all
_PARTS = re.compile(r"[、,，;；/\s]+")


@dataclass(frozen=True, slots=True)
class EntryFlag:
    """A check a list entry failed: a stable code and the reason, naming the rule."""

    code: str
    reason: str


def deciding_department(catalog: Catalog, record_type: str, row: Mapping[str, Any]) -> str:
    """Answers the department that answers for an item (谁决定、谁负责, 001 (三)2): the one whose words match the
    deciding authority the source names, else the catalogue's department for the record type."""
    rt = catalog.record_types[record_type]
    named = str(row.get(rt.decided_by) or "") if rt.decided_by else ""
    if named:
        for department, words in catalog.authorities:
            if any(word in named for word in words):
                return department
    return rt.department


def severity_class(rt: RecordType, row: Mapping[str, Any]) -> SeverityClass | None:
    """Answers the class of an item's act: the most serious class any part of its category falls in."""
    severity = rt.severity
    if severity is None:
        return None
    parts = [part for part in _PARTS.split(str(row.get(severity.field) or "")) if part]
    found: list[int] = []
    for part in parts or [""]:
        matched = [i for i, cls in enumerate(severity.classes) if any(word in part for word in cls.match)]
        found.append(max(matched) if matched else severity.classes.index(severity.default))
    return severity.classes[max(found)]


def exited(rt: RecordType, row: Mapping[str, Any]) -> bool:
    """Answers whether the source says the item has ended (a listing moved off its list)."""
    return rt.exits is not None and str(row.get(rt.exits.field)) in rt.exits.values


def last_day(rt: RecordType, row: Mapping[str, Any]) -> date | None:
    """Answers the last day an item may be shared and disclosed (002 §12): NEVER for an exited item or an
    unpublished class, None when nothing limits it. The source's own end date counts where it keeps one,
    within the record type's longest period; otherwise the class's (or the record type's) period does."""
    if exited(rt, row):
        return NEVER
    cls = severity_class(rt, row)
    if cls is not None and not cls.published:
        return NEVER
    until = row.get(rt.period_until) if rt.period_until else None
    start = row.get(rt.period_from) if rt.period_from else None
    limits = [until] if isinstance(until, date) else []
    period = rt.period if cls is None or limits else cls.period
    if period is not None and isinstance(start, date):
        limits.append(period.last_day(start))
    return min(limits) if limits else None


def shown_on(rt: RecordType, row: Mapping[str, Any], today: date) -> bool:
    """Answers whether an item may be shared and disclosed on `today`."""
    last = last_day(rt, row)
    return last is None or today <= last


def repairable_from(rt: RecordType, row: Mapping[str, Any]) -> date | None:
    """Answers the first day a repair may be applied for (the class's minimum period), or None: at once."""
    cls = severity_class(rt, row)
    start = row.get(rt.period_from) if rt.period_from else None
    if cls is None or cls.repair_after is None or not isinstance(start, date):
        return None
    return cls.repair_after.ends(start)


def entry_flags(rt: RecordType, row: Mapping[str, Any], subject_code: str) -> tuple[EntryFlag, ...]:
    """Answers the checks a list entry fails (002 §6 domains, §10 minors and lenient cases, a basis document)."""
    checks = rt.entry_checks
    if checks is None or str(row.get(checks.list_field)) not in checks.checked_lists:
        return ()
    flags: list[EntryFlag] = []
    if not str(row.get(checks.basis_field) or "").strip():
        flags.append(EntryFlag("NO_BASIS_DOCUMENT", "the entry names no basis document (judgment or decision)"))
    reason = str(row.get(checks.domain_field) or "")
    if str(row.get(checks.list_field)) in checks.domain_lists and not _in_domain(checks, reason):
        titles = "; ".join(domain.title for domain in checks.domains)
        flags.append(
            EntryFlag("OUTSIDE_BLACK_LIST_DOMAINS", f"the reason falls in none of the black-list domains ({titles})")
        )
    age = _age_on(subject_code, row.get(checks.act_date_field))
    if age is not None and age < checks.adult_age:
        flags.append(EntryFlag("MINOR", f"the subject was {age} on the listing date, under {checks.adult_age}"))
    lenient = [word for word in checks.lenient if word in reason]
    if lenient:
        flags.append(EntryFlag("LENIENT_CASE", f"the reason names a case for lenient treatment ({lenient[0]})"))
    return tuple(flags)


def _in_domain(checks: EntryChecks, reason: str) -> bool:
    return any(word in reason for domain in checks.domains for word in domain.match)


def _age_on(subject_code: str, day: object) -> int | None:
    """Answers a natural person's age in whole years on `day`, from the resident ID's birth date."""
    if not isinstance(day, date):
        return None
    try:
        code = parse_subject_code(subject_code)
    except Exception:  # a code that does not parse carries no birth date
        return None
    if code.kind is not SubjectKind.NATURAL_PERSON:
        return None
    born = date(int(code.value[6:10]), int(code.value[10:12]), int(code.value[12:14]))
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
