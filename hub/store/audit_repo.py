"""The audit repository: extends the hash chain under a database-wide lock; prunes on retention."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.store.audit_pg import CHAIN_LOCK_KEY, PgChain
from hub.store.audit_reads import AuditReads
from hub.store.audit_rows import (
    DERIVED_EVENT_COLUMNS,
    GENESIS_HASH,
    Batch,
    ChainHead,
    CheckpointRow,
    EventRow,
    SubjectRow,
)
from hub.store.engine import is_sqlite, make_engine
from hub.store.tables import audit_checkpoints, audit_events, audit_guard, audit_subjects

_EVENT_FIELDS = tuple(field.name for field in fields(EventRow) if field.name not in DERIVED_EVENT_COLUMNS)
_SUBJECT_FIELDS = tuple(field.name for field in fields(SubjectRow))
_CHECKPOINT_FIELDS = tuple(field.name for field in fields(CheckpointRow))


def _values(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in fields}


class AuditRepository(AuditReads):
    """The register's storage on SQLite or PostgreSQL (satisfies hub.audit.ports.AuditStore)."""

    def __init__(self, engine: AsyncEngine, *, owns_engine: bool = False) -> None:
        super().__init__(engine)
        self._sqlite = engine.dialect.name == "sqlite"
        self._owns_engine = owns_engine
        self._pg_chain = None if self._sqlite else PgChain(engine)

    @classmethod
    def open(cls, url: str, *, pool_size: int = 4) -> AuditRepository:
        """Answers a repository on its own engine for `url` (closed by `close`)."""
        kwargs: dict[str, Any] = {} if is_sqlite(url) else {"pool_size": pool_size}
        return cls(make_engine(url, **kwargs), owns_engine=True)

    async def close(self) -> None:
        """Answers nothing; disposes the engine if this repository created it."""
        if self._pg_chain is not None:
            await self._pg_chain.close()
        if self._owns_engine:
            await self.engine.dispose()

    async def writable(self) -> None:
        """Answers nothing; raises when the register could not take a batch now (unreachable or write-locked)."""
        async with self.engine.connect() as conn:
            if self._sqlite:  # readers pass a writer's lock in WAL mode: take the write lock and give it back
                await conn.exec_driver_sql("BEGIN IMMEDIATE")
                await conn.rollback()
            else:
                await conn.execute(select(audit_events.c.seq).limit(0))

    async def _lock(self, conn: AsyncConnection) -> None:
        if self._sqlite:
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})

    async def _head(self, conn: AsyncConnection) -> ChainHead:
        for table in (audit_events, audit_checkpoints):  # a fully pruned chain continues from its anchor
            stmt = select(table.c.seq, table.c.hash).order_by(table.c.seq.desc()).limit(1)
            row = (await conn.execute(stmt)).first()
            if row is not None:
                return ChainHead(row.seq, row.hash)
        return ChainHead(0, GENESIS_HASH)

    async def extend(self, build: Callable[[ChainHead], Batch]) -> Batch:
        """Answers the batch `build` made from the chain head, committed durably under the chain lock."""
        if self._pg_chain is not None:
            return await self._pg_chain.extend(build)
        async with self.engine.connect() as conn:
            await self._lock(conn)
            batch = build(await self._head(conn))
            await self._insert(conn, batch)
            await conn.commit()
            return batch

    async def _insert(self, conn: AsyncConnection, batch: Batch) -> None:
        if batch.events:
            await conn.execute(audit_events.insert(), [_values(row, _EVENT_FIELDS) for row in batch.events])
        if batch.subjects:
            await conn.execute(audit_subjects.insert(), [_values(row, _SUBJECT_FIELDS) for row in batch.subjects])
        if batch.checkpoint:
            await conn.execute(audit_checkpoints.insert(), [_values(batch.checkpoint, _CHECKPOINT_FIELDS)])

    async def add_checkpoint(self, checkpoint: CheckpointRow) -> None:
        """Answers nothing; stores a checkpoint unless one for that seq exists (another worker's)."""
        insert = sqlite_insert if self._sqlite else pg_insert
        stmt = insert(audit_checkpoints).values(_values(checkpoint, _CHECKPOINT_FIELDS))
        async with self.engine.connect() as conn:
            await conn.execute(stmt.on_conflict_do_nothing(index_elements=["seq"]))
            await conn.commit()

    async def prune(self, through_seq: int) -> int:
        """Answers how many events were deleted: all with seq <= through_seq, and older checkpoints.

        The privileged path: on PostgreSQL it sets `credit_hub.audit_prune = 'on'` for this
        transaction only (the table owner's session; the app role has no DELETE right at all); on
        SQLite it raises the `audit_guard` flag and lowers it again before committing.
        """
        async with self.engine.connect() as conn:
            await self._lock(conn)
            if self._sqlite:
                await conn.execute(update(audit_guard).where(audit_guard.c.id == 1).values(prune=1))
            else:
                await conn.execute(text("SET LOCAL credit_hub.audit_prune = 'on'"))
            deleted = await conn.execute(delete(audit_events).where(audit_events.c.seq <= through_seq))
            await conn.execute(delete(audit_subjects).where(audit_subjects.c.seq <= through_seq))
            await conn.execute(delete(audit_checkpoints).where(audit_checkpoints.c.seq < through_seq))
            if self._sqlite:
                await conn.execute(update(audit_guard).where(audit_guard.c.id == 1).values(prune=0))
            await conn.commit()
        return int(deleted.rowcount)
