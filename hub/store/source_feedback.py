"""The source feedback queue: notices a department pulls until it acknowledges them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import RowMapping, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.clients import aware
from hub.store.rights_rows import NoticeRow
from hub.store.tables import source_feedback

_PENDING = source_feedback.c.acknowledged_at.is_(None)


def _notice(record: RowMapping) -> NoticeRow:
    return NoticeRow(
        id=record["id"], source=record["source"], item_id=record["item_id"], kind=record["kind"],
        payload=json.loads(record["payload"]), created_at=aware(record["created_at"]),
        department=record["department"], subject_code=record["subject_code"], deliveries=int(record["deliveries"]),
        delivered_at=aware(record["delivered_at"]) if record["delivered_at"] else None,
        acknowledged_at=aware(record["acknowledged_at"]) if record["acknowledged_at"] else None,
    )  # fmt: skip


class FeedbackRepository:
    """Delivers a department's pending notices, oldest first, and records their acknowledgement."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def deliver(
        self, department: str, limit: int, after: tuple[datetime, str] | None, now: datetime
    ) -> tuple[list[NoticeRow], bool]:
        """Answers up to `limit` pending notices of the department after the cursor (and whether more follow),
        counting this delivery on each."""
        table = source_feedback
        statement = select(table).where(table.c.department == department, _PENDING)
        if after is not None:
            at, notice_id = after
            statement = statement.where(
                or_(table.c.created_at > at, and_(table.c.created_at == at, table.c.id > notice_id))
            )
        statement = statement.order_by(table.c.created_at, table.c.id).limit(limit + 1)
        async with self.engine.begin() as conn:
            found = [_notice(record) for record in (await conn.execute(statement)).mappings()]
            page = found[:limit]
            if page:
                await conn.execute(
                    update(table)
                    .where(table.c.id.in_([notice.id for notice in page]))
                    .values(deliveries=table.c.deliveries + 1, delivered_at=now)
                )
        delivered = [replace(notice, deliveries=notice.deliveries + 1, delivered_at=now) for notice in page]
        return delivered, len(found) > limit

    async def acknowledge(self, department: str, ids: Sequence[str], now: datetime, by: str | None) -> list[NoticeRow]:
        """Answers the department's notices among `ids`, each acknowledged now or earlier (ids of other
        departments and unknown ids are left out)."""
        table = source_feedback
        mine = and_(table.c.id.in_(list(ids)), table.c.department == department)
        async with self.engine.begin() as conn:
            await conn.execute(update(table).where(mine, _PENDING).values(acknowledged_at=now, acknowledged_by=by))
            result = await conn.execute(select(table).where(mine).order_by(table.c.created_at, table.c.id))
            return [_notice(record) for record in result.mappings()]

    async def waiting_since(self, before: datetime) -> list[tuple[str, int, datetime]]:
        """Answers, per department, how many notices queued before `before` are still unacknowledged, and the
        oldest one's time."""
        table = source_feedback
        statement = (
            select(table.c.department, func.count(), func.min(table.c.created_at))
            .where(_PENDING, table.c.created_at < before)
            .group_by(table.c.department)
            .order_by(table.c.department)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        return [(department or "-", int(count), aware(oldest)) for department, count, oldest in rows]
