"""Benchmark: the `subject` query on PostgreSQL over real HTTP, hub against a bare-Strawberry baseline.

Seeds N subjects (default 100,000) into four PostgreSQL source databases, starts the hub and the
baseline (bench/baseline_app.py: same source statements, no hub logic) under uvicorn with uvloop
and httptools, and measures them in turn with wrk at each concurrency and worker count. Also times
`subjects` with 1,000 codes. Prints requests/s, p50 and p99, the hub/baseline ratio, and peak RSS.

    python bench/bench_subject.py [--subjects 100000] [--seconds 10] [--reuse]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SOURCES, prepare_databases, run_wrk, start_server, timed_posts, token_for
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


@dataclass
class Measured:
    """One server's wrk figures and its peak memory."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    peak_rss_mb: float


def _measure(
    name: str,
    factory: str,
    env: dict[str, str],
    workers: int,
    codes: list[str],
    client: dict[str, str] | None,
    connections: int,
    seconds: int,
) -> Measured:
    """Starts one server, warms it up, measures it with wrk, stops it."""
    server = start_server(name, factory, env, workers)
    try:
        token = token_for(server.url, client) if client else None
        run_wrk(server.url, codes, QUERY, token, connections, 2)
        result = run_wrk(server.url, codes, QUERY, token, connections, seconds)
        return Measured(result.rps, result.p50_ms, result.p99_ms, result.errors, server.peak_rss_mb())
    finally:
        server.stop()


def main() -> None:
    """Runs the benchmark and prints its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", default="1,16,64")
    parser.add_argument("--workers", default="1,2")
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
    print(
        f"{'workers':>7} {'conc':>5} | {'baseline rps':>12} {'p50':>7} {'p99':>7} | {'hub rps':>8} {'p50':>7} "
        f"{'p99':>7} {'errors':>6} | ratio"
    )
    peak = 0.0
    for workers in [int(w) for w in args.workers.split(",")]:
        for connections in [int(c) for c in args.concurrency.split(",")]:
            base = _measure(
                "baseline",
                "bench.baseline_app:app_from_environment",
                env,
                workers,
                codes,
                None,
                connections,
                args.seconds,
            )
            mine = _measure(
                "hub",
                "hub.app:app_from_environment",
                env,
                workers,
                codes,
                clients["approval-bureau"],
                connections,
                args.seconds,
            )
            peak = max(peak, mine.peak_rss_mb)
            print(
                f"{workers:>7} {connections:>5} | {base.rps:>12,.0f} {base.p50_ms:>6.1f}ms {base.p99_ms:>5.1f}ms | "
                f"{mine.rps:>8,.0f} {mine.p50_ms:>6.1f}ms {mine.p99_ms:>5.1f}ms {mine.errors:>6} | "
                f"{mine.rps / base.rps:.2f}",
                flush=True,
            )
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
