"""Benchmark: the `subject` query with the query register on, against the bare-Strawberry baseline.

Every hub response waits for its audit event to be durable in PostgreSQL (group commit, the hub's own
database as in a default deployment); the baseline (bench/baseline_app.py) runs the same source
statements with no hub logic and no audit. Both are measured with wrk over real HTTP, in alternating
rounds. Prints requests/s, p50 and p99, the hub/baseline ratio (aim: at least 0.7), the audit events/s
the register took during the hub runs, and whether the chain verifies afterwards; writes the figures
to bench/results/audit-subject-<time>.json. Its databases are bench_auditsubj_*.

    python bench/bench_audit_subject.py [--subjects 100000] [--seconds 10] [--reuse]
        [--concurrency 1,16,64] [--workers 1] [--rounds 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg

from bench.bench_subject import QUERY, SEED
from bench.common import (
    RATIO_HEAD,
    ROOT,
    SOURCES,
    TABLE_HEAD,
    Lineup,
    Turn,
    WrkResult,
    hub_and_baseline,
    pg_dsn,
    prepare_databases,
    print_median,
    turn_row,
)
from hub.audit.verify import verify_chain
from hub.demo.generator import subject_facts
from hub.store.audit_repo import AuditRepository

SECRET = "bench-audit-secret-0123456789"
PREFIX = "bench_auditsubj_"  # databases of its own: other benchmarks may run on bench_* meanwhile
HUB_DB = f"{PREFIX}hub"


async def _prepare(pg: str, subjects: int, fresh: bool) -> dict[str, dict[str, str]]:
    return await prepare_databases(pg, PREFIX, subjects, SEED, fresh=fresh)


async def _event_count(pg: str) -> int:
    connection = await asyncpg.connect(pg_dsn(pg, HUB_DB))
    try:
        return int(await connection.fetchval("SELECT count(*) FROM audit_events"))
    finally:
        await connection.close()


async def _verify(pg: str) -> dict[str, Any]:
    repo = AuditRepository.open(f"{pg}/{HUB_DB}")
    started = time.perf_counter()
    try:
        report = await verify_chain(repo, secret=SECRET)
    finally:
        await repo.close()
    seconds = time.perf_counter() - started
    return {
        "verified": report.verified,
        "events": report.events_checked,
        "events_per_s": round(report.events_checked / seconds),
    }


def _turn(lineup: Lineup, codes: list[str], conc: int, seconds: int, pg: str) -> tuple[Turn, float]:
    """Answers one turn and the audit events/s the register took while the hub ran."""
    counted: dict[str, float] = {}

    def counting(measure: Callable[[], WrkResult]) -> WrkResult:
        before = asyncio.run(_event_count(pg))
        started = time.perf_counter()
        result = measure()
        counted["events_per_s"] = (asyncio.run(_event_count(pg)) - before) / (time.perf_counter() - started)
        return result

    turn = lineup.turn(codes, QUERY, conc, seconds, counting)
    return turn, counted["events_per_s"]


def main() -> None:
    """Runs the benchmark, prints its table and writes the JSON figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", default="1,16,64")
    parser.add_argument("--workers", default="1")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep already seeded databases")
    args = parser.parse_args()
    clients = asyncio.run(_prepare(args.pg, args.subjects, not args.reuse))
    key_dir = Path(tempfile.mkdtemp(prefix="bench-audit-key-"))
    env = {f"HUB_SOURCES__{s.upper()}__URL": f"{args.pg}/{PREFIX}{s}" for s in SOURCES}
    env |= {
        "HUB_DATABASE_URL": f"{args.pg}/{HUB_DB}",
        "HUB_TOKEN_TTL_SECONDS": "3600",
        "HUB_AUDIT_SECRET": SECRET,
        "HUB_AUDIT_KEY_PATH": str(key_dir / "audit-key.pem"),
    }
    rng = random.Random(7)
    codes = [subject_facts(SEED, rng.randrange(args.subjects)).subject.code for _ in range(2000)]
    print(f"{TABLE_HEAD} {'events/s':>8} | {RATIO_HEAD}")
    figures: dict[str, Any] = {"subjects": args.subjects, "seconds": args.seconds, "runs": []}
    for workers in [int(w) for w in args.workers.split(",")]:
        with hub_and_baseline(env, workers, clients["approval-bureau"], codes, QUERY, receipted=workers == 1) as lineup:
            for conc in [int(c) for c in args.concurrency.split(",")]:
                turns = []
                for _ in range(args.rounds):
                    try:
                        turn, events_s = _turn(lineup, codes, conc, args.seconds, args.pg)
                    except (AttributeError, subprocess.CalledProcessError):  # wrk printed no latencies
                        print(f"{workers:>7} {conc:>5} | wrk measured nothing (machine overloaded?)")
                        continue
                    turns.append(turn)
                    print(turn_row(workers, conc, turn, f" {events_s:>8,.0f} |"))
                    figures["runs"].append({
                        "workers": workers, "concurrency": conc, "baseline_rps": round(turn.baseline.rps),
                        "hub_rps": round(turn.hub.rps), "hub_p50_ms": turn.hub.p50_ms, "hub_p99_ms": turn.hub.p99_ms,
                        "hub_errors": turn.hub.errors, "audit_events_per_s": round(events_s),
                        "ratio": round(turn.ratio, 3),
                        "receipted_rps": round(turn.receipted.rps) if turn.receipted else None,
                        "receipted_ratio": round(turn.receipted_ratio, 3) if turn.receipted_ratio else None,
                    })  # fmt: skip
                print_median(turns)
            figures.setdefault("hub_peak_rss_mb", {})[workers] = round(lineup.hub.peak_rss_mb())
    figures["chain"] = asyncio.run(_verify(args.pg))
    print(f"chain after the runs: {json.dumps(figures['chain'])}")
    out = ROOT / "bench" / "results" / f"audit-subject-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"figures written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
