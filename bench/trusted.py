"""What the trusted-document benchmark adds: a registered and approved document, CPU per request, py-spy stages.

CPU is read from /proc: the hub's uvicorn process tree, and the PostgreSQL backends connected to the
benchmark's databases (pg_stat_activity), before and after one wrk run; divided by the requests served.
PostgreSQL's shared background processes (WAL writer, checkpointer) are left out, and so are other
engineers' sessions on this shared machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bench.common import ROOT, WrkResult, _tree, pg_dsn
from hub.store.documents import document_id

TICK = os.sysconf("SC_CLK_TCK")
# Pipeline stages by the innermost frame that names one (module path fragments, first match wins).
STAGES: list[tuple[str, str]] = [
    ("hub/graphql/writer.py", "compiled writer"),
    ("hub/graphql/compiled.py", "compiled runner"),
    ("hub/graphql/compile.py", "compiler"),
    ("hub/federation/", "sources (hub)"),
    ("sqlalchemy/", "sources (SQLAlchemy)"),
    ("asyncpg/", "asyncpg driver"),
    ("hub/audit/", "receipt (register)"),
    ("hub/graphql/receipts.py", "receipt (register)"),
    ("hub/privacy/", "privacy (rules, masking)"),
    ("hub/records/", "records (plan, shape)"),
    ("hub/measures/", "credit check (measures)"),
    ("hub/policy/", "policy"),
    ("hub/identity/", "token"),
    ("joserfc/", "token"),
    ("cryptography/", "token"),
    ("hub/graphql/", "hub GraphQL layer"),
    ("strawberry/", "GraphQL (generic)"),
    ("site-packages/graphql/", "GraphQL (generic)"),
    ("orjson", "JSON"),
    ("json/", "JSON"),
    ("starlette/", "HTTP (Starlette)"),
    ("uvicorn/", "HTTP (uvicorn)"),
    ("httptools", "HTTP (uvicorn)"),
    ("asyncio/", "event loop"),
    ("uvloop", "event loop"),
]


def register_approved(database_url: str, client_id: str, text: str) -> str:
    """Answers the id of `text`, registered for the client and approved through the command line."""
    folder = Path(tempfile.mkdtemp(prefix="bench-documents-"))
    manifest = folder / "manifest.json"
    given = document_id(text)
    manifest.write_text(json.dumps({given: text}), encoding="utf-8")
    base = [sys.executable, "-m", "hub.cli.main", "documents"]
    for command in (
        [*base, "register", str(manifest), "--client-id", client_id, "--database-url", database_url],
        [*base, "approve", given, "--client-id", client_id, "--database-url", database_url],
    ):
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    shutil.rmtree(folder)
    return given


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


async def _backends(pg: str, prefix: str) -> list[int]:
    connection = await asyncpg.connect(pg_dsn(pg, "postgres"))
    try:
        rows = await connection.fetch("SELECT pid FROM pg_stat_activity WHERE datname LIKE $1", f"{prefix}%")
        return [int(row["pid"]) for row in rows]
    finally:
        await connection.close()


@dataclass
class Cpu:
    """CPU milliseconds per request of the hub's processes and of its PostgreSQL backends in one run."""

    hub_ms: float
    pg_ms: float
    run: WrkResult | None = None  # the run's own figures
    hub_net_ms: float = 0.0  # hub_ms less what the idle server spends per second over the run's length


def idle_cpu(server_pid: int, seconds: float) -> float:
    """Answers the server's CPU milliseconds per second while it serves nothing (its timers, probes, writers)."""
    hub = _tree(server_pid)
    before = sum(_ticks(pid) for pid in hub)
    time.sleep(seconds)
    return (sum(_ticks(pid) for pid in hub) - before) / TICK * 1000 / seconds


def cpu_per_request(
    server_pid: int, pg: str, prefix: str, run: Callable[[], WrkResult], seconds: int, idle_ms_per_second: float = 0.0
) -> Cpu:
    """Answers the CPU per request of one run: the server's process tree and the backends of its databases."""
    hub = _tree(server_pid)
    before_hub = sum(_ticks(pid) for pid in hub)
    before_pg = {pid: _ticks(pid) for pid in asyncio.run(_backends(pg, prefix))}
    started = time.monotonic()
    result = run()
    after_hub = sum(_ticks(pid) for pid in hub)
    wall = time.monotonic() - started
    backends = asyncio.run(_backends(pg, prefix))
    pg_ticks = sum(_ticks(pid) - before_pg.get(pid, 0) for pid in backends)
    requests = max(result.rps * seconds, 1.0)
    hub_ms = (after_hub - before_hub) / TICK * 1000
    net = max(hub_ms - idle_ms_per_second * wall, 0.0) / requests
    return Cpu(hub_ms / requests, pg_ticks / TICK * 1000 / requests, result, net)


def profile(server_pid: int, seconds: int, run: Callable[[], WrkResult]) -> dict[str, float] | None:
    """Answers the share of each pipeline stage in a py-spy profile of one worker during `run` (None without py-spy)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        return None
    workers = [pid for pid in _tree(server_pid) if pid != server_pid] or [server_pid]
    out = Path(tempfile.mkdtemp(prefix="bench-spy-")) / "stacks.txt"
    command = [spy, "record", "--pid", str(workers[-1]), "--duration", str(seconds), "--rate", "250",
               "--format", "raw", "--nonblocking", "--output", str(out)]  # fmt: skip
    spying = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run()
    spying.wait(timeout=seconds + 60)
    if not out.exists():
        return None
    return stage_shares(out.read_text())


def stage_shares(collapsed: str) -> dict[str, float]:
    """Answers each stage's share of the samples of py-spy's collapsed stacks (`frame;frame;... count`)."""
    counts: Counter[str] = Counter()
    for line in collapsed.splitlines():
        stack, _, number = line.rpartition(" ")
        if not number.isdigit():
            continue
        counts[_stage(stack.split(";"))] += int(number)
    total = sum(counts.values()) or 1
    return {stage: round(100 * count / total, 1) for stage, count in counts.most_common()}


def _stage(frames: list[str]) -> str:
    for frame in reversed(frames):
        where = re.sub(r"\\", "/", frame)
        for fragment, stage in STAGES:
            if fragment in where:
                return stage
    return "other (C, GC, idle loop)"
