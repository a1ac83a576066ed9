"""PostgreSQL's group commit on the asyncpg driver connection: one round trip per step, rows pipelined.

SQLAlchemy's per-statement overhead (about 0.2 ms here) would dominate a batch's cost, so the
critical section talks to asyncpg directly, on a connection checked out from the hub's engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.store.audit_rows import GENESIS_HASH, Batch, ChainHead

# pg_advisory_xact_lock key serialising chain extension across processes ("CHAUDIT" in ASCII).
CHAIN_LOCK_KEY = 0x43484155444954

# One statement inserts a whole batch: events and subject index rows, each column as an array.
_INSERT_BATCH = """
WITH events AS (
    INSERT INTO audit_events (seq, event_id, type, at, client_id, org, department, operator, purpose,
                              outcome, body, prev_hash, hash)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[],
                         $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
)
INSERT INTO audit_subjects (seq, subject_key, concealed_until)
SELECT * FROM unnest($14::bigint[], $15::text[], $16::date[])
"""
_EVENT_COLUMNS = ("seq", "event_id", "type", "at", "client_id", "org", "department", "operator", "purpose",
                  "outcome", "body", "prev_hash", "hash")  # fmt: skip
_SUBJECT_COLUMNS = ("seq", "subject_key", "concealed_until")
_INSERT_CHECKPOINT = (
    "INSERT INTO audit_checkpoints (seq, hash, event_id, at, key_id, public_key, signature) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)"
)
_ATTEMPTS = 3
_DROPPED = (
    OSError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.InternalClientError,
)
# Simple-protocol text: BEGIN and taking the lock cost one round trip.
_BEGIN_AND_LOCK = f"BEGIN; SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY})"
_HEAD = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"
_ANCHOR = "SELECT seq, hash FROM audit_checkpoints ORDER BY seq DESC LIMIT 1"


async def _driver(conn: AsyncConnection) -> Any:
    raw = await conn.get_raw_connection()
    return raw.driver_connection


async def _write(driver: Any, build: Callable[[ChainHead], Batch]) -> Batch:
    row = await driver.fetchrow(_HEAD) or await driver.fetchrow(_ANCHOR)
    batch = build(ChainHead(row["seq"], row["hash"]) if row else ChainHead(0, GENESIS_HASH))
    columns = [[getattr(row, name) for row in batch.events] for name in _EVENT_COLUMNS]
    columns += [[getattr(row, name) for row in batch.subjects] for name in _SUBJECT_COLUMNS]
    await driver.execute(_INSERT_BATCH, *columns)
    if (c := batch.checkpoint) is not None:
        await driver.execute(_INSERT_CHECKPOINT, c.seq, c.hash, c.event_id, c.at, c.key_id, c.public_key, c.signature)
    return batch


async def pg_extend(engine: AsyncEngine, build: Callable[[ChainHead], Batch]) -> Batch:
    """Answers the committed batch `build` made from the head read under the chain's advisory lock."""
    for attempt in range(1, _ATTEMPTS + 1):
        async with engine.connect() as conn:
            driver = await _driver(conn)
            try:
                await driver.execute(_BEGIN_AND_LOCK)
            except BaseException as exc:
                await conn.invalidate()
                # Pooled connections the server dropped: nothing was written yet, so retrying is safe.
                if attempt < _ATTEMPTS and isinstance(exc, _DROPPED):
                    continue
                raise
            try:
                batch = await _write(driver, build)
                await driver.execute("COMMIT")
            except BaseException:
                await conn.invalidate()  # the server rolls back; the connection's state is unknown
                raise
            return batch
    raise AssertionError("unreachable")
