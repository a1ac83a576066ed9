"""Audit events/s on PostgreSQL: group commit against one commit per event, at concurrency 16, 64, 256.

    /work/venv/bin/python bench/bench_audit.py [--pg-url postgresql+asyncpg://postgres@127.0.0.1:5432]
        [--seconds 5] [--rounds 2] [--concurrency 16,64,256] [--max-batch 256]

Runs alternate (baseline, group, baseline, group, ...) on one scratch database (audithelper_bench_*,
dropped afterwards); prints events/s, the receipt's (append's) latency p50/p99, the mean batch, and the
CPU per event of this process and of the chain's PostgreSQL backend (CPU clocks hold still on a shared
host where events/s do not), then peak RSS and the load average, and writes the figures to
bench/results/audit-<time>.json. `--max-batch` caps a group commit (the writer's `max_batch`; 256 in
the hub): below the concurrency, clients answered by one commit build their next events while the
next commit runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg

from hub.audit.cadence import Checkpointer, CheckpointPolicy
from hub.audit.checkpoints import CheckpointSigner
from hub.audit.events import AuditEvent, EventType, Outcome, SubjectDisclosure
from hub.audit.verify import verify_chain
from hub.audit.writer import AuditWriter
from hub.store.audit_repo import AuditRepository
from hub.store.audit_rows import Batch, ChainHead
from hub.store.migrate import upgrade

SECRET = "bench-audit-secret-0123456789"


class CountingRepository(AuditRepository):
    """The real repository, counting transactions to report the mean batch."""

    transactions = 0

    async def extend(self, build: Callable[[ChainHead], Batch]) -> Batch:
        self.transactions += 1
        return await super().extend(build)


def sample_event(n: int) -> AuditEvent:
    """A typical query event: one subject, a handful of fields in each disclosure form."""
    return AuditEvent(
        type=EventType.QUERY,
        outcome=Outcome.OK,
        request_id=uuid.uuid4().hex,
        client_id="client-bank",
        org="91110000100000000A",
        org_name="示例银行",
        department="bank",
        operator=f"loan-officer-{n % 50}",
        purpose="CREDIT_LENDING",
        subjects=(SubjectDisclosure(f"9111000060{n % 100000:06d}41L", ("name", "penalties", "listings"), ("phone",)),),
        query_hash="0" * 64,
        operation_name="Subject",
        latency_ms=4.2,
    )


def backend_cpu_s(pid: int) -> float:
    """Answers the CPU seconds (user and system) the process `pid` (a PostgreSQL backend here) has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def one_run(repo: CountingRepository, writer: AuditWriter, concurrency: int, seconds: float) -> dict[str, Any]:
    """Appends from `concurrency` clients for `seconds`; answers rate, latency, mean batch and CPU per event."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    before = repo.transactions
    chain = repo._pg_chain._conn if repo._pg_chain is not None else None  # the chain's own connection, once open
    backend = chain.get_server_pid() if chain is not None and not chain.is_closed() else None
    cpu_here, cpu_there = time.process_time(), backend_cpu_s(backend) if backend else 0.0

    async def client(k: int) -> None:
        n = k
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await writer.append(sample_event(n))
            latencies.append(time.perf_counter() - started)
            n += concurrency

    started = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(concurrency)))
    elapsed = time.perf_counter() - started
    cpu_here = time.process_time() - cpu_here
    cpu_there = backend_cpu_s(backend) - cpu_there if backend else float("nan")
    latencies.sort()
    return {
        "events_per_s": round(len(latencies) / elapsed),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        "mean_batch": round(len(latencies) / max(1, repo.transactions - before), 1),
        "cpu_us_per_event": round(cpu_here / len(latencies) * 1e6, 1),
        "pg_cpu_us_per_event": round(cpu_there / len(latencies) * 1e6, 1),
    }


async def bench(
    pg_url: str, seconds: float, rounds: int, levels: list[int], key: Path, max_batch: int
) -> dict[str, Any]:
    """Runs every level and mode on a scratch database; answers the medians per (mode, level)."""
    name = f"audithelper_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://") + "/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    results: dict[str, dict[int, list[dict[str, Any]]]] = {"one_commit_per_event": {}, "group_commit": {}}
    try:
        url = f"{pg_url}/{name}"
        await asyncio.to_thread(upgrade, url)
        repo = CountingRepository.open(url)
        checkpointer = Checkpointer(CheckpointSigner.load_or_create(key), CheckpointPolicy())
        writers = {
            "one_commit_per_event": AuditWriter(repo, secret=SECRET, checkpointer=checkpointer, max_batch=1),
            "group_commit": AuditWriter(repo, secret=SECRET, checkpointer=checkpointer, max_batch=max_batch),
        }
        for writer in writers.values():
            await writer.start()
        await one_run(repo, writers["group_commit"], 8, 1.0)  # warm-up: connections, caches
        for _ in range(rounds):
            for level in levels:
                for mode, writer in writers.items():
                    figures = await one_run(repo, writer, level, seconds)
                    results[mode].setdefault(level, []).append(figures)
                    print(f"  {mode:22} c={level:<3} {figures}", flush=True)
        for writer in writers.values():
            await writer.stop()
        report = await verify_chain(repo)
        await repo.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    medians = {
        mode: {
            level: {key: round(statistics.median(run[key] for run in runs), 2) for key in runs[0]}
            for level, runs in by_level.items()
        }
        for mode, by_level in results.items()
    }
    return {"medians": medians, "chain_verified": report.verified, "events": report.events_checked}


def main() -> None:
    """Parses the options, runs the benchmark, prints and saves the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pg-url", default=os.environ.get("HUB_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", default="16,64,256")
    parser.add_argument("--max-batch", type=int, default=256, help="the group commit's largest batch")
    parser.add_argument("--no-uvloop", action="store_true")
    args = parser.parse_args()
    if not args.no_uvloop:
        import uvloop

        uvloop.install()
    levels = [int(level) for level in args.concurrency.split(",")]
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    figures = asyncio.run(
        bench(args.pg_url.rstrip("/"), args.seconds, args.rounds, levels, out / "bench-checkpoint.pem", args.max_batch)
    )
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    header = (
        "concurrency",
        "one commit/event",
        "group commit",
        "ratio",
        "group p50/p99 ms",
        "batch",
        "CPU µs/event here, PG",
    )
    print("\n{:>11} {:>18} {:>14} {:>6} {:>17} {:>6} {:>22}".format(*header))
    for level in levels:
        base, group = figures["medians"]["one_commit_per_event"][level], figures["medians"]["group_commit"][level]
        ratio = group["events_per_s"] / base["events_per_s"]
        latency = f"{group['p50_ms']} / {group['p99_ms']}"
        cpu = f"{group['cpu_us_per_event']}, {group['pg_cpu_us_per_event']}"
        print(
            f"{level:>11} {base['events_per_s']:>16,.0f}/s {group['events_per_s']:>12,.0f}/s "
            f"{ratio:>5.1f}x {latency:>17} {group['mean_batch']:>6} {cpu:>22}"
        )
    verified = f"chain verified: {figures['chain_verified']} ({figures['events']} events)"
    load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    figures["load_average"] = os.getloadavg()
    print(f"peak RSS {figures['peak_rss_mb']} MB; {verified}; max batch {args.max_batch}; {load}")
    (out / f"audit-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
