"""Credit repair applications in the hub's own database; an approval hides the item in the overlay."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import RowMapping, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.clients import aware
from hub.store.mirror import Mirror
from hub.store.rights import marks_mirror, queue_feedback, upsert_mark
from hub.store.rights_rows import HIDDEN_REPAIRED, ItemMark, RepairRow, decode_evidence, encode_evidence
from hub.store.tables import credit_repairs

PENDING = "PENDING"
APPROVED = "APPROVED"


def _repair(record: RowMapping, today: date) -> RepairRow:
    return RepairRow(
        id=record["id"], subject_code=record["subject_code"], item_id=record["item_id"],
        record_type=record["record_type"], source=record["source"], department=record["department"],
        evidence=decode_evidence(record["evidence"]), status=record["status"],
        applied_at=aware(record["applied_at"]), due_on=record["due_on"], decision_note=record["decision_note"],
        decided_at=aware(record["decided_at"]) if record["decided_at"] else None, decided_by=record["decided_by"],
        published_at=aware(record["published_at"]) if record["published_at"] else None,
        overdue=record["status"] == PENDING and record["due_on"] < today,
    )  # fmt: skip


class RepairRepository:
    """Reads and writes credit repair applications."""

    def __init__(self, engine: AsyncEngine, marks: Mirror[Any] | None = None) -> None:
        self.engine = engine
        self._marks = marks if marks is not None else marks_mirror(engine)

    async def add(self, row: RepairRow) -> bool:
        """Answers False when the item already has a pending application; else stores this one."""
        async with self.engine.begin() as conn:
            pending = await conn.execute(
                select(credit_repairs.c.id).where(
                    credit_repairs.c.item_id == row.item_id, credit_repairs.c.status.in_((PENDING, APPROVED))
                )
            )
            if pending.first() is not None:
                return False
            values = {k: getattr(row, k) for k in ("id", "subject_code", "item_id", "record_type", "source")}
            values |= {k: getattr(row, k) for k in ("department", "status", "applied_at", "due_on")}
            await conn.execute(insert(credit_repairs).values(**values, evidence=encode_evidence(row.evidence)))
        return True

    async def repair(self, repair_id: str, today: date) -> RepairRow | None:
        """Answers one application, or None."""
        found = await self.repairs(today, repair_id=repair_id)
        return found[0] if found else None

    async def repairs(
        self, today: date, *, repair_id: str | None = None, subject_code: str | None = None,
        department: str | None = None, overdue_only: bool = False,
    ) -> list[RepairRow]:  # fmt: skip
        """Answers applications filtered by id, subject or deciding department, newest first."""
        table = credit_repairs
        conditions: list[Any] = []
        for column, value in (("id", repair_id), ("subject_code", subject_code), ("department", department)):
            if value is not None:
                conditions.append(table.c[column] == value)
        if overdue_only:
            conditions += [table.c.status == PENDING, table.c.due_on < today]
        statement = select(table).where(*conditions).order_by(table.c.applied_at.desc(), table.c.id)
        async with self.engine.connect() as conn:
            return [_repair(record, today) for record in (await conn.execute(statement)).mappings()]

    async def decide(
        self, row: RepairRow, *, status: str, note: str, decided_at: datetime, decided_by: str | None
    ) -> bool:
        """Answers False when decided meanwhile; else records the decision (approval: hidden, published, queued)."""
        approved = status == APPROVED
        async with self._marks.changing(), self.engine.begin() as conn:
            done = await conn.execute(
                update(credit_repairs)
                .where(credit_repairs.c.id == row.id, credit_repairs.c.status == PENDING)
                .values(
                    status=status, decision_note=note, decided_at=decided_at, decided_by=decided_by,
                    published_at=decided_at if approved else None,
                )
            )  # fmt: skip
            if done.rowcount != 1:
                return False
            if approved:
                mark = ItemMark(row.item_id, row.subject_code, row.record_type)
                await upsert_mark(conn, mark, decided_at, hidden_by=HIDDEN_REPAIRED)
                payload = {"repair_id": row.id, "decided_on": decided_at.date().isoformat()}
                await queue_feedback(conn, mark, row.source, row.department, "REPAIR_APPROVED", payload, decided_at)
        return True

    async def published(
        self, limit: int, after: tuple[datetime, str] | None, since: datetime | None, region: str | None
    ) -> list[RepairRow]:
        """Answers approved repairs by publication, newest first, after a position and from a time on; `region`
        narrows to codes whose division may start with it (callers check each code)."""
        table = credit_repairs
        conditions: list[Any] = [table.c.status == APPROVED, table.c.published_at.is_not(None)]
        if since is not None:
            conditions.append(table.c.published_at >= since)
        if after is not None:
            at, repair_id = after
            conditions.append(or_(table.c.published_at < at, and_(table.c.published_at == at, table.c.id < repair_id)))
        if region:
            code, size = table.c.subject_code, len(region)
            conditions.append(or_(func.substr(code, 3, size) == region, func.substr(code, 1, size) == region))
        statement = (
            select(table).where(*conditions).order_by(table.c.published_at.desc(), table.c.id.desc()).limit(limit)
        )
        async with self.engine.connect() as conn:  # approved: never overdue, whatever the day
            return [_repair(record, date.min) for record in (await conn.execute(statement)).mappings()]
