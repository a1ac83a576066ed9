"""Benchmark: `creditChecks` with 1,000 codes in one request, on PostgreSQL over real HTTP (target: under 1 s).

Seeds N subjects (default 100,000) into four PostgreSQL source databases (bench_cc_*), migrates a hub
database, starts the hub under uvicorn (uvloop, httptools) and times, with an approval bureau's token:
- creditChecks(1,000 codes, GOVERNMENT_PROCUREMENT): one read per source for all codes;
- creditChecks(1,000 codes, HONOURS): the same plus one read of the legal representatives;
- subjects(1,000 codes) with the same record types, as the reference for the read path alone;
- creditCheck of one code, sequentially (p50, p99);
- with `--rounds N`: creditCheck of one code at concurrency 1 under wrk, sent as text (the generic path) and
  as the approval bureau's approved trusted document (compiled), in alternating turns of `--seconds`, with the
  CPU per request of the hub's process and of PostgreSQL's backends (read from /proc), p50 and p99; with
  `--profile`, a py-spy profile of each by pipeline stage.
Requests alternate between the variants; medians are printed and written to bench/results/.

    python bench/bench_credit_check.py [--subjects 100000] [--repeat 7] [--reuse]
        [--rounds 3 --seconds 10 [--profile]]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, SOURCES, Server, prepare_databases, start_server, token_for, wrk_figures
from bench.trusted import cpu_per_request, idle_cpu, profile, register_approved
from hub.demo.generator import samples, subject_facts
from hub.identity.codes import SubjectKind, parse_subject_code

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


def _compiled_turns(hub: Server, token: str, codes: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Answers (and prints) creditCheck at c=1: generic and trusted in alternating turns, CPU per request of each."""
    document = register_approved(f"{args.pg}/{PREFIX}_hub", args.client_id, ONE)
    # enterprises only: the bureau's look-ups of persons disclose nothing without consent, and past 30 a minute the
    # client is refused RATE_LIMITED (hub.records.probes), which either path answers through the generic executor
    codes = [code for code in codes if parse_subject_code(code).kind is SubjectKind.LEGAL_ENTITY]
    runs = {
        "generic": lambda: wrk_figures(hub.url, codes, ONE, token, 1, args.seconds),
        "trusted": lambda: wrk_figures(hub.url, codes, ONE, token, 1, args.seconds, document),
    }
    for warming in (None, document):  # pools, caches, the compiled document
        wrk_figures(hub.url, codes, ONE, token, 4, 2, warming)
    found: dict[str, list[dict[str, float]]] = {name: [] for name in runs}
    idle = idle_cpu(hub.process.pid, 10)
    print(f"creditCheck(1 code) at c=1, 1 worker, {args.seconds} s turns; the idle hub spends {idle:.1f} ms of CPU "
          f"a second (net: less that); load average {_load()}")  # fmt: skip
    for turn in range(args.rounds):
        for name, run in runs.items():
            cpu = cpu_per_request(hub.process.pid, args.pg, PREFIX, run, args.seconds, idle)
            wrk = cpu.run
            assert wrk is not None
            row = {"rps": wrk.rps, "p50_ms": wrk.p50_ms, "p99_ms": wrk.p99_ms, "hub_cpu_ms": cpu.hub_ms,
                   "hub_net_ms": cpu.hub_net_ms, "pg_cpu_ms": cpu.pg_ms, "errors": wrk.errors}  # fmt: skip
            found[name].append(row)
            print(f"  turn {turn + 1} {name:<8} {wrk.rps:7,.0f} rps  p50 {wrk.p50_ms:6.2f} ms  "
                  f"p99 {wrk.p99_ms:6.2f} ms  hub CPU {cpu.hub_ms:5.2f} ms/request (net {cpu.hub_net_ms:5.2f})  "
                  f"PostgreSQL {cpu.pg_ms:5.2f} ms/request  errors {wrk.errors}  load {_load()}",
                  flush=True)  # fmt: skip
    answered = _compiled_answers(hub.url)
    asked = sum(row["rps"] * args.seconds for row in found["trusted"])
    print(f"  answered by the compiled writer so far: {answered:,.0f}; the trusted turns sent {asked:,.0f}")
    medians = {name: {key: round(statistics.median(r[key] for r in rows), 3) for key in rows[0]}
               for name, rows in found.items()}  # fmt: skip
    g, t = medians["generic"], medians["trusted"]
    print(f"  medians: generic p50 {g['p50_ms']:.2f} ms, hub CPU {g['hub_cpu_ms']:.2f} (net {g['hub_net_ms']:.2f}) "
          f"ms/request; trusted p50 {t['p50_ms']:.2f} ms, hub CPU {t['hub_cpu_ms']:.2f} (net {t['hub_net_ms']:.2f}) "
          f"ms/request; trusted/generic net CPU {t['hub_net_ms'] / max(g['hub_net_ms'], 1e-9):.2f}; "
          f"load average {_load()}")  # fmt: skip
    if args.profile:
        for name, run in runs.items():
            shares = profile(hub.process.pid, args.seconds, run)
            print(f"  py-spy, the {name} hub at c=1 (% of samples):", json.dumps(shares, ensure_ascii=False))
            medians[name]["py_spy"] = shares  # type: ignore[assignment]
    return medians


def _compiled_answers(url: str) -> float:
    """Answers how many requests the hub answered through a compiled document's writer (its /metrics)."""
    text = httpx.get(f"{url}/metrics", timeout=30).text
    found = re.search(r'^credit_hub_stage_duration_seconds_count\{stage="write"\} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep already seeded databases")
    parser.add_argument("--rounds", type=int, default=0, help="c=1 turns of generic and trusted creditCheck")
    parser.add_argument("--seconds", type=int, default=10, help="length of each c=1 turn")
    parser.add_argument("--profile", action="store_true", help="py-spy the hub at c=1, trusted and generic")
    parser.add_argument("--only-compiled", action="store_true", help="measure only the c=1 turns")
    args = parser.parse_args()
    clients = asyncio.run(_prepare(args.pg, args.subjects, not args.reuse))
    args.client_id = clients["approval-bureau"]["client_id"]
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
        results: dict[str, Any] = {"subjects_seeded": args.subjects, "repeat": args.repeat}
        if args.rounds:
            results["creditCheck(1 code), c=1, generic and trusted"] = _compiled_turns(hub, token, codes, args)
        if args.only_compiled:
            variants, args.repeat = {}, 0
        with httpx.Client(base_url=hub.url, headers=headers, timeout=120) as client:
            for body, _ in variants.values():
                _post(client, body)
            last: dict[str, dict[str, Any]] = {}
            for _ in range(args.repeat):
                for name, (body, _) in variants.items():
                    seconds, last[name] = _post(client, body)
                    times[name].append(seconds)
            single = [_post(client, {"query": ONE, "variables": {"c": code}})[0] for code in codes[:300]]
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
