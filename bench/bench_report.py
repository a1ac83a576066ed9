"""Benchmark: a credit report (GET /reports/{code}.pdf) on PostgreSQL over real HTTP (target: p50 under 1 s).

Seeds N subjects (default 10,000) into four PostgreSQL source databases (bench_rp_*), migrates a hub
database, starts the hub under uvicorn (uvloop, httptools) and, with an approval bureau's token, times
one request at a time, alternating:
- the report: the caller's read, the evaluation on the full record, layout (reportlab), signature, register;
- `subject` with the same record types (the read path alone, the reference);
- `evaluation` (the grade on the full record alone).
p50 and p99 of each and the hub's peak RSS are printed and written to bench/results/.

    python bench/bench_report.py [--subjects 10000] [--requests 60] [--reuse]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, SOURCES, prepare_databases, start_server, token_for
from hub.demo.generator import subject_facts

SEED = 42
PREFIX = "bench_rp"
SUBJECT = """query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name status registeredOn
  legalRepresentative { name idNumber } phone address
  listings { list reason department basisDocument listedOn expiresOn status }
  penalties { decisionNumber category authority decidedOn amount decisionText }
  licences { decisionNumber title authority decidedOn validUntil content }
  courtDishonesty { caseNumber court filedOn publishedOn performance obligation }
  taxCredit { year grade assessedOn }
  commitments { matter content committedOn department deadline verificationResult verifiedOn } } }"""
EVALUATION = """query($c: ID!) { evaluation(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { grade score
  indicators { code contribution } } }"""


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def main() -> None:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--reuse", action="store_true", help="keep already seeded databases")
    args = parser.parse_args()
    clients = asyncio.run(prepare_databases(args.pg, f"{PREFIX}_", args.subjects, SEED, fresh=not args.reuse))
    env = {f"HUB_SOURCES__{s.upper()}__URL": f"{args.pg}/{PREFIX}_{s}" for s in SOURCES}
    env |= {
        "HUB_DATABASE_URL": f"{args.pg}/{PREFIX}_hub",
        "HUB_TOKEN_TTL_SECONDS": "3600",
        "HUB_AUDIT_SECRET": "bench-audit-secret-0123456789",
    }
    rng = random.Random(7)
    # organisations only: the approval bureau reads persons too, but a report is usually asked about an enterprise
    codes = [c for c in (subject_facts(SEED, rng.randrange(args.subjects)).subject.code for _ in range(400))
             if not c[0].isdigit() or c[:2] in ("91", "92", "52")][: args.requests]  # fmt: skip
    hub = start_server("hub", "hub.app:app_from_environment", env, 1)
    times: dict[str, list[float]] = {"report": [], "subject (reference)": [], "evaluation": []}
    sizes: list[int] = []
    try:
        token = token_for(hub.url, clients["approval-bureau"])
        headers = {"Authorization": f"Bearer {token}", "X-Hub-Operator": "bench"}
        with httpx.Client(base_url=hub.url, headers=headers, timeout=60) as client:
            client.get(f"/reports/{codes[0]}.pdf", params={"purpose": "ADMINISTRATIVE_APPROVAL"})  # warm up
            for code in codes:
                started = time.perf_counter()
                response = client.get(f"/reports/{code}.pdf", params={"purpose": "ADMINISTRATIVE_APPROVAL"})
                times["report"].append(time.perf_counter() - started)
                if response.status_code == 200:
                    sizes.append(len(response.content))
                for name, query in (("subject (reference)", SUBJECT), ("evaluation", EVALUATION)):
                    started = time.perf_counter()
                    client.post("/graphql", json={"query": query, "variables": {"c": code}})
                    times[name].append(time.perf_counter() - started)
        results: dict[str, Any] = {"subjects_seeded": args.subjects, "requests": len(codes),
                                   "reports_rendered": len(sizes)}  # fmt: skip
        for name, seconds in times.items():
            p50, p99 = _percentile(seconds, 0.5), _percentile(seconds, 0.99)
            print(f"{name:<22} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms")
            results[name] = {"p50_ms": round(p50, 1), "p99_ms": round(p99, 1)}
        if sizes:
            print(f"reports: {len(sizes)} rendered, median size {sorted(sizes)[len(sizes) // 2] / 1024:.0f} KB")
        results["hub_peak_rss_mb"] = round(hub.peak_rss_mb())
        print(f"hub peak RSS: {results['hub_peak_rss_mb']} MB")
    finally:
        hub.stop()
    out = ROOT / "bench" / "results" / f"report-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
