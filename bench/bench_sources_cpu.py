"""The hub's own CPU per request (its process's CPU clock, not wall time): `subject` at c=1 and c=16, `subjects`.

    python bench/bench_sources_cpu.py [--subjects 20000] [--seconds 5] [--prefix srcb_] [--reuse]

CPU time per request holds still on a shared machine where requests/s do not: other processes slow
the hub down but do not add to its own CPU clock. Seeds `<prefix><source>` databases (unless
`--reuse`), starts the hub alone (one worker) and drives it with wrk; prints requests/s, p50, the
hub's CPU ms per request at each concurrency, the same for `subjects` with 1,000 codes, and peak RSS.
Run it on two checkouts (before and after a change) in turns to compare them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_subject import BULK, QUERY, SEED
from bench.common import SOURCES, _tree, prepare_databases, run_wrk, start_server, timed_posts, token_for
from hub.demo.generator import subject_facts
from hub.identity.codes import SubjectKind, parse_subject_code

_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """Answers the CPU time (user and system) a process and its children have used so far."""
    total = 0
    for one in _tree(pid):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / _TICK


def main() -> None:
    """Runs the measurement and prints one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--subjects", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--prefix", default="srcb_")
    parser.add_argument("--reuse", action="store_true", help="keep already seeded databases")
    parser.add_argument("--enterprises", action="store_true", help="ask for enterprises only (no persons)")
    args = parser.parse_args()
    clients = asyncio.run(prepare_databases(args.pg, args.prefix, args.subjects, SEED, fresh=not args.reuse))
    env = {f"HUB_SOURCES__{s.upper()}__URL": f"{args.pg}/{args.prefix}{s}" for s in SOURCES}
    env |= {
        "HUB_DATABASE_URL": f"{args.pg}/{args.prefix}hub",
        "HUB_TOKEN_TTL_SECONDS": "3600",
        "HUB_AUDIT_SECRET": "bench-audit-secret-0123456789",
    }
    rng = random.Random(7)
    codes = [subject_facts(SEED, rng.randrange(args.subjects)).subject.code for _ in range(2000)]
    if args.enterprises:  # the hub refuses a client's fruitless look-ups of persons past 30 a minute (RATE_LIMITED)
        codes = [code for code in codes if parse_subject_code(code).kind is SubjectKind.LEGAL_ENTITY]
    hub = start_server("hub", "hub.app:app_from_environment", env, 1)
    try:
        token = token_for(hub.url, clients["approval-bureau"])
        run_wrk(hub.url, codes, QUERY, token, 16, 3)  # warm: pools, prepared statements, caches
        figures: dict[str, object] = {}
        for connections in (1, 16):
            before = cpu_seconds(hub.process.pid)
            result = run_wrk(hub.url, codes, QUERY, token, connections, args.seconds)
            spent = cpu_seconds(hub.process.pid) - before
            figures[f"subject c={connections}"] = {
                "rps": round(result.rps),
                "p50_ms": result.p50_ms,
                "hub_cpu_ms_per_request": round(spent / (result.rps * args.seconds) * 1000, 2),
                "errors": result.errors,
            }
        headers = {"Authorization": f"Bearer {token}", "X-Hub-Operator": "bench"}
        body = {"query": BULK, "variables": {"cs": rng.sample(codes, 1000)}}
        timed_posts(hub.url, body, headers, 1)
        before = cpu_seconds(hub.process.pid)
        wall, answer = timed_posts(hub.url, body, headers, 5)
        found = sum(1 for s in (answer.get("data") or {}).get("subjects") or [] if s)
        figures["subjects 1,000 codes"] = {
            "median_ms": round(wall * 1000),
            "hub_cpu_ms_per_request": round((cpu_seconds(hub.process.pid) - before) / 5 * 1000),
            "found": found,
        }
        figures["hub_peak_rss_mb"] = round(hub.peak_rss_mb())
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        hub.stop()


if __name__ == "__main__":
    main()
