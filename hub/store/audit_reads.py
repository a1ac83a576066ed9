"""Reads of the audit register: chain pages for verify, subject index, checkpoints, filtered search."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, text
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.audit_rows import CheckpointRow, EventQuery, EventRow, SubjectRow
from hub.store.closed_cases import closures_among
from hub.store.tables import audit_checkpoints, audit_events, audit_subjects, closed_cases

_E = audit_events.c
_EQUALS = ("client_id", "org", "department", "operator", "purpose", "outcome", "type", "case_number", "event_id")


def utc(value: datetime) -> datetime:
    """Answers `value` as an aware UTC datetime (SQLite hands back naive UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def event_row(row: RowMapping) -> EventRow:
    """Answers the EventRow of a selected audit_events row."""
    values: dict[str, Any] = dict(row)
    values["at"] = utc(values["at"])
    return EventRow(**values)


def checkpoint_row(row: RowMapping) -> CheckpointRow:
    """Answers the CheckpointRow of a selected audit_checkpoints row."""
    values: dict[str, Any] = dict(row)
    values["at"] = utc(values["at"])
    return CheckpointRow(**values)


def _visible(query: EventQuery) -> ColumnElement[bool]:
    """What the subject may see: never concealed, its date come, or its case closed (by `visible_at`)."""
    subjects, closed = audit_subjects.c, closed_cases.c
    closure = exists().where(closed.department == _E.department, closed.case_number == _E.concealed_case)
    if query.visible_at is not None:
        closure = closure.where(closed.closed_at <= query.visible_at)
    return or_(
        and_(subjects.concealed_until.is_(None), _E.concealed_case.is_(None)),
        subjects.concealed_until <= query.visible_on,
        and_(_E.concealed_case.is_not(None), closure),
    )


def _filtered(query: EventQuery) -> Select[Any]:
    stmt = select(audit_events)
    if query.subject_key is not None:
        subjects = audit_subjects.c
        stmt = stmt.join(audit_subjects, subjects.seq == _E.seq).where(subjects.subject_key == query.subject_key)
        if query.visible_on is not None:
            stmt = stmt.where(_visible(query))
    for name in _EQUALS:
        value = getattr(query, name)
        if value is not None:
            stmt = stmt.where(_E[name] == value)
    if query.since is not None:
        stmt = stmt.where(_E.at >= query.since)
    if query.until is not None:
        stmt = stmt.where(_E.at < query.until)
    if query.before_seq is not None:
        stmt = stmt.where(_E.seq < query.before_seq)
    if query.exclude_purposes:
        stmt = stmt.where(or_(_E.purpose.is_(None), _E.purpose.not_in(query.exclude_purposes)))
    if query.exclude_actor is not None:
        stmt = stmt.where(or_(_E.department.is_not(None), _E.org.is_(None), _E.org != query.exclude_actor))
    return stmt.order_by(_E.seq.desc()).limit(query.limit)


class AuditReads:
    """Read-side queries over the audit tables of one engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def head_event(self) -> EventRow | None:
        """Answers the newest stored event, if any."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(audit_events).order_by(_E.seq.desc()).limit(1))).mappings().first()
        return event_row(row) if row else None

    async def event_page(self, after_seq: int, limit: int) -> list[EventRow]:
        """Answers up to `limit` events with seq > after_seq, oldest first."""
        stmt = select(audit_events).where(_E.seq > after_seq).order_by(_E.seq).limit(limit)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return [event_row(row) for row in rows]

    async def subject_rows(self, first_seq: int, last_seq: int) -> list[SubjectRow]:
        """Answers the subject index rows for seq in [first_seq, last_seq]."""
        columns = audit_subjects.c
        stmt = select(columns.seq, columns.subject_key, columns.concealed_until).where(
            columns.seq.between(first_seq, last_seq)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [SubjectRow(row.seq, row.subject_key, row.concealed_until) for row in rows]

    async def checkpoints(self) -> list[CheckpointRow]:
        """Answers every stored checkpoint, by seq."""
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(audit_checkpoints).order_by(audit_checkpoints.c.seq))).mappings()
            return [checkpoint_row(row) for row in rows.all()]

    async def search(self, query: EventQuery) -> list[EventRow]:
        """Answers the events matching `query`, newest first."""
        async with self.engine.connect() as conn:
            rows = (await conn.execute(_filtered(query))).mappings().all()
        return [event_row(row) for row in rows]

    async def case_closures(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], datetime]:
        """Answers (department, case number) -> closed_at for those of `keys` that are closed."""
        if not keys:
            return {}
        async with self.engine.connect() as conn:
            return await closures_among(conn, keys)

    async def ping(self) -> bool:
        """Answers whether the audit database answers a trivial query."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:  # readiness probe: any failure means not ready
            return False
        return True
