"""Benchmark: what masking free text by detection adds to a `subject` query (p50 at concurrency 1).

Measures the hub with the same query with and without penalty decision texts (which the approval
bureau's policy masks by detection), turn about, over real HTTP on the seeded PostgreSQL sources of
bench/bench_subject.py (run that first, or pass --subjects to seed).

    python bench/bench_redaction_latency.py [--subjects 100000] [--seconds 8] [--reuse]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_subject import SEED, _prepare
from bench.common import SOURCES, run_wrk, start_server, token_for
from hub.demo.generator import subject_facts

PLAIN = (
    "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name "
    "penalties { decisionNumber amount decidedOn } } }"
)
WITH_TEXT = (
    "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name "
    "penalties { decisionNumber amount decidedOn decisionText } } }"
)


def main() -> None:
    """Runs the comparison and prints p50 and p99 of both queries and the difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    clients = asyncio.run(_prepare(args.pg, args.subjects, not args.reuse))
    env = {f"HUB_SOURCES__{s.upper()}__URL": f"{args.pg}/bench_{s}" for s in SOURCES}
    env |= {
        "HUB_DATABASE_URL": f"{args.pg}/bench_hub",
        "HUB_TOKEN_TTL_SECONDS": "3600",
        "HUB_AUDIT_SECRET": "bench-audit-secret-0123456789",
    }
    rng = random.Random(11)
    cold = [subject_facts(SEED, rng.randrange(args.subjects)).subject.code for _ in range(5000)]
    hub = start_server("hub", "hub.app:app_from_environment", env, 1)
    try:
        token = token_for(hub.url, clients["approval-bureau"])
        run_wrk(hub.url, cold[:50], PLAIN, token, 1, 2)
        for label, codes in (
            ("distinct subjects (texts analysed cold)", cold),
            ("20 subjects (texts cached)", cold[:20]),
        ):
            plain = run_wrk(hub.url, codes, PLAIN, token, 1, args.seconds)
            texts = run_wrk(hub.url, codes, WITH_TEXT, token, 1, args.seconds)
            print(
                f"{label}: p50 {plain.p50_ms:.2f} ms -> {texts.p50_ms:.2f} ms with decision texts "
                f"(+{texts.p50_ms - plain.p50_ms:.2f} ms); p99 {plain.p99_ms:.1f} -> {texts.p99_ms:.1f} ms"
            )
        print(f"hub peak RSS: {hub.peak_rss_mb():.0f} MB")
    finally:
        hub.stop()


if __name__ == "__main__":
    main()
