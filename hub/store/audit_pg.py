"""PostgreSQL's group commit: one autocommitted statement per batch, on the asyncpg driver connection.

The usual path costs one round trip and one commit. Each process remembers the head it last wrote;
`_INSERT_LINKED` inserts the batch only if the stored head is still that one, so two processes can
never fork the chain: a stale head inserts nothing (or collides on `seq`) and the batch is rebuilt on
the head read afresh. After a few lost races the batch takes the chain's exclusive advisory lock.
SQLAlchemy's per-statement overhead (about 0.2 ms here) would dominate, so this talks to asyncpg
directly, on a connection of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.audit_rows import GENESIS_HASH, Batch, ChainHead
from hub.store.engine import driver_dsn

# pg_advisory_xact_lock key serialising chain extension across processes ("CHAUDIT" in ASCII).
CHAIN_LOCK_KEY = 0x43484155444954

# The stored head: the newest event, else the newest checkpoint (a fully pruned chain continues
# from its anchor), else genesis.
_STORED_HEAD = """
SELECT seq, hash FROM (
    (SELECT seq, hash, 0 AS rank FROM audit_events ORDER BY seq DESC LIMIT 1)
    UNION ALL (SELECT seq, hash, 1 AS rank FROM audit_checkpoints ORDER BY seq DESC LIMIT 1)
    UNION ALL SELECT 0, ':genesis', 2
) AS candidates ORDER BY rank LIMIT 1
""".replace(":genesis", GENESIS_HASH)
# The batch, inserted only when the stored head is ($1, $2). The shared advisory lock keeps it out
# of the exclusive sections (the locked path below, and pruning); concurrent statements are kept
# apart by the primary key on seq. It answers how many events it inserted and the stored head it
# saw, so a writer whose head was stale retries on that one without asking for it again.
_INSERT_LINKED = """
WITH locked AS (SELECT pg_advisory_xact_lock_shared(:chain_lock_key)),
head AS (SELECT seq, hash FROM (:stored_head) AS stored, locked),
matches AS (SELECT 1 FROM head WHERE seq = $1::bigint AND hash = $2::text),
events AS (
    INSERT INTO audit_events (seq, event_id, type, at, client_id, org, department, operator, purpose,
                              outcome, body, prev_hash, hash)
    SELECT e.* FROM unnest($3::bigint[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[],
                           $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                           $15::text[]) AS e, matches
    RETURNING seq
),
subjects AS (
    INSERT INTO audit_subjects (seq, subject_key, concealed_until)
    SELECT s.* FROM unnest($16::bigint[], $17::text[], $18::date[]) AS s, matches
),
checkpoint AS (
    INSERT INTO audit_checkpoints (seq, hash, event_id, at, key_id, public_key, signature)
    SELECT $19::bigint, $20::text, $21::text, $22::timestamptz, $23::text, $24::text, $25::text
    FROM matches WHERE $19::bigint IS NOT NULL
)
SELECT (SELECT count(*) FROM events) AS inserted, head.seq, head.hash FROM head
""".replace(":chain_lock_key", str(CHAIN_LOCK_KEY)).replace(":stored_head", _STORED_HEAD)
# Simple-protocol text: BEGIN and taking the lock cost one round trip.
_BEGIN_AND_LOCK = f"BEGIN; SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY})"

_EVENT_COLUMNS = ("seq", "event_id", "type", "at", "client_id", "org", "department", "operator", "purpose",
                  "outcome", "body", "prev_hash", "hash")  # fmt: skip
_SUBJECT_COLUMNS = ("seq", "subject_key", "concealed_until")
_CHECKPOINT_COLUMNS = ("seq", "hash", "event_id", "at", "key_id", "public_key", "signature")
_OPTIMISTIC_ATTEMPTS = 4
_DROPPED = (
    OSError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.InternalClientError,
)


def _arguments(head: ChainHead, batch: Batch) -> list[Any]:
    arguments: list[Any] = [head.seq, head.hash]
    arguments += [[getattr(row, name) for row in batch.events] for name in _EVENT_COLUMNS]
    arguments += [[getattr(row, name) for row in batch.subjects] for name in _SUBJECT_COLUMNS]
    checkpoint = batch.checkpoint
    arguments += [getattr(checkpoint, name) if checkpoint else None for name in _CHECKPOINT_COLUMNS]
    return arguments


class PgChain:
    """Extends the chain on PostgreSQL from the head this process last wrote, safe against other writers.

    It keeps one connection of its own (the writer commits one batch at a time), so a commit costs
    no pool checkout; a connection that fails is closed and the next batch opens another.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._dsn = driver_dsn(engine)
        self._head: ChainHead | None = None
        self._conn: Any = None
        self._lock = asyncio.Lock()

    async def extend(self, build: Callable[[ChainHead], Batch]) -> Batch:
        """Answers the committed batch `build` made from the stored head."""
        async with self._lock:
            try:
                return await self._extend(build, locked=False)
            except _DROPPED:
                # The connection was gone. Whether a statement ran is unknown; event_id is unique,
                # so running it again can never register an event twice.
                return await self._extend(build, locked=True)

    async def close(self) -> None:
        """Answers nothing; closes the chain's connection."""
        async with self._lock:
            await self._drop()

    async def _extend(self, build: Callable[[ChainHead], Batch], *, locked: bool) -> Batch:
        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(self._dsn)
        driver = self._conn
        try:
            if not locked:
                for _ in range(_OPTIMISTIC_ATTEMPTS):
                    if (batch := await self._extend_optimistic(driver, build)) is not None:
                        return self._remember(batch)
            return self._remember(await _extend_locked(driver, build))
        except BaseException:
            self._head = None
            await self._drop()  # the server rolls back; the connection's state is unknown
            raise

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.terminate()

    async def _extend_optimistic(self, driver: Any, build: Callable[[ChainHead], Batch]) -> Batch | None:
        head = self._head or await _stored_head(driver)
        batch = build(head)
        try:
            answer = await driver.fetchrow(_INSERT_LINKED, *_arguments(head, batch))
        except asyncpg.exceptions.UniqueViolationError:
            self._head = None  # another process wrote these seqs first: read the head afresh
            return None
        if answer["inserted"]:
            return batch
        self._head = ChainHead(answer["seq"], answer["hash"])  # another process moved the chain on
        return None

    def _remember(self, batch: Batch) -> Batch:
        last = batch.events[-1]
        self._head = ChainHead(last.seq, last.hash)
        return batch


async def _extend_locked(driver: Any, build: Callable[[ChainHead], Batch]) -> Batch:
    await driver.execute(_BEGIN_AND_LOCK)
    batch = build(await _stored_head(driver))
    head = ChainHead(batch.events[0].seq - 1, batch.events[0].prev_hash)
    if not (await driver.fetchrow(_INSERT_LINKED, *_arguments(head, batch)))["inserted"]:
        raise RuntimeError("the chain moved while its exclusive lock was held")
    await driver.execute("COMMIT")
    return batch


async def _stored_head(driver: Any) -> ChainHead:
    row = await driver.fetchrow(_STORED_HEAD)
    return ChainHead(row["seq"], row["hash"])
