"""Collection at scale: a 100,000-row licence file validated and landed through POST /records/licence.

Prints rows/s, the hub's peak RSS before and after the file (constant memory: the file is streamed), the
latency of `subject` queries made while the file lands against the same queries before it (submissions do not
hold queries up), and a baseline from the same run: the same file read by Python's csv module and inserted
with executemany into a bare table of the same database, no checks (the floor the hub's checks sit on).

    python bench/bench_submit.py                 # PostgreSQL (HUB bench databases bench_submit_*)
    python bench/bench_submit.py --rows 20000    # a shorter run
    python bench/bench_submit.py --corrections   # then a file correcting every row (action=correct, a reason)
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import statistics
import threading
import time
from pathlib import Path
from tempfile import mkdtemp

import httpx
from stdnum.cn import uscc

from bench.common import SOURCES, Server, prepare_databases, start_server, token_for

SEED = 7
SUBJECT = "query($c: ID!) { subject(code: $c, purpose: SUPERVISION) { name licences { decisionNumber } } }"
HEADER = "XK_XDR_SHXYM,XK_WSH,XK_XMMC,XK_XKLB,XK_XKJG,XK_JDRQ,XK_JZQ,XK_NR\n"


def write_file(path: Path, rows: int, *, corrected: bool = False) -> int:
    """Answers the size of a national-standard licence file of `rows` rows written at `path` (`corrected`: every
    row corrects the first file's item, its content changed, with action=correct and a reason)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER.rstrip("\n") + (",action,reason\n" if corrected else "\n"))
        extra = ",correct,许可内容笔误更正" if corrected else ""
        for n in range(rows):
            body = f"91140100{n:09d}"
            code = body + uscc.calc_check_digit(body)
            day = 1 + n % 28
            kind = (n + 1) % 97 if corrected else n % 97
            handle.write(
                f"{code},并市监许〔2026〕{n}号,食品经营许可,普通,太原市市场监督管理局,2026-10-{day:02d},"
                f"2031-10-{day:02d},准予食品经营许可（经营项目：预包装食品销售、散装食品销售，第{kind}类）{extra}\n"
            )
    return path.stat().st_size


async def baseline(url: str, path: Path) -> float:
    """Answers rows/s of reading the file with csv and inserting it with executemany into a bare table."""
    from sqlalchemy import Column, MetaData, String, Table, Text

    from hub.store.engine import make_engine

    meta = MetaData()
    table = Table("bench_baseline", meta, *(Column(f"c{i}", String(300) if i < 7 else Text()) for i in range(8)))
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(meta.drop_all)
            await conn.run_sync(meta.create_all)
        started = time.perf_counter()
        rows = 0
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            chunk: list[dict[str, str]] = []
            for record in reader:
                chunk.append({f"c{i}": value for i, value in enumerate(record)})
                if len(chunk) == 2000:
                    async with engine.begin() as conn:
                        await conn.execute(table.insert(), chunk)
                    rows += len(chunk)
                    chunk = []
            if chunk:
                async with engine.begin() as conn:
                    await conn.execute(table.insert(), chunk)
                rows += len(chunk)
        seconds = time.perf_counter() - started
        async with engine.begin() as conn:
            await conn.run_sync(meta.drop_all)
        return rows / seconds
    finally:
        await engine.dispose()


def query_latencies(
    url: str, headers: dict[str, str], codes: list[str], stop: threading.Event, out: list[float]
) -> None:
    """Appends the latency (ms) of `subject` queries made one after another until `stop` is set."""
    with httpx.Client(timeout=30) as http:
        n = 0
        while not stop.is_set():
            started = time.perf_counter()
            http.post(
                f"{url}/graphql", json={"query": SUBJECT, "variables": {"c": codes[n % len(codes)]}}, headers=headers
            ).raise_for_status()
            out.append((time.perf_counter() - started) * 1000)
            n += 1


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def main() -> None:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--subjects", type=int, default=2_000)
    parser.add_argument("--reuse", action="store_true", help="keep already seeded sources")
    parser.add_argument("--corrections", action="store_true", help="then send a file correcting every row")
    args = parser.parse_args()
    clients = asyncio.run(prepare_databases(args.pg, "bench_submit_", args.subjects, SEED, fresh=not args.reuse))
    folder = Path(mkdtemp(prefix="bench-submit-"))
    path = folder / "licences.csv"
    size = write_file(path, args.rows)
    print(f"file: {args.rows:,} rows, {size / 1e6:.1f} MB")
    hub_db = f"{args.pg}/bench_submit_hub"
    env = {f"HUB_SOURCES__{s.upper()}__URL": f"{args.pg}/bench_submit_{s}" for s in SOURCES}
    env |= {
        "HUB_DATABASE_URL": hub_db,
        "HUB_TOKEN_TTL_SECONDS": "3600",
        "HUB_AUDIT_SECRET": "bench-audit-secret-0123456789",
    }
    asyncio.run(_empty_collected(hub_db))
    hub = start_server("hub", "hub.app:app_from_environment", env, 1)
    try:
        headers = {
            "Authorization": f"Bearer {token_for(hub.url, clients['market-regulation'])}",
            "X-Hub-Operator": "bench",
        }
        from hub.demo.generator import samples

        codes = [samples(SEED, args.subjects)["enterprise"]]
        quiet: list[float] = []
        stop = threading.Event()
        reader = threading.Thread(target=query_latencies, args=(hub.url, headers, codes, stop, quiet))
        reader.start()
        time.sleep(5)
        stop.set()
        reader.join()
        rss_before = hub.peak_rss_mb()
        busy: list[float] = []
        stop = threading.Event()
        reader = threading.Thread(target=query_latencies, args=(hub.url, headers, codes, stop, busy))
        reader.start()
        started = time.perf_counter()
        cpu_before = _cpu_seconds(hub.process.pid)
        with path.open("rb") as handle:
            response = httpx.post(
                f"{hub.url}/records/licence",
                content=handle.read(),
                headers={**headers, "Content-Type": "text/csv"},
                timeout=600,
            )
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds(hub.process.pid) - cpu_before
        stop.set()
        reader.join()
        body = response.json()
        accepted = body.get("accepted", 0) + body.get("unchanged", 0)
        print(
            f"hub: {accepted:,} rows accepted, {body.get('refusedCount')} refused in {seconds:.1f} s: "
            f"{args.rows / seconds:,.0f} rows/s"
        )
        print(f"hub CPU for the file (queries included): {cpu:.1f} s, {args.rows / cpu:,.0f} rows per CPU-second")
        print(f"hub peak RSS: {rss_before:.0f} MB before the file, {hub.peak_rss_mb():.0f} MB after")
        print(
            f"subject query while idle: p50 {_p(quiet, 0.5):.1f} ms p99 {_p(quiet, 0.99):.1f} ms ({len(quiet)} queries)"
        )
        print(
            f"subject query during the file: p50 {_p(busy, 0.5):.1f} ms p99 {_p(busy, 0.99):.1f} ms "
            f"({len(busy)} queries, max {max(busy, default=0):.0f} ms)"
        )
        again = time.perf_counter()
        with path.open("rb") as handle:
            second = httpx.post(
                f"{hub.url}/records/licence",
                content=handle.read(),
                headers={**headers, "Content-Type": "text/csv"},
                timeout=600,
            ).json()
        print(
            f"resubmission: {second.get('unchanged', 0):,} unchanged, {second.get('accepted')} accepted in "
            f"{time.perf_counter() - again:.1f} s"
        )
        corrections = _corrections(hub, headers, folder, args.rows) if args.corrections else None
        peak = hub.peak_rss_mb()
    finally:
        hub.stop()
    floor = asyncio.run(baseline(hub_db, path))
    print(f"baseline (csv + executemany into a bare table, same database): {floor:,.0f} rows/s")
    print(
        json.dumps(
            {
                "rows_per_s": round(args.rows / seconds),
                "baseline_rows_per_s": round(floor),
                "hub_peak_rss_mb": round(peak),
                "rows_per_cpu_s": round(args.rows / cpu),
                "p50_during_ms": round(statistics.median(busy or [0]), 1),
                **({"corrections_rows_per_s": corrections} if corrections is not None else {}),
            }
        )
    )


def _corrections(hub: Server, headers: dict[str, str], folder: Path, rows: int) -> int:
    """Answers rows/s of a file correcting every item of the first one, after printing its figures."""
    path = folder / "corrections.csv"
    write_file(path, rows, corrected=True)
    rss_before = hub.peak_rss_mb()
    cpu_before = _cpu_seconds(hub.process.pid)
    started = time.perf_counter()
    with path.open("rb") as handle:
        body = httpx.post(
            f"{hub.url}/records/licence",
            content=handle.read(),
            headers={**headers, "Content-Type": "text/csv"},
            timeout=600,
        ).json()
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds(hub.process.pid) - cpu_before
    print(
        f"corrections: {body.get('accepted', 0):,} accepted, {body.get('refusedCount')} refused in {seconds:.1f} s: "
        f"{rows / seconds:,.0f} rows/s, {rows / cpu:,.0f} rows per CPU-second; "
        f"hub peak RSS {rss_before:.0f} MB before, {hub.peak_rss_mb():.0f} MB after"
    )
    return round(rows / seconds)


def _cpu_seconds(pid: int) -> float:
    """Answers the CPU time (user + system) a process and its children used so far, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


async def _empty_collected(url: str) -> None:
    """Empties the collected source of earlier runs."""
    from sqlalchemy import delete

    from hub.store.collected_tables import items, refusals, submissions, versions
    from hub.store.engine import make_engine

    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            for table in (items, versions, submissions, refusals):
                await conn.execute(delete(table))
    finally:
        await engine.dispose()


if __name__ == "__main__":
    main()
