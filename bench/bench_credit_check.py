"""Benchmark: `creditChecks` with 1,000 codes in one request, on PostgreSQL over real HTTP (target: under 1 s).

Seeds N subjects (default 100,000) into four PostgreSQL source databases (bench_cc_*), migrates a hub
database, starts the hub under uvicorn (uvloop, httptools) and times, with an approval bureau's token:
- creditChecks(1,000 codes, GOVERNMENT_PROCUREMENT): one read per source for all codes;
- creditChecks(1,000 codes, HONOURS): the same plus one read of the legal representatives;
- subjects(1,000 codes) with the same record types, as the reference for the read path alone;
- creditCheck of one code, sequentially (p50, p99).
Requests alternate between the variants; medians are printed and written to bench/results/.

    python bench/bench_credit_check.py [--subjects 100000] [--repeat 7] [--reuse]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, SOURCES, prepare_databases, start_server, token_for
from hub.demo.generator import samples, subject_facts

SEED = 42
PREFIX = "bench_cc"
CHECKS = """query($cs: [ID!]!, $m: String!) { creditChecks(codes: $cs, matter: $m, purpose: ADMINISTRATIVE_APPROVAL) {
  code listStatus complete measures { code mandatory suspended legalBasis basisItemId endsOn }
  greenChannel { eligible reason } } }"""
SUBJECTS = """query($cs: [ID!]!) { subjects(codes: $cs, purpose: ADMINISTRATIVE_APPROVAL) { code registeredOn
  listings { list status listedOn expiresOn } courtDishonesty { publishedOn performance } penalties { decidedOn }
  taxCredit { grade assessedOn } } }"""
ONE = """query($c: ID!) { creditCheck(code: $c, matter: "GOVERNMENT_PROCUREMENT", purpose: ADMINISTRATIVE_APPROVAL) {
  code listStatus measures { code mandatory suspended legalBasis } } }"""


async def _prepare(pg: str, subjects: int, fresh: bool) -> dict[str, dict[str, str]]:
    return await prepare_databases(pg, f"{PREFIX}_", subjects, SEED, fresh=fresh)


def _post(client: httpx.Client, body: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = client.post("/graphql", json=body)
    return time.perf_counter() - started, response.json()


def _summary(body: dict[str, Any], field: str) -> str:
    found = [item for item in (body.get("data") or {}).get(field) or [] if item]
    errors = body.get("errors") or []
    if field == "creditChecks":
        black = sum(1 for c in found if c["listStatus"] == "BLACK")
        measures = sum(len(c["measures"]) for c in found)
        return f"{len(found)} checks, {black} black-listed, {measures} measures, {len(errors)} errors"
    return f"{len(found)} subjects, {len(errors)} errors"


def main() -> None:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep already seeded databases")
    args = parser.parse_args()
    clients = asyncio.run(_prepare(args.pg, args.subjects, not args.reuse))
    env = {f"HUB_SOURCES__{s.upper()}__URL": f"{args.pg}/{PREFIX}_{s}" for s in SOURCES}
    env |= {
        "HUB_DATABASE_URL": f"{args.pg}/{PREFIX}_hub",
        "HUB_TOKEN_TTL_SECONDS": "3600",
        "HUB_AUDIT_SECRET": "bench-audit-secret-0123456789",
    }
    rng = random.Random(7)
    codes = [subject_facts(SEED, rng.randrange(args.subjects)).subject.code for _ in range(999)]
    codes.append(samples(SEED, args.subjects)["blacklisted"])
    hub = start_server("hub", "hub.app:app_from_environment", env, 1)
    try:
        token = token_for(hub.url, clients["approval-bureau"])
        headers = {"Authorization": f"Bearer {token}", "X-Hub-Operator": "bench"}
        variants = {
            "creditChecks(1,000, GOVERNMENT_PROCUREMENT)": (
                {"query": CHECKS, "variables": {"cs": codes, "m": "GOVERNMENT_PROCUREMENT"}}, "creditChecks"),
            "creditChecks(1,000, HONOURS: + legal representatives)": (
                {"query": CHECKS, "variables": {"cs": codes, "m": "HONOURS"}}, "creditChecks"),
            "subjects(1,000), same record types (reference)": (
                {"query": SUBJECTS, "variables": {"cs": codes}}, "subjects"),
        }  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in variants}
        with httpx.Client(base_url=hub.url, headers=headers, timeout=120) as client:
            for body, _ in variants.values():
                _post(client, body)
            last: dict[str, dict[str, Any]] = {}
            for _ in range(args.repeat):
                for name, (body, _) in variants.items():
                    seconds, last[name] = _post(client, body)
                    times[name].append(seconds)
            single = [_post(client, {"query": ONE, "variables": {"c": code}})[0] for code in codes[:300]]
        results: dict[str, Any] = {"subjects_seeded": args.subjects, "repeat": args.repeat}
        for name, (_, field) in variants.items():
            median = statistics.median(times[name]) * 1000
            print(f"{name:<56} median {median:7,.0f} ms  min {min(times[name]) * 1000:6,.0f} ms  "
                  f"({_summary(last[name], field)})")  # fmt: skip
            results[name] = {"median_ms": round(median, 1), "min_ms": round(min(times[name]) * 1000, 1)}
        single.sort()
        p50, p99 = single[len(single) // 2] * 1000, single[int(len(single) * 0.99)] * 1000
        print(f"{'creditCheck(1 code), sequential':<56} p50 {p50:7.1f} ms  p99 {p99:6.1f} ms")
        results["creditCheck(1 code)"] = {"p50_ms": round(p50, 2), "p99_ms": round(p99, 2)}
        results["hub_peak_rss_mb"] = round(hub.peak_rss_mb())
        print(f"hub peak RSS: {results['hub_peak_rss_mb']} MB")
    finally:
        hub.stop()
    out = ROOT / "bench" / "results" / f"credit-check-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
