"""Objections, the item overlay and the source feedback queue in the hub's own database."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import RowMapping, Table, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.store.clients import aware
from hub.store.engine import read_lookups
from hub.store.mirror import Mirror, announce
from hub.store.rights_rows import ItemMark, ObjectionRow, decode_values, encode_values
from hub.store.tables import item_marks, objections, source_feedback

OPEN = "OPEN"
MARKS_CHANNEL = "credit_hub_marks"
_MARKS_BY_CODES = select(item_marks).where(item_marks.c.subject_code.in_(bindparam("codes", expanding=True)))


def _mark(record: RowMapping) -> ItemMark:
    return ItemMark(
        item_id=record["item_id"],
        subject_code=record["subject_code"],
        record_type=record["record_type"],
        hidden_by=record["hidden_by"],
        corrections=decode_values(record["corrections"]),
        open_objection=bool(record["open_objection"]),
        extension_days=int(record["extension_days"]),
        hidden_at=aware(record["hidden_at"]) if record["hidden_at"] else None,
    )


async def _marks_by_subject(conn: AsyncConnection) -> dict[str, tuple[ItemMark, ...]]:
    found: dict[str, list[ItemMark]] = {}
    for record in (await conn.execute(select(item_marks))).mappings():
        found.setdefault(record["subject_code"], []).append(_mark(record))
    return {code: tuple(marks) for code, marks in found.items()}


def marks_mirror(engine: AsyncEngine) -> Mirror[dict[str, tuple[ItemMark, ...]]]:
    """Answers a mirror of the rights overlay by subject code, refreshed by every `upsert_mark`."""
    return Mirror(engine, MARKS_CHANNEL, _marks_by_subject)


def _objection(record: RowMapping, today: date) -> ObjectionRow:
    return ObjectionRow(
        id=record["id"], subject_code=record["subject_code"], item_id=record["item_id"],
        record_type=record["record_type"], source=record["source"], department=record["department"],
        reason=record["reason"], status=record["status"], filed_at=aware(record["filed_at"]),
        due_on=record["due_on"], outcome=record["outcome"], corrections=decode_values(record["corrections"]),
        decision_note=record["decision_note"],
        decided_at=aware(record["decided_at"]) if record["decided_at"] else None,
        decided_by=record["decided_by"], suspended_days=int(record["suspended_days"]),
        overdue=record["status"] == OPEN and record["due_on"] < today,
    )  # fmt: skip


async def upsert_mark(
    conn: AsyncConnection, mark: ItemMark, now: datetime, *, open_objection: bool | None = None,
    hidden_by: str | None = None, corrections: dict[str, Any] | None = None, extend_days: int = 0,
) -> None:  # fmt: skip
    """Answers nothing; creates the item's mark or changes only what is given (days add up)."""
    changes: dict[str, Any] = {"updated_at": now}
    if open_objection is not None:
        changes["open_objection"] = open_objection
    if hidden_by is not None:
        changes["hidden_by"] = hidden_by
        changes["hidden_at"] = now
    if corrections:
        changes["corrections"] = encode_values(corrections)
    values = {
        "item_id": mark.item_id, "subject_code": mark.subject_code, "record_type": mark.record_type,
        "hidden_by": None, "hidden_at": None, "corrections": None, "open_objection": False, **changes,
        "extension_days": extend_days,
    }  # fmt: skip
    if extend_days:
        changes["extension_days"] = item_marks.c.extension_days + extend_days
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = dialect_insert(item_marks).values(**values)
    await conn.execute(statement.on_conflict_do_update(index_elements=["item_id"], set_=changes))
    await announce(conn, MARKS_CHANNEL)


async def queue_feedback(
    conn: AsyncConnection, for_item: ItemMark, source: str, department: str, kind: str, payload: dict[str, Any],
    now: datetime,
) -> None:  # fmt: skip
    """Answers nothing; queues a notice for the department that corrects the item at its source (pulled until
    acknowledged)."""
    await conn.execute(
        insert(source_feedback).values(
            id=str(uuid.uuid4()), source=source, item_id=for_item.item_id, kind=kind, department=department,
            subject_code=for_item.subject_code, payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
            created_at=now, deliveries=0,
        )
    )  # fmt: skip


class RightsRepository:
    """Reads and writes objections and the overlay marks every read applies.

    On PostgreSQL, once started, `marks` answers from a mirror of the overlay (hub.store.mirror)
    that every process's writes refresh; otherwise it asks the table.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._lookups = read_lookups(engine)
        self.mirror = marks_mirror(engine)

    async def start(self) -> None:
        """Answers nothing; starts mirroring the overlay (PostgreSQL only)."""
        await self.mirror.start()

    async def stop(self) -> None:
        """Answers nothing; stops mirroring."""
        await self.mirror.stop()

    def mirrored_marks(self, codes: Sequence[str]) -> dict[str, ItemMark] | None:
        """Answers the subjects' overlay marks by item id from the mirror, or None when it cannot be trusted now."""
        mirrored = self.mirror.current
        if mirrored is None:
            return None
        return {mark.item_id: mark for code in codes for mark in mirrored.get(code, ())}

    async def marks(self, codes: Sequence[str]) -> dict[str, ItemMark]:
        """Answers the overlay marks of every item of the given subjects, by item id (mirror, else one statement)."""
        if not codes:
            return {}
        if (mirrored := self.mirrored_marks(codes)) is not None:
            return mirrored
        async with self._lookups.connect() as conn:
            result = await conn.execute(_MARKS_BY_CODES, {"codes": list(codes)})
            return {record["item_id"]: _mark(record) for record in result.mappings()}

    async def mark(self, item_id: str) -> ItemMark | None:
        """Answers the overlay mark of one item, or None when the hub has none."""
        async with self._lookups.connect() as conn:
            record = (await conn.execute(select(item_marks).where(item_marks.c.item_id == item_id))).mappings().first()
        return _mark(record) if record is not None else None

    async def add_objection(self, row: ObjectionRow) -> bool:
        """Answers False when the item already has an objection; else stores it and suspends the item."""
        values = {k: getattr(row, k) for k in ("id", "subject_code", "item_id", "record_type", "source")}
        values |= {k: getattr(row, k) for k in ("department", "reason", "status", "filed_at", "due_on")}
        try:
            async with self.mirror.changing(), self.engine.begin() as conn:
                await conn.execute(insert(objections).values(**values, suspended_days=0))
                mark = ItemMark(row.item_id, row.subject_code, row.record_type)
                await upsert_mark(conn, mark, row.filed_at, open_objection=True)
        except IntegrityError:
            return False
        return True

    async def objection(self, objection_id: str, today: date) -> ObjectionRow | None:
        """Answers one objection, or None."""
        found = await self._select(objections, objections.c.id == objection_id, today)
        return found[0] if found else None

    async def objections(
        self, today: date, *, subject_code: str | None = None, department: str | None = None,
        item_id: str | None = None, overdue_only: bool = False,
    ) -> list[ObjectionRow]:  # fmt: skip
        """Answers objections filtered by subject, responsible department or item, newest first."""
        conditions = []
        if subject_code is not None:
            conditions.append(objections.c.subject_code == subject_code)
        if department is not None:
            conditions.append(objections.c.department == department)
        if item_id is not None:
            conditions.append(objections.c.item_id == item_id)
        if overdue_only:
            conditions += [objections.c.status == OPEN, objections.c.due_on < today]
        return await self._select(objections, conditions, today)

    async def _select(self, table: Table, conditions: Any, today: date) -> list[ObjectionRow]:
        statement = select(table).where(*(conditions if isinstance(conditions, list) else [conditions]))
        async with self._lookups.connect() as conn:
            result = await conn.execute(statement.order_by(table.c.filed_at.desc(), table.c.id))
            return [_objection(record, today) for record in result.mappings()]

    async def decide_objection(
        self, row: ObjectionRow, *, status: str, outcome: str | None, corrections: dict[str, Any], note: str,
        decided_at: datetime, decided_by: str | None, suspended_days: int, mark_changes: dict[str, Any],
        feedback: dict[str, Any] | None,
    ) -> bool:  # fmt: skip
        """Answers False when the objection was decided meanwhile; else records the decision and its overlay."""
        async with self.mirror.changing(), self.engine.begin() as conn:
            done = await conn.execute(
                update(objections)
                .where(objections.c.id == row.id, objections.c.status == OPEN)
                .values(
                    status=status, outcome=outcome, corrections=encode_values(corrections) if corrections else None,
                    decision_note=note, decided_at=decided_at, decided_by=decided_by, suspended_days=suspended_days,
                )
            )  # fmt: skip
            if done.rowcount != 1:
                return False
            mark = ItemMark(row.item_id, row.subject_code, row.record_type)
            await upsert_mark(conn, mark, decided_at, open_objection=False, **mark_changes)
            if feedback is not None:
                await queue_feedback(conn, mark, row.source, row.department, "OBJECTION_UPHELD", feedback, decided_at)
        return True

    async def pending_feedback(self, source: str) -> list[dict[str, Any]]:
        """Answers the notices queued for a source and not yet acknowledged, oldest first."""
        statement = (
            select(source_feedback)
            .where(source_feedback.c.source == source, source_feedback.c.acknowledged_at.is_(None))
            .order_by(source_feedback.c.created_at)
        )
        async with self.engine.connect() as conn:
            result = await conn.execute(statement)
            return [
                {**dict(record), "payload": json.loads(record["payload"]), "created_at": aware(record["created_at"])}
                for record in result.mappings()
            ]
