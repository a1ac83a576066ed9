"""Reading the register: privacy officers' filtered review and CSV export; a citizen's access log."""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Generic, TypeVar

from hub.audit.concealment import LOCAL_ZONE, local_date
from hub.audit.events import AuditEvent, normalise_code, subject_key
from hub.audit.ports import AuditStore
from hub.errors import ErrorCode, HubError
from hub.store.audit_rows import EventQuery, EventRow

__all__ = [
    "LOCAL_ZONE", "MAX_PAGE", "AccessEntry", "AuditFilter", "AuditRecord", "Page", "access_log", "decode_cursor",
    "encode_cursor", "iter_records", "local_date", "review",
]  # fmt: skip

T = TypeVar("T")
MAX_PAGE = 500
SELF_PURPOSES = ("SELF_ACCESS",)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What a privacy officer narrows the register to; None means any. `until` is exclusive."""

    subject_code: str | None = None
    client_id: str | None = None
    org: str | None = None
    department: str | None = None
    operator: str | None = None
    purpose: str | None = None
    outcome: str | None = None
    type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    case_number: str | None = None
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One registered event with its place in the chain, and when the case it is concealed until closed."""

    seq: int
    hash: str
    event: AuditEvent
    case_closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page, newest first, and the opaque cursor of the next (None on the last page)."""

    items: list[T]
    next_cursor: str | None


def encode_cursor(seq: int) -> str:
    """Answers the opaque cursor that continues after the item with this seq."""
    return base64.urlsafe_b64encode(f"audit:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """Answers the seq a cursor continues after; HubError(BAD_USER_INPUT) when it is not ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, seq = text.partition(":")
        if prefix == "audit" and seq.isdigit():
            return int(seq)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise HubError(ErrorCode.BAD_USER_INPUT, "invalid cursor", fix="pass a cursor from a previous page")


def _query(secret: str, where: AuditFilter, first: int, after: str | None) -> EventQuery:
    if not 1 <= first <= MAX_PAGE:
        raise HubError(ErrorCode.BAD_USER_INPUT, f"first must be between 1 and {MAX_PAGE}")
    return EventQuery(
        limit=first + 1,
        before_seq=decode_cursor(after) if after else None,
        subject_key=subject_key(secret, where.subject_code) if where.subject_code else None,
        client_id=where.client_id,
        org=where.org,
        department=where.department,
        operator=where.operator,
        purpose=where.purpose,
        outcome=where.outcome,
        type=where.type,
        since=where.since,
        until=where.until,
        case_number=where.case_number,
        event_id=where.event_id,
    )


def _page(rows: list[EventRow], first: int) -> tuple[list[EventRow], str | None]:
    return rows[:first], encode_cursor(rows[first - 1].seq) if len(rows) > first else None


async def review(
    store: AuditStore, secret: str, where: AuditFilter, *, first: int = 50, after: str | None = None
) -> Page[AuditRecord]:
    """Answers one page of the register matching `where`, newest first (concealed entries included)."""
    rows, cursor = _page(await store.search(_query(secret, where, first, after)), first)
    keys = {(row.department, row.concealed_case) for row in rows if row.department and row.concealed_case}
    closed = await store.case_closures(keys) if keys else {}
    records = [
        AuditRecord(row.seq, row.hash, AuditEvent.from_json(row.body),
                    closed.get((row.department or "", row.concealed_case or "")))
        for row in rows
    ]  # fmt: skip
    return Page(records, cursor)


async def iter_records(
    store: AuditStore, secret: str, where: AuditFilter, page: int = MAX_PAGE
) -> AsyncIterator[AuditRecord]:
    """Answers every record matching `where`, newest first, fetched a page at a time."""
    after: str | None = None
    while True:
        result = await review(store, secret, where, first=page, after=after)
        for record in result.items:
            yield record
        if result.next_cursor is None:
            return
        after = result.next_cursor


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """One access to a subject's record as the subject sees it: who, when, why, what and in which form."""

    event_id: str
    at: datetime
    organisation: str | None
    org: str | None
    department: str | None
    purpose: str | None
    legal_basis: str | None
    outcome: str
    fields_clear: tuple[str, ...]
    fields_masked: tuple[str, ...]
    fields_denied: tuple[str, ...]


def _entry(event: AuditEvent, code: str) -> AccessEntry:
    mine = [subject for subject in event.subjects if normalise_code(subject.code) == code]

    def fields(name: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(field for subject in mine for field in getattr(subject, name)))

    return AccessEntry(
        event.event_id, event.at, event.org_name or event.org, event.org, event.department, event.purpose,
        event.legal_basis, event.outcome.value, fields("fields_clear"), fields("fields_masked"),
        fields("fields_denied"),
    )  # fmt: skip


async def access_log(
    store: AuditStore,
    secret: str,
    subject_code: str,
    now: datetime,
    *,
    first: int = 20,
    after: str | None = None,
    narrow: AuditFilter | None = None,
) -> Page[AccessEntry]:
    """Answers who accessed this subject's record, newest first, hiding entries still concealed at `now`.

    The subject's own operations (reading its record, filing an objection) are not accesses by
    someone else and are left out. `narrow`: only its `since`, `until` and `org` apply.
    """
    code = normalise_code(subject_code)
    where = AuditFilter(subject_code=subject_code)
    if narrow is not None:
        where = replace(where, since=narrow.since, until=narrow.until, org=narrow.org)
    query = replace(
        _query(secret, where, first, after),
        visible_on=local_date(now),
        visible_at=now.astimezone(UTC),
        exclude_purposes=SELF_PURPOSES,
        exclude_actor=code,
    )
    rows, cursor = _page(await store.search(query), first)
    return Page([_entry(AuditEvent.from_json(row.body), code) for row in rows], cursor)
