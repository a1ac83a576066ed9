"""Benchmark: a query at the province that reaches the cities, against the same query direct to one city.

Builds the federation demo (SQLite sources, three hubs with their own databases and keys) in a temporary folder,
starts the three hubs under uvicorn (uvloop, httptools; one worker each) and times, with an approval bureau's
token at each end, `subject(code:)` for Taiyuan enterprises selecting what the cities hold (registration, penalties,
listings): direct to the Taiyuan hub, and at the province (which asks both cities at once as the caller, then
shapes and registers). Requests alternate (direct, province) over random codes; c=1 gives latency (p50, p99), c=8
throughput. Peak RSS of each hub at the end.

    python bench/bench_federation.py [--subjects 2000] [--requests 200] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, _tree, _vm_hwm, free_port
from bench.federation_steps import measure, show
from hub.cli.demo_federation import hub_command
from hub.demo.facts import Organisation
from hub.demo.federation import CONFIG_FILE, FederatedHub, build_federation
from hub.demo.generator import subject_facts

SEED = 42
QUERY = """query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  code name status registeredOn legalRepresentative { name idNumber }
  penalties { decisionNumber authority decidedOn amount } listings { list reason listedOn } } }"""
# What only Taiyuan holds: the province asks that one city (one hop), the fair measure of the hop's own cost.
ONE_CITY = """query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  code commitments { matter committedOn department verificationResult } } }"""


def _start(hub: FederatedHub) -> subprocess.Popen[bytes]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("HUB_")}
    env |= {"HUB_CONFIG_FILE": str(hub.folder / CONFIG_FILE), "HUB_TOKEN_TTL_SECONDS": "3600", "PYTHONPATH": str(ROOT)}
    command = hub_command(hub.port, "--loop", "uvloop", "--http", "httptools", "--no-access-log")
    return subprocess.Popen(command, cwd=hub.folder, env=env, start_new_session=True)


def _wait(hubs: list[FederatedHub], processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 240
    for hub, process in zip(hubs, processes, strict=True):
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{hub.name} exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{hub.base_url}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{hub.name} did not start")
            time.sleep(0.3)


def _token(hub: FederatedHub) -> str:
    client = hub.clients["approval-bureau"]
    response = httpx.post(
        f"{hub.base_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client["client_id"], client["client_secret"]),
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def _taiyuan_enterprises(subjects: int) -> list[str]:
    """Answers the codes of the organisations registered in Taiyuan (division 1401xx, at the USCC's third digit)."""
    found = (subject_facts(SEED, index).subject for index in range(subjects))
    return [subject.code for subject in found if isinstance(subject, Organisation) and subject.code[2:6] == "1401"]


def _ok(body: dict[str, Any]) -> bool:
    errors = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
    return "SOURCE_UNAVAILABLE" not in errors and "AUDIT_UNAVAILABLE" not in errors


def _latency(
    clients: dict[str, httpx.Client], codes: list[str], requests: int, rng: random.Random, query: str = QUERY
) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {name: [] for name in clients}
    failures = dict.fromkeys(clients, 0)
    for _ in range(requests):
        code = rng.choice(codes)
        for name, client in clients.items():  # alternate, so that drift on a shared machine hits both alike
            started = time.perf_counter()
            body = client.post("/graphql", json={"query": query, "variables": {"c": code}}).json()
            found[name].append((time.perf_counter() - started) * 1000)
            failures[name] += 0 if _ok(body) else 1
    print(f"  answers with a source or the register unavailable: {failures}")
    return found


async def _throughput(base: str, token: str, codes: list[str], seconds: float, concurrency: int) -> float:
    headers = {"Authorization": f"Bearer {token}", "X-Hub-Operator": "bench-1"}
    done = 0
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:

        async def worker(seed: int) -> None:
            nonlocal done
            rng = random.Random(seed)
            while time.monotonic() < deadline:
                await client.post("/graphql", json={"query": QUERY, "variables": {"c": rng.choice(codes)}})
                done += 1

        await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return done / seconds


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200, help="requests per variant at c=1")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per variant at c=8")
    parser.add_argument("--steps", action="store_true", help="also print where each hub spends a request's time")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-federation-"))
    port = free_port()
    while any(_busy(port + offset) for offset in range(3)):
        port = free_port()
    demo = asyncio.run(build_federation(folder, subjects=args.subjects, seed=SEED, port=port))
    hubs = demo.hubs
    processes = [_start(hub) for hub in hubs]
    try:
        _wait(hubs, processes)
        codes = _taiyuan_enterprises(args.subjects)
        print(f"{len(codes)} Taiyuan enterprises of {args.subjects} subjects; hubs at {[h.base_url for h in hubs]}")
        taiyuan = demo.cities["taiyuan"]
        targets = {"direct (Taiyuan hub)": taiyuan, "province (both cities)": demo.province}
        clients = {
            name: httpx.Client(
                base_url=hub.base_url, timeout=30,
                headers={"Authorization": f"Bearer {_token(hub)}", "X-Hub-Operator": "bench-1"},
            )
            for name, hub in targets.items()
        }  # fmt: skip
        _latency(clients, codes, 10, random.Random(1))  # warm-up: keys, exchanged tokens, detection engines
        if args.steps:
            pids = {hub.name: (hub.base_url, process.pid) for hub, process in zip(hubs, processes, strict=True)}
            _steps(clients, codes, args.requests, pids)
        for label, query in (("registration, penalties, listings (both cities hold some)", QUERY),
                             ("commitments (Taiyuan alone holds them)", ONE_CITY)):  # fmt: skip
            _latency(clients, codes, 5, random.Random(2), query)
            latency = _latency(clients, codes, args.requests, random.Random(7), query)
            print(f"c=1 latency (ms), {label}:")
            for name, values in latency.items():
                print(f"  {name:<24} p50 {statistics.median(values):6.1f}  p99 {_pct(values, 0.99):6.1f}")
            direct, province = (statistics.median(v) for v in latency.values())
            print(f"  province / direct p50: {province / direct:.2f}x")
        print("c=8 throughput (requests/s):")
        for name, hub in targets.items():
            rate = asyncio.run(_throughput(hub.base_url, _token(hub), codes, args.seconds, 8))
            print(f"  {name:<24} {rate:6.1f}")
        for hub, process in zip(hubs, processes, strict=True):
            peak = max((_vm_hwm(pid) for pid in _tree(process.pid)), default=0.0) / 1024
            print(f"peak RSS {hub.name}: {peak:.0f} MB")
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)


def _steps(clients: dict[str, httpx.Client], codes: list[str], requests: int, hubs: dict[str, tuple[str, int]]) -> None:
    """Prints, for the direct and the province query in turn, each hub's mean time per step and CPU per request."""
    for name, client in clients.items():
        one = {name: client}
        found: dict[str, list[float]] = {}

        def run(one: dict[str, httpx.Client] = one, found: dict[str, list[float]] = found) -> int:
            found.update(_latency(one, codes, requests, random.Random(11)))
            return requests

        steps, _ = measure(hubs, run)
        show(name, steps, statistics.median(found[name]))


def _busy(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


if __name__ == "__main__":
    main()
