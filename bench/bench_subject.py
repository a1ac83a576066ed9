"""Benchmark: the `subject` query on PostgreSQL over real HTTP: the bare-Strawberry baseline, the hub's generic
path, and the hub running the same operation as an approved trusted document (compiled).

Seeds N subjects (default 100,000) into four PostgreSQL source databases, starts the baseline
(bench/baseline_app.py: same source statements, no hub logic) and the hub under uvicorn with uvloop and
httptools, registers and approves the operation as the approval bureau's trusted document, and measures
with wrk in alternating turns (baseline, [receipted baseline,] generic hub, trusted hub, ...) at each
concurrency and worker count. Prints requests/s, p50 and p99 and the ratios to the baseline of every turn,
the median ratios per cell, CPU per request of the hub's processes and of PostgreSQL's backends, a py-spy
profile by pipeline stage (`--profile`), c=1 latency of the trusted document with the receipt committed
during the fetch and after it, `subjects` with 1,000 codes, and peak RSS.

    python bench/bench_subject.py [--subjects 100000] [--seconds 10] [--rounds 3] [--reuse]
        [--concurrency 1,16,64] [--workers 1,2] [--profile] [--cpu-concurrency 16 --cpu-rounds 1]
        [--skip-ahead] [--skip-bulk] [--enterprises]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    SOURCES,
    Lineup,
    WrkResult,
    hub_and_baseline,
    prepare_databases,
    start_server,
    timed_posts,
    token_for,
    wrk_figures,
)
from bench.trusted import cpu_per_request, idle_cpu, profile, register_approved
from hub.demo.generator import subject_facts
from hub.identity.codes import SubjectKind, parse_subject_code

QUERY = (
    "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name "
    "penalties { decisionNumber amount decidedOn } listings { list listedOn status } taxCredit { year grade } } }"
)
BULK = (
    "query($cs: [ID!]!) { subjects(codes: $cs, purpose: ADMINISTRATIVE_APPROVAL) { code name "
    "penalties { decisionNumber amount decidedOn } listings { list listedOn status } taxCredit { year grade } } }"
)
SEED = 42


async def _prepare(pg: str, prefix: str, subjects: int, fresh: bool) -> dict[str, dict[str, str]]:
    return await prepare_databases(pg, prefix, subjects, SEED, fresh=fresh)


@dataclass
class Turn3:
    """One round at one concurrency: the baseline, the receipted baseline (if any), the generic and trusted hub."""

    baseline: WrkResult
    generic: WrkResult
    trusted: WrkResult
    receipted: WrkResult | None = None


HEAD = (
    f"{'workers':>7} {'conc':>5} | {'baseline':>9} {'p50':>7} {'p99':>7} | {'receipted':>9} | "
    f"{'generic':>8} {'p50':>7} {'p99':>7} | {'trusted':>8} {'p50':>7} {'p99':>7} {'err':>4} | gen/base trust/base"
)


def _row(workers: int, conc: int, turn: Turn3) -> str:
    b, g, t, r = turn.baseline, turn.generic, turn.trusted, turn.receipted
    receipted = f"{r.rps:>9,.0f}" if r else f"{'-':>9}"
    return (
        f"{workers:>7} {conc:>5} | {b.rps:>9,.0f} {b.p50_ms:>5.1f}ms {b.p99_ms:>5.1f}ms | {receipted} | "
        f"{g.rps:>8,.0f} {g.p50_ms:>5.1f}ms {g.p99_ms:>5.1f}ms | {t.rps:>8,.0f} {t.p50_ms:>5.1f}ms {t.p99_ms:>5.1f}ms "
        f"{g.errors + t.errors:>4} | {g.rps / b.rps:>8.2f} {t.rps / b.rps:>10.2f}"
    )


def _turn(lineup: Lineup, codes: list[str], document: str, conc: int, seconds: int) -> Turn3:
    """Answers one round in turn: baseline, receipted baseline, generic hub, trusted hub."""
    base = wrk_figures(lineup.baseline.url, codes, QUERY, None, conc, seconds)
    other = lineup.receipted
    receipted = wrk_figures(other.url, codes, QUERY, None, conc, seconds) if other else None
    generic = wrk_figures(lineup.hub.url, codes, QUERY, lineup.token, conc, seconds)
    trusted = wrk_figures(lineup.hub.url, codes, QUERY, lineup.token, conc, seconds, document)
    return Turn3(base, generic, trusted, receipted)


def _medians(turns: list[Turn3]) -> None:
    if len(turns) > 1:
        generic = statistics.median(t.generic.rps / t.baseline.rps for t in turns)
        trusted = statistics.median(t.trusted.rps / t.baseline.rps for t in turns)
        p50 = statistics.median(t.trusted.p50_ms - t.baseline.p50_ms for t in turns)
        print(
            f"{'':>13} median over {len(turns)} rounds: generic/baseline {generic:.2f}, "
            f"trusted/baseline {trusted:.2f}, "
            f"trusted p50 - baseline p50 {p50:+.2f} ms",
            flush=True,
        )


def _cpu_and_profile(lineup: Lineup, codes: list[str], document: str, args: argparse.Namespace, conc: int) -> None:
    """Prints CPU per request at `conc` for each server in `--cpu-rounds` turns and, with `--profile`, the trusted
    and generic hub by stage."""
    seconds = args.seconds
    runs = {
        "baseline": (lineup.baseline, lambda: wrk_figures(lineup.baseline.url, codes, QUERY, None, conc, seconds)),
        "generic hub": (lineup.hub, lambda: wrk_figures(lineup.hub.url, codes, QUERY, lineup.token, conc, seconds)),
        "trusted hub": (
            lineup.hub,
            lambda: wrk_figures(lineup.hub.url, codes, QUERY, lineup.token, conc, seconds, document),
        ),
    }
    idle = {server.name: idle_cpu(server.process.pid, 10) for server in (lineup.baseline, lineup.hub)}
    print(f"idle CPU, ms a second: {json.dumps({k: round(v, 1) for k, v in idle.items()})} (net: less that)")
    for turn in range(args.cpu_rounds):
        for name, (server, run) in runs.items():
            cpu = cpu_per_request(server.process.pid, args.pg, args.prefix, run, seconds, idle[server.name])
            p50 = f", p50 {cpu.run.p50_ms:.2f} ms" if cpu.run else ""
            print(
                f"cpu per request at c={conc}, turn {turn + 1}, {name}: server processes {cpu.hub_ms:.2f} ms "
                f"(net {cpu.hub_net_ms:.2f}), PostgreSQL {cpu.pg_ms:.2f} ms{p50}; "
                f"load average {', '.join(f'{v:.2f}' for v in os.getloadavg())}",
                flush=True,
            )
    if args.profile:
        for name in ("trusted hub", "generic hub"):
            shares = profile(lineup.hub.process.pid, seconds, runs[name][1])
            print(
                f"py-spy, one worker of the {name} at c={conc} (% of samples):", json.dumps(shares, ensure_ascii=False)
            )


def _receipt_ahead(env: dict[str, str], client: dict[str, str], codes: list[str], document: str, args: object) -> None:
    """Prints c=1 latency of the trusted document with the receipt committed during the fetch and after it."""
    seconds, rounds = getattr(args, "seconds"), getattr(args, "rounds")  # noqa: B009
    ahead = start_server("hub-ahead", "hub.app:app_from_environment", env, 1)
    after = start_server("hub-after", "hub.app:app_from_environment", env | {"HUB_RECEIPT_BEFORE_FETCH": "false"}, 1)
    try:
        tokens = {server.name: token_for(server.url, client) for server in (ahead, after)}
        found: dict[str, list[WrkResult]] = {"hub-ahead": [], "hub-after": []}
        for server in (ahead, after):  # warm up
            wrk_figures(server.url, codes, QUERY, tokens[server.name], 1, 2, document)
        for _ in range(rounds):
            for server in (ahead, after):
                found[server.name].append(
                    wrk_figures(server.url, codes, QUERY, tokens[server.name], 1, seconds, document)
                )
        for name, runs in found.items():
            label = "during the fetch" if name == "hub-ahead" else "after the answer"
            p50 = statistics.median(r.p50_ms for r in runs)
            p99 = statistics.median(r.p99_ms for r in runs)
            rps = statistics.median(r.rps for r in runs)
            print(
                f"c=1, 1 worker, trusted, receipt committed {label}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, {rps:,.0f} rps"
            )
    finally:
        ahead.stop()
        after.stop()


def main() -> None:
    """Runs the benchmark and prints its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", default="1,16,64")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--rounds", type=int, default=3, help="alternating turns per cell; the median ratio is quoted")
    parser.add_argument("--reuse", action="store_true", help="keep already seeded databases")
    parser.add_argument("--prefix", default="bench_", help="database names (another run on the machine: another)")
    parser.add_argument("--profile", action="store_true", help="py-spy one worker (trusted, then generic)")
    parser.add_argument("--pool", type=int, default=5, help="connections per source per worker, every server")
    parser.add_argument("--skip-ahead", action="store_true", help="leave out the c=1 receipt-ahead comparison")
    parser.add_argument("--cpu-concurrency", type=int, default=16, help="concurrency of the CPU-per-request runs")
    parser.add_argument("--cpu-rounds", type=int, default=1, help="turns of the CPU-per-request runs")
    parser.add_argument("--skip-bulk", action="store_true", help="leave out subjects with 1,000 codes")
    parser.add_argument("--enterprises", action="store_true", help="ask for enterprises only (no persons)")
    args = parser.parse_args()
    clients = asyncio.run(_prepare(args.pg, args.prefix, args.subjects, not args.reuse))
    env = {f"HUB_SOURCES__{s.upper()}__URL": f"{args.pg}/{args.prefix}{s}" for s in SOURCES}
    env |= {f"HUB_SOURCES__{s.upper()}__POOL_SIZE": str(args.pool) for s in SOURCES}
    env |= {
        "HUB_DATABASE_URL": f"{args.pg}/{args.prefix}hub",
        "HUB_TOKEN_TTL_SECONDS": "3600",
        "HUB_AUDIT_SECRET": "bench-audit-secret-0123456789",
    }
    client = clients["approval-bureau"]
    document = register_approved(env["HUB_DATABASE_URL"], client["client_id"], QUERY)
    rng = random.Random(7)
    codes = [subject_facts(SEED, rng.randrange(args.subjects)).subject.code for _ in range(2000)]
    if args.enterprises:  # the hub refuses a client's fruitless look-ups of persons past 30 a minute (RATE_LIMITED)
        codes = [code for code in codes if parse_subject_code(code).kind is SubjectKind.LEGAL_ENTITY]
    print(HEAD)
    peak = 0.0
    for workers in [int(w) for w in args.workers.split(",")]:
        with hub_and_baseline(env, workers, client, codes, QUERY, receipted=workers == 1) as lineup:
            wrk_figures(lineup.hub.url, codes, QUERY, lineup.token, 16, 2, document)  # warm the compiled document
            for connections in [int(c) for c in args.concurrency.split(",")]:
                turns = []
                for _ in range(args.rounds):
                    turns.append(_turn(lineup, codes, document, connections, args.seconds))
                    print(_row(workers, connections, turns[-1]), flush=True)
                _medians(turns)
            if workers == max(int(w) for w in args.workers.split(",")):
                _cpu_and_profile(lineup, codes, document, args, args.cpu_concurrency)
            peak = max(peak, lineup.hub.peak_rss_mb())
    if not args.skip_ahead:
        _receipt_ahead(env, client, codes, document, args)
    if args.skip_bulk:
        print(json.dumps({"hub_peak_rss_mb": round(peak)}))
        return
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
