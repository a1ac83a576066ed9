"""Benchmark: what masking free text by detection adds to a `subject` query (p50 at concurrency 1).

Measures the hub with the same query with and without penalty decision texts (which the approval
bureau's policy masks by detection) over real HTTP on the seeded PostgreSQL sources of
bench/bench_subject.py (run that first, or pass --subjects to seed). Requests go one at a time in
pairs, both queries for the same subject back to back (which one first alternates), so a busy,
shared machine slows both alike; the added latency is the median of the pairs' differences.

- random subjects, as an approval system sees them: three in four have no penalty at all, so the
  difference at p50 is mostly the masked-field plan (the representative's name is fetched for the
  redactor), not the analysis;
- subjects with at least one penalty, where both queries also ask for a masked field (`phone`), so
  both fetch the same rows and the difference is the decision texts alone (fetched, analysed, sent);
- each of these again on 20 subjects, whose texts are answered from the redactor's cache.

Each subject is asked once in the cold runs, so its texts are analysed for the first time.

    python bench/bench_redaction_latency.py [--subjects 100000] [--pairs 600] [--reuse]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path
from statistics import median

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_subject import SEED, _prepare
from bench.common import SOURCES, start_server, token_for
from hub.demo.facts import Penalty
from hub.demo.generator import subject_facts

PLAIN = (
    "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name "
    "penalties { decisionNumber amount decidedOn } } }"
)
WITH_TEXT = (
    "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name "
    "penalties { decisionNumber amount decidedOn decisionText } } }"
)
PLAIN_MASKED = (
    "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name phone "
    "penalties { decisionNumber amount decidedOn } } }"
)
WITH_TEXT_MASKED = (
    "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name phone "
    "penalties { decisionNumber amount decidedOn decisionText } } }"
)


def subject_codes(subjects: int, wanted: int, *, penalised: bool, seed: int = 11) -> list[str]:
    """Answers the codes of distinct random seeded subjects (only those with a penalty when `penalised`)."""
    rng = random.Random(seed + 1 if penalised else seed)
    codes: dict[str, None] = {}
    while len(codes) < wanted:
        facts = subject_facts(SEED, rng.randrange(subjects))
        if not penalised or any(isinstance(item, Penalty) for _, item in facts.items):
            codes[facts.subject.code] = None
    return list(codes)


def percentile(samples: list[float], share: float) -> float:
    """Answers the sample at the given share of the sorted samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(client: httpx.Client, query: str, code: str) -> float:
    """Answers the milliseconds one query takes, checking that it succeeded."""
    started = time.perf_counter()
    response = client.post("/graphql", json={"query": query, "variables": {"c": code}})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or (response.json().get("data") or {}).get("subject") is None:
        raise SystemExit(f"query failed with HTTP {response.status_code}")
    return elapsed


def compare(client: httpx.Client, label: str, codes: list[str], queries: tuple[str, str]) -> None:
    """Prints p50 and p99 of each query over the codes in pairs, and the median of the pairs' differences."""
    plain: list[float] = []
    texts: list[float] = []
    for n, code in enumerate(codes):
        if n % 2:
            texts.append(timed(client, queries[1], code))
            plain.append(timed(client, queries[0], code))
        else:
            plain.append(timed(client, queries[0], code))
            texts.append(timed(client, queries[1], code))
    added = median(t - p for p, t in zip(plain, texts, strict=True))
    print(
        f"{label}: p50 {median(plain):.2f} ms -> {median(texts):.2f} ms with decision texts "
        f"(+{added:.2f} ms per query, median of {len(codes)} pairs); "
        f"p99 {percentile(plain, 0.99):.1f} -> {percentile(texts, 0.99):.1f} ms",
        flush=True,
    )


def main() -> None:
    """Runs the comparisons and prints p50 and p99 of both queries and the difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=600, help="pairs of requests per comparison")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    clients = asyncio.run(_prepare(args.pg, args.subjects, not args.reuse))
    env = {f"HUB_SOURCES__{s.upper()}__URL": f"{args.pg}/bench_{s}" for s in SOURCES}
    env |= {
        "HUB_DATABASE_URL": f"{args.pg}/bench_hub",
        "HUB_TOKEN_TTL_SECONDS": "3600",
        "HUB_AUDIT_SECRET": "bench-audit-secret-0123456789",
    }
    anyone = subject_codes(args.subjects, args.pairs, penalised=False)
    penalised = subject_codes(args.subjects, args.pairs, penalised=True)
    hub = start_server("hub", "hub.app:app_from_environment", env, 1)
    try:
        token = token_for(hub.url, clients["approval-bureau"])
        headers = {"authorization": f"Bearer {token}", "x-hub-operator": "bench"}
        with httpx.Client(base_url=hub.url, headers=headers, timeout=30) as client:
            for code in subject_codes(args.subjects, 50, penalised=False, seed=99):
                timed(client, PLAIN, code)
            plain, masked = (PLAIN, WITH_TEXT), (PLAIN_MASKED, WITH_TEXT_MASKED)
            few = args.pairs // 20
            compare(client, "random subjects (texts analysed cold)", anyone, plain)
            compare(client, "20 random subjects (texts cached)", anyone[:20] * few, plain)
            compare(client, "subjects with penalties, both masking (cold)", penalised, masked)
            compare(client, "20 subjects with penalties, both masking (cached)", penalised[:20] * few, masked)
        print(f"hub peak RSS: {hub.peak_rss_mb():.0f} MB")
    finally:
        hub.stop()


if __name__ == "__main__":
    main()
