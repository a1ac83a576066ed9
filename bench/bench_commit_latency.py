"""Benchmark: what one durable commit costs on this machine, back to back and after an idle moment.

A receipt committed before the response is one such commit per request when requests come one at a
time. This measures a plain one-row INSERT in autocommit (synchronous_commit on, as the register
runs) after gaps of 0 to 4 ms, the gap spent sleeping or busy in this process, beside `SELECT 1`,
the same INSERT with synchronous_commit off (no flush wait: not durable, for comparison only), and
the hub's own receipt: `AuditWriter.append` of a query event naming one subject and 13 fields, through
the register's PostgreSQL chain (its indexes, the subject's keyed hash, the chain link and the check of
the stored head), in a database migrated like the hub's. Prints the median latency of each. Everything
lives in a scratch database that is dropped afterwards.

    python bench/bench_commit_latency.py [--pg postgresql+asyncpg://postgres@127.0.0.1:5432] [--samples 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg

from bench.common import ensure_databases, pg_dsn
from hub.audit import AuditEvent, AuditWriter, EventType, Outcome, SubjectDisclosure
from hub.store.audit_repo import AuditRepository
from hub.store.migrate import upgrade

DATABASE = "bench_commit_latency"
GAPS_MS = (0.0, 0.2, 0.5, 1.0, 2.0, 4.0)
BODY = json.dumps({"event": "x" * 600})
FIELDS = (
    *(f"penalty.{name}" for name in ("amount", "authority", "decidedOn", "decisionNumber", "kind", "source")),
    *(f"listing.{name}" for name in ("list", "listedOn", "status", "source")),
    "code",
    "kind",
    "name",
)


def _query_event() -> AuditEvent:
    """Answers an event like the `subject` benchmark's: one enterprise, 13 fields in clear, one denied."""
    return AuditEvent(
        type=EventType.QUERY,
        outcome=Outcome.OK,
        request_id=str(uuid.uuid4()),
        client_id="ch_bench",
        org="11140000MB0000001X",
        org_name="approval bureau",
        department="approval-bureau",
        operator="bench",
        purpose="ADMINISTRATIVE_APPROVAL",
        subjects=(SubjectDisclosure("91140202079320698K", FIELDS, (), ("taxCredit",)),),
        query_hash="0" * 64,
        latency_ms=2.0,
    )


async def _pause(gap: float, busy: bool) -> None:
    if not gap:
        return
    if busy:  # the process keeps its core, as a server does between a request's statements
        until = time.perf_counter() + gap
        while time.perf_counter() < until:
            pass
    else:
        await asyncio.sleep(gap)


async def _median_ms(run: Callable[[], Awaitable[object]], samples: int, gap: float, busy: bool) -> float:
    times = []
    for _ in range(samples):
        await _pause(gap, busy)
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def _measure(pg: str, samples: int) -> list[dict[str, float]]:
    await ensure_databases(pg, [DATABASE], fresh=True)
    connection = await asyncpg.connect(pg_dsn(pg, DATABASE))
    try:
        await connection.execute("CREATE TABLE receipts (event_id uuid PRIMARY KEY, body text NOT NULL)")

        def insert() -> Awaitable[object]:
            return connection.execute("INSERT INTO receipts VALUES ($1, $2)", uuid.uuid4(), BODY)

        def select() -> Awaitable[object]:
            return connection.fetchval("SELECT 1")

        await asyncio.to_thread(upgrade, f"{pg.rstrip('/')}/{DATABASE}")
        register = AuditRepository.open(f"{pg.rstrip('/')}/{DATABASE}")
        writer = AuditWriter(register, secret="bench-commit-latency-secret")
        await writer.start()

        def receipt() -> Awaitable[object]:
            return writer.append(_query_event())

        rows = []
        try:
            for gap_ms in GAPS_MS:
                rows.append(await _row(gap_ms, samples, connection, insert, select, receipt))
        finally:
            await writer.stop()
            await register.close()
        return rows
    finally:
        await connection.close()
        admin = await asyncpg.connect(pg_dsn(pg, "postgres"))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        finally:
            await admin.close()


async def _row(
    gap_ms: float,
    samples: int,
    connection: asyncpg.Connection,
    insert: Callable[[], Awaitable[object]],
    select: Callable[[], Awaitable[object]],
    receipt: Callable[[], Awaitable[object]],
) -> dict[str, float]:
    gap = gap_ms / 1000
    row = {"gap_ms": gap_ms}
    row["select_1"] = await _median_ms(select, samples, gap, busy=False)
    row["commit_sleeping"] = await _median_ms(insert, samples, gap, busy=False)
    row["commit_busy"] = await _median_ms(insert, samples, gap, busy=True)
    row["receipt"] = await _median_ms(receipt, samples, gap, busy=False)
    await connection.execute("SET synchronous_commit = off")
    row["not_durable"] = await _median_ms(insert, samples, gap, busy=False)
    await connection.execute("SET synchronous_commit = on")
    return row


def main() -> None:
    """Runs the measurement and prints its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    rows = asyncio.run(_measure(args.pg, args.samples))
    print("median ms per statement after an idle gap (the gap spent sleeping, or busy in this process)")
    heads = f"{'gap':>6} | {'SELECT 1':>8} | {'commit':>8} | {'commit, busy':>12} | {'not durable':>11}"
    print(f"{heads} | {'hub receipt':>11}")
    for row in rows:
        print(
            f"{row['gap_ms']:>4.1f}ms | {row['select_1']:>8.3f} | {row['commit_sleeping']:>8.3f} | "
            f"{row['commit_busy']:>12.3f} | {row['not_durable']:>11.3f} | {row['receipt']:>11.3f}"
        )


if __name__ == "__main__":
    main()
