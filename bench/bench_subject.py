"""Benchmark: the `subject` query on PostgreSQL over real HTTP, hub against a bare-Strawberry baseline.

Seeds N subjects (default 100,000) into four PostgreSQL source databases, starts the hub and the
baseline (bench/baseline_app.py: same source statements, no hub logic) under uvicorn with uvloop
and httptools, and measures them with wrk in alternating turns (baseline, hub, baseline, hub, ...)
at each concurrency and worker count. Also times `subjects` with 1,000 codes. Prints requests/s,
p50 and p99 and the hub/baseline ratio of every turn, the median ratio per cell, and peak RSS.

    python bench/bench_subject.py [--subjects 100000] [--seconds 10] [--rounds 3] [--reuse]
        [--concurrency 1,16,64] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    RATIO_HEAD,
    SOURCES,
    TABLE_HEAD,
    hub_and_baseline,
    prepare_databases,
    print_median,
    start_server,
    timed_posts,
    token_for,
    turn_row,
)
from hub.demo.generator import subject_facts

QUERY = (
    "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name "
    "penalties { decisionNumber amount decidedOn } listings { list listedOn status } taxCredit { year grade } } }"
)
BULK = (
    "query($cs: [ID!]!) { subjects(codes: $cs, purpose: ADMINISTRATIVE_APPROVAL) { code name "
    "penalties { decisionNumber amount decidedOn } listings { list listedOn status } taxCredit { year grade } } }"
)
SEED = 42


async def _prepare(pg: str, subjects: int, fresh: bool) -> dict[str, dict[str, str]]:
    return await prepare_databases(pg, "bench_", subjects, SEED, fresh=fresh)


def main() -> None:
    """Runs the benchmark and prints its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", default="1,16,64")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--rounds", type=int, default=3, help="alternating turns per cell; the median ratio is quoted")
    parser.add_argument("--reuse", action="store_true", help="keep already seeded databases")
    args = parser.parse_args()
    clients = asyncio.run(_prepare(args.pg, args.subjects, not args.reuse))
    env = {f"HUB_SOURCES__{s.upper()}__URL": f"{args.pg}/bench_{s}" for s in SOURCES}
    env |= {
        "HUB_DATABASE_URL": f"{args.pg}/bench_hub",
        "HUB_TOKEN_TTL_SECONDS": "3600",
        "HUB_AUDIT_SECRET": "bench-audit-secret-0123456789",
    }
    rng = random.Random(7)
    codes = [subject_facts(SEED, rng.randrange(args.subjects)).subject.code for _ in range(2000)]
    print(f"{TABLE_HEAD} {RATIO_HEAD}")
    peak = 0.0
    for workers in [int(w) for w in args.workers.split(",")]:
        with hub_and_baseline(env, workers, clients["approval-bureau"], codes, QUERY, receipted=workers == 1) as lineup:
            for connections in [int(c) for c in args.concurrency.split(",")]:
                turns = []
                for _ in range(args.rounds):
                    turns.append(lineup.turn(codes, QUERY, connections, args.seconds))
                    print(turn_row(workers, connections, turns[-1]), flush=True)
                print_median(turns)
            peak = max(peak, lineup.hub.peak_rss_mb())
    hub = start_server("hub", "hub.app:app_from_environment", env, 1)
    try:
        token = token_for(hub.url, clients["approval-bureau"])
        headers = {"Authorization": f"Bearer {token}", "X-Hub-Operator": "bench"}
        bulk_codes = rng.sample(codes, 1000)
        timed_posts(hub.url, {"query": BULK, "variables": {"cs": bulk_codes}}, headers, 1)
        seconds, body = timed_posts(hub.url, {"query": BULK, "variables": {"cs": bulk_codes}}, headers, 5)
        found = sum(1 for s in (body.get("data") or {}).get("subjects") or [] if s)
        if not found:
            print("subjects failed:", json.dumps(body.get("errors", [])[:2], ensure_ascii=False))
        print(f"subjects(1,000 codes): median {seconds * 1000:,.0f} ms over 5 requests ({found} found)")
        peak = max(peak, hub.peak_rss_mb())
    finally:
        hub.stop()
    print(json.dumps({"hub_peak_rss_mb": round(peak)}))


if __name__ == "__main__":
    main()
