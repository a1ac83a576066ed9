"""Where a group commit's time goes: Python per event, and PostgreSQL per batch (statement, indexes, flush).

    python bench/bench_audit_parts.py [--pg-url ...] [--batch 64] [--concurrency 64] [--seconds 4]

On a scratch database (dropped afterwards) it times, with the CPU clock, what the bench's clients and
the writer do per event in Python (building the event, `prepare`: canonical body, index columns, keyed
subjects; `link`: the chain hash and rows; the statement's arguments), and with the wall clock the
register's one statement per batch: as the writer sends it (durable commit), with the commit's WAL
flush left out (`synchronous_commit` off), and the same rows into copies of the tables that keep
only their primary keys (what the secondary indexes cost), with the backend's CPU per batch beside
the wall time (the CPU clock holds still on a loaded host; it ticks in 10 ms, so give `--repeat`
100 or more). Medians of `--repeat` batches. Then the
real writer at concurrency `--concurrency` for `--seconds`: events/s, and the CPU per event of this
process and of the chain's PostgreSQL backend (CPU clocks hold still on a shared machine where
events/s do not); the chain is verified afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_audit import SECRET, CountingRepository, backend_cpu_s, one_run, sample_event
from hub.audit.cadence import Checkpointer, CheckpointPolicy
from hub.audit.chain import PreparedEvent, link, prepare
from hub.audit.checkpoints import CheckpointSigner
from hub.audit.verify import verify_chain
from hub.audit.writer import AuditWriter
from hub.store.audit_pg import _INSERT_LINKED, _STORED_HEAD, _arguments
from hub.store.audit_rows import Batch, ChainHead
from hub.store.migrate import upgrade

_BARE = """
CREATE TABLE bare_events (LIKE audit_events INCLUDING GENERATED);
ALTER TABLE bare_events ADD PRIMARY KEY (seq);
CREATE TABLE bare_subjects (LIKE audit_subjects);
ALTER TABLE bare_subjects ADD PRIMARY KEY (subject_key, seq);
"""
_INSERT_BARE = (
    _INSERT_LINKED.replace("INSERT INTO audit_events ", "INSERT INTO bare_events ")
    .replace("INSERT INTO audit_subjects ", "INSERT INTO bare_subjects ")
    .replace("FROM audit_events ORDER BY", "FROM bare_events ORDER BY")
)


def _cpu_us(work: Callable[[], Any], times: int) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(times):
            work()
        best = min(best, (time.process_time() - started) / times)
    return best * 1e6


async def _statement_ms(conn: Any, sql: str, batches: list[list[PreparedEvent]], head_sql: str) -> float:
    """Answers the median wall time of inserting each batch, chained on the table's own head."""
    return (await _statement(conn, sql, batches, head_sql))[0]


async def _statement(conn: Any, sql: str, batches: list[list[PreparedEvent]], head_sql: str) -> tuple[float, float]:
    """Answers the median wall ms of inserting each batch and the backend's mean CPU ms per batch (with its head)."""
    backend = conn.get_server_pid()
    cpu = backend_cpu_s(backend)
    spent = []
    for events in batches:
        row = await conn.fetchrow(head_sql)
        head = ChainHead(row["seq"], row["hash"])
        rows, subjects = link(head, events)
        arguments = _arguments(head, Batch(tuple(rows), tuple(subjects)))
        started = time.perf_counter()
        answer = await conn.fetchrow(sql, *arguments)
        spent.append(time.perf_counter() - started)
        assert answer["inserted"] == len(events)
    return statistics.median(spent) * 1000, (backend_cpu_s(backend) - cpu) / len(batches) * 1000


async def _writer_cpu(url: str, key: Path, concurrency: int, seconds: float) -> dict[str, float]:
    """Answers events/s through the real writer, and CPU per event here and in the chain's backend."""
    repo = CountingRepository.open(url)
    writer = AuditWriter(
        repo, secret=SECRET, checkpointer=Checkpointer(CheckpointSigner.load_or_create(key), CheckpointPolicy())
    )
    await writer.start()
    await one_run(repo, writer, 8, 1.0)  # warm, and the chain's own connection is open
    backend = repo._pg_chain._conn.get_server_pid()  # type: ignore[union-attr]
    here, there = time.process_time(), backend_cpu_s(backend)
    run = await one_run(repo, writer, concurrency, seconds)
    here, there = time.process_time() - here, backend_cpu_s(backend) - there
    await writer.stop()
    report = await verify_chain(repo)
    await repo.close()
    events = run["events_per_s"] * seconds
    return {
        f"writer at c={concurrency}, events/s": run["events_per_s"],
        "writer mean batch": run["mean_batch"],
        "writer, this process's CPU, us/event": here / events * 1e6,
        "writer, the chain backend's CPU, us/event": there / events * 1e6,
        "chain verified (1 = yes)": float(report.verified),
    }


async def parts(pg_url: str, batch: int, repeat: int, concurrency: int, seconds: float) -> dict[str, float]:
    """Answers the figures, measured on a scratch database."""
    dsn = pg_url.replace("postgresql+asyncpg://", "postgresql://")
    name = f"audithelper_parts_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{dsn}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    figures: dict[str, float] = {}
    try:
        await asyncio.to_thread(upgrade, f"{pg_url}/{name}")
        conn = await asyncpg.connect(f"{dsn}/{name}")
        events = [sample_event(n) for n in range(batch)]
        prepared = [prepare(event, SECRET) for event in events]
        head = ChainHead(0, "0" * 64)
        figures["build event (bench client), us/event"] = _cpu_us(lambda: sample_event(7), 2000)
        figures["prepare (body, columns, keyed subjects), us/event"] = _cpu_us(lambda: prepare(events[0], SECRET), 2000)
        figures["link (chain hash, rows), us/event"] = _cpu_us(lambda: link(head, prepared), 200) / batch
        rows, subjects = link(head, prepared)
        figures["statement arguments, us/event"] = (
            _cpu_us(lambda: _arguments(head, Batch(tuple(rows), tuple(subjects))), 200) / batch
        )

        def fresh() -> list[list[PreparedEvent]]:
            return [[prepare(sample_event(n), SECRET) for n in range(batch)] for _ in range(repeat)]

        await _statement_ms(conn, _INSERT_LINKED, fresh()[:3], _STORED_HEAD)  # warm: prepared, first pages read
        durable = await _statement_ms(conn, _INSERT_LINKED, fresh(), _STORED_HEAD)
        figures["statement, durable commit, ms/batch"] = durable
        await conn.execute("SET synchronous_commit = off")
        wall, cpu = await _statement(conn, _INSERT_LINKED, fresh(), _STORED_HEAD)
        figures["statement, WAL flush left out, ms/batch"] = wall
        figures["statement, WAL flush left out, backend CPU ms/batch"] = cpu
        await conn.execute(_BARE)
        bare_head = _STORED_HEAD.replace("FROM audit_events", "FROM bare_events")
        await _statement_ms(conn, _INSERT_BARE, fresh()[:3], bare_head)
        wall, cpu = await _statement(conn, _INSERT_BARE, fresh(), bare_head)
        figures["statement, primary keys only, no flush, ms/batch"] = wall
        figures["statement, primary keys only, no flush, backend CPU ms/batch"] = cpu
        await conn.execute("SET synchronous_commit = on")
        await conn.execute("CREATE TABLE one_row (x int)")
        spent = []
        for _ in range(repeat):
            started = time.perf_counter()
            await conn.execute("INSERT INTO one_row VALUES (1)")
            spent.append(time.perf_counter() - started)
        figures["one-row durable commit, ms"] = statistics.median(spent) * 1000
        await conn.close()
        with tempfile.TemporaryDirectory() as keys:
            figures |= await _writer_cpu(f"{pg_url}/{name}", Path(keys) / "checkpoint.pem", concurrency, seconds)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    return figures


def main() -> None:
    """Parses the options and prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    uvloop.install()
    figures = asyncio.run(parts(args.pg_url.rstrip("/"), args.batch, args.repeat, args.concurrency, args.seconds))
    for label, value in figures.items():
        print(f"{value:9.2f}  {label}")


if __name__ == "__main__":
    main()
