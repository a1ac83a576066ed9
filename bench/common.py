"""What the benchmarks share: PostgreSQL databases, seeded sources, servers under uvicorn, wrk runs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("taiyuan", "datong", "tax", "court")


def pg_dsn(base: str, database: str) -> str:
    """Answers an asyncpg DSN for a database on the server of `base` (a SQLAlchemy URL without database)."""
    return base.replace("postgresql+asyncpg://", "postgresql://").rstrip("/") + f"/{database}"


async def ensure_databases(base: str, names: list[str], *, fresh: bool) -> None:
    """Creates the databases (dropping them first when `fresh`)."""
    connection = await asyncpg.connect(pg_dsn(base, "postgres"))
    try:
        existing = {r["datname"] for r in await connection.fetch("SELECT datname FROM pg_database")}
        for name in names:
            if fresh and name in existing:
                await connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            if fresh or name not in existing:
                await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def prepare_databases(
    pg: str, prefix: str, subjects: int, seed: int, *, fresh: bool
) -> dict[str, dict[str, str]]:
    """Creates `<prefix><source>` and `<prefix>hub`, seeds them when `fresh`, migrates, registers demo clients."""
    from hub.demo.seed import seed_sources
    from hub.demo.setup import register_demo_clients
    from hub.store.clients import ClientRepository
    from hub.store.engine import make_engine
    from hub.store.migrate import upgrade

    await ensure_databases(pg, [f"{prefix}{s}" for s in SOURCES] + [f"{prefix}hub"], fresh=fresh)
    if fresh:
        started = time.perf_counter()
        await seed_sources({s: f"{pg}/{prefix}{s}" for s in SOURCES}, subjects, seed, None)
        print(f"seeded {subjects:,} subjects into PostgreSQL in {time.perf_counter() - started:.0f} s")
    await asyncio.to_thread(upgrade, f"{pg}/{prefix}hub")
    engine = make_engine(f"{pg}/{prefix}hub")
    try:
        return await register_demo_clients(ClientRepository(engine), {})
    finally:
        await engine.dispose()


def free_port() -> int:
    """Answers a free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A uvicorn process group serving one app."""

    name: str
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        """Answers the server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def peak_rss_mb(self) -> float:
        """Answers the largest peak RSS (VmHWM) among the server's processes, in MB."""
        peaks = [_vm_hwm(pid) for pid in _tree(self.process.pid)]
        return max(peaks, default=0.0) / 1024

    def stop(self) -> None:
        """Stops the process group."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def _tree(pid: int) -> list[int]:
    found = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in children:
        found.extend(_tree(int(child)))
    return found


def _vm_hwm(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    except OSError:
        pass
    return 0.0


def start_server(name: str, factory: str, env: dict[str, str], workers: int) -> Server:
    """Starts `factory` under uvicorn (uvloop, httptools) and waits until it answers /graphql."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        factory,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    keys = Path(tempfile.gettempdir())
    environment = {
        "HUB_AUDIT_KEY_PATH": str(keys / "credit-hub-bench-audit-key.pem"),
        "HUB_SIGNING_KEY_WRAP_PATH": str(keys / "credit-hub-bench-signing-wrap.jwk"),
        **os.environ,
        **env,
    }
    process = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)
    server = Server(name, process, port)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            httpx.get(f"{server.url}/graphql", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not start")


LUA = """
local codes = %(codes)s
local headers = {["Content-Type"] = "application/json", ["X-Hub-Operator"] = "bench"%(auth)s}
local head = %(head)s
math.randomseed(%(seed)d)
request = function()
  local c = codes[math.random(#codes)]
  return wrk.format("POST", "/graphql", headers, '{' .. head .. ',"variables":{"c":"' .. c .. '"}}')
end
"""


@dataclass
class WrkResult:
    """What one wrk run measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(
    url: str,
    codes: list[str],
    query: str,
    token: str | None,
    connections: int,
    seconds: int,
    document: str | None = None,
) -> WrkResult:
    """Answers requests/s and latency percentiles of `query` (or the trusted `document` id) with random codes."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    auth = f', ["Authorization"] = "Bearer {token}"' if token else ""
    script = LUA % {
        "codes": "{" + ",".join(json.dumps(c) for c in codes) + "}",
        "auth": auth,
        "head": json.dumps(f'"documentId":{json.dumps(document)}' if document else f'"query":{json.dumps(query)}'),
        "seed": random.randint(1, 10**6),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    threads = min(2, connections)
    output = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            handle.name,
            f"{url}/graphql",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(handle.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    distribution = output.split("Latency Distribution", 1)[1]
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", distribution, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", distribution, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(rps, p50, p99, int(bad.group(1)) if bad else 0)


def wrk_figures(
    url: str,
    codes: list[str],
    query: str,
    token: str | None,
    connections: int,
    seconds: int,
    document: str | None = None,
) -> WrkResult:
    """Answers one wrk run; wrk's latency table is now and then unparsable (a stdev ending in 50%/99%): retry."""
    for attempt in range(3):
        try:
            return run_wrk(url, codes, query, token, connections, seconds, document)
        except AttributeError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@dataclass
class Turn:
    """One round at one concurrency: the baseline, the receipted baseline if any, then the hub."""

    baseline: WrkResult
    hub: WrkResult
    receipted: WrkResult | None = None

    @property
    def ratio(self) -> float:
        """Answers the hub's requests/s over the baseline's."""
        return self.hub.rps / self.baseline.rps

    @property
    def receipted_ratio(self) -> float | None:
        """Answers the hub's requests/s over the receipted baseline's (None when it was not measured)."""
        return self.hub.rps / self.receipted.rps if self.receipted else None


@dataclass
class Lineup:
    """The servers measured in turn: the baseline, the receipted baseline (optional), the hub, and a token."""

    baseline: Server
    hub: Server
    token: str
    receipted: Server | None = None

    def turn(
        self,
        codes: list[str],
        query: str,
        connections: int,
        seconds: int,
        hub_run: Callable[[Callable[[], WrkResult]], WrkResult] = lambda measure: measure(),
    ) -> Turn:
        """Answers one turn: the baseline, the receipted baseline, then the hub (through `hub_run`).

        Absolute figures drift by up to 25% between runs on these machines; turns taken in
        alternation keep the ratio within a few percent, so callers repeat turns and quote the
        median ratio.
        """
        base = wrk_figures(self.baseline.url, codes, query, None, connections, seconds)
        other = self.receipted
        receipted = wrk_figures(other.url, codes, query, None, connections, seconds) if other else None
        mine = hub_run(lambda: wrk_figures(self.hub.url, codes, query, self.token, connections, seconds))
        return Turn(base, mine, receipted)


def warm_up(servers: list[tuple[str, str | None]], codes: list[str], query: str) -> None:
    """Answers nothing; runs each (url, token) for 2 s at concurrency 16 so caches and pools are filled."""
    for url, token in servers:
        with contextlib.suppress(AttributeError, subprocess.CalledProcessError):
            run_wrk(url, codes, query, token, 16, 2)


@contextlib.contextmanager
def hub_and_baseline(
    env: dict[str, str], workers: int, client: dict[str, str], codes: list[str], query: str, *, receipted: bool = True
) -> Iterator[Lineup]:
    """Yields the baseline, the receipted baseline (when asked) and the hub, each serving with `workers`, warmed up.

    Three servers of two workers each would hold more than PostgreSQL's default 100 connections once
    their pools are full, so the benchmarks ask for the receipted baseline with one worker only.
    """
    with contextlib.ExitStack() as started:
        baseline = started.enter_context(_serving("baseline", "bench.baseline_app:app_from_environment", env, workers))
        receipts = (
            started.enter_context(
                _serving("receipted", "bench.baseline_app:receipted_app_from_environment", env, workers)
            )
            if receipted
            else None
        )
        hub = started.enter_context(_serving("hub", "hub.app:app_from_environment", env, workers))
        token = token_for(hub.url, client)
        warm_up([(s.url, None) for s in (baseline, receipts) if s] + [(hub.url, token)], codes, query)
        yield Lineup(baseline, hub, token, receipts)


@contextlib.contextmanager
def _serving(name: str, factory: str, env: dict[str, str], workers: int) -> Iterator[Server]:
    server = start_server(name, factory, env, workers)
    try:
        yield server
    finally:
        server.stop()


def turn_row(workers: int, connections: int, turn: Turn, extra: str = "") -> str:
    """Answers one printed table row: baseline, receipted baseline and hub requests/s, p50, p99, ratios."""
    base, mine, receipted = turn.baseline, turn.hub, turn.receipted
    with_receipt = f"{receipted.rps:>9,.0f} {receipted.p50_ms:>6.1f}ms |" if receipted else f"{'-':>9} {'-':>8} |"
    over_receipted = f" {turn.receipted_ratio:.2f}" if turn.receipted_ratio else "    -"
    return (
        f"{workers:>7} {connections:>5} | {base.rps:>12,.0f} {base.p50_ms:>6.1f}ms {base.p99_ms:>6.1f}ms | "
        f"{with_receipt} {mine.rps:>8,.0f} {mine.p50_ms:>6.1f}ms {mine.p99_ms:>6.1f}ms {mine.errors:>6} |{extra} "
        f"{turn.ratio:.2f}{over_receipted}"
    )


def print_median(turns: list[Turn]) -> None:
    """Answers nothing; prints a cell's median ratios (hub/baseline, hub/receipted) when it had several turns."""
    if len(turns) > 1:
        line = f"median over {len(turns)} rounds: hub/baseline {statistics.median(t.ratio for t in turns):.2f}"
        over_receipted = [r for t in turns if (r := t.receipted_ratio) is not None]
        if over_receipted:
            line += f", hub/receipted baseline {statistics.median(over_receipted):.2f}"
        print(f"{'':>13} {line}", flush=True)


TABLE_HEAD = (
    f"{'workers':>7} {'conc':>5} | {'baseline rps':>12} {'p50':>8} {'p99':>8} | {'receipted':>9} {'p50':>8} | "
    f"{'hub rps':>8} {'p50':>8} {'p99':>8} {'errors':>6} |"
)
RATIO_HEAD = "hub/baseline hub/receipted"


def token_for(base_url: str, client: dict[str, str]) -> str:
    """Answers an access token from the hub's token endpoint."""
    response = httpx.post(
        f"{base_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client["client_id"], client["client_secret"]),
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def timed_posts(url: str, body: dict[str, Any], headers: dict[str, str], repeat: int) -> tuple[float, dict[str, Any]]:
    """Answers the median seconds of `repeat` POSTs and the last response body."""
    times: list[float] = []
    last: dict[str, Any] = {}
    with httpx.Client(timeout=120) as client:
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.post(f"{url}/graphql", json=body, headers=headers)
            times.append(time.perf_counter() - started)
            last = response.json()
    return statistics.median(times), last


def run(coroutine: Any) -> Any:
    """Runs a coroutine to completion."""
    return asyncio.run(coroutine)
