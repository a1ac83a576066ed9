"""`credit-hub demo --federation`: a provincial hub and two municipal hubs, three processes on three ports."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from rich.console import Console

from hub.cli.common import fail
from hub.errors import ConfigError, HubError

console = Console(highlight=False)
START_SECONDS = 180
# Runs uvicorn so that the kernel ends it when the process that started it dies, even killed (Linux's
# PR_SET_PDEATHSIG, set after exec; a parent already gone by then is noticed at once).
_LAUNCH = (
    "import ctypes, os, runpy, signal, sys\n"
    "ctypes.CDLL(None).prctl(1, signal.SIGTERM)\n"
    "if os.getppid() != int(sys.argv.pop(1)):\n"
    "    sys.exit(0)\n"
    "sys.argv[0] = 'uvicorn'\n"
    "runpy.run_module('uvicorn', run_name='__main__')\n"
)


def hub_command(port: int, *options: str) -> list[str]:
    """Answers the command that serves the hub of HUB_CONFIG_FILE on 127.0.0.1:`port`, ending with its parent."""
    return [
        sys.executable, "-c", _LAUNCH, str(os.getpid()), "--factory", "hub.app:app_from_environment",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", *options,
    ]  # fmt: skip


def federation_demo(port: int, data_dir: Path, subjects: int, seed: int, serve: bool) -> None:
    """Builds the federation demo, prints how to use it, and serves its three hubs until interrupted."""
    from hub.demo.federation import build_federation
    from hub.demo.setup import Demo, demo_tokens

    if port + 2 > 65535:
        fail(ConfigError("the federation needs three ports from --port", place="--port", fix="pass a lower --port"))
    data_dir = data_dir.resolve()
    console.print(f"[bold]Credit Hub federation demo[/] — data dir: {data_dir}")
    try:
        built = asyncio.run(build_federation(data_dir, subjects=subjects, seed=seed, port=port))
        province = Demo(data_dir, built.province.settings, built.province.clients, built.samples)
        tokens = asyncio.run(demo_tokens(province, ["approval-bureau", "privacy-office"]))
    except HubError as error:
        fail(error)
    except OSError as exc:
        fail(ConfigError(f"cannot write the demo: {exc.strerror}", place=f"--data-dir {data_dir}"))
    for hub in built.hubs:
        console.print(f"{hub.name:>9}: {hub.base_url}  (config {hub.folder / 'hub.toml'})")
    samples = built.samples
    query = (
        "query($c: [ID!]!) { subjects(codes: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name "
        "penalties { source decisionNumber } listings { source list } taxCredit { year grade } "
        "sources { name kind status } } }"
    )
    body = json.dumps({"query": query, "variables": {"c": [samples["enterprise"], samples["blacklisted"]]}})
    console.print(f"\n[bold]approval-bureau[/] token at the province (15 min):\n{tokens['approval-bureau']}")
    console.print("\n[bold]One query at the province reaching both cities[/]:", soft_wrap=True)
    console.print(
        f"curl -s {built.province.base_url}/graphql -H 'content-type: application/json' "
        f"-H \"authorization: Bearer {tokens['approval-bureau']}\" -H 'x-hub-operator: clerk-0042' -d '{body}'",
        soft_wrap=True,
        markup=False,
    )
    console.print(f"clients and sample codes: {data_dir / 'demo.json'}\n")
    if serve:
        _serve([hub.folder for hub in built.hubs], [hub.port for hub in built.hubs])


def _serve(folders: list[Path], ports: list[int]) -> None:
    """Runs each hub as its own uvicorn process until Ctrl-C, then stops them all."""
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for folder, port in zip(folders, ports, strict=True):
            env = {name: value for name, value in os.environ.items() if not name.startswith("HUB_")}
            env["HUB_CONFIG_FILE"] = str(folder / "hub.toml")
            processes.append(subprocess.Popen(hub_command(port), env=env, cwd=folder))  # noqa: S603 - our interpreter
        _wait(ports, processes)
        console.print("serving the province and both cities (Ctrl-C stops)")
        while all(process.poll() is None for process in processes):
            time.sleep(1)
        console.print("[red]a hub stopped[/]; stopping the others")
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)


def _wait(ports: list[int], processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + START_SECONDS
    waiting = set(ports)
    while waiting:
        if any(process.poll() is not None for process in processes):
            raise KeyboardInterrupt  # one hub failed to start (its error is on the terminal): stop the others
        for port in list(waiting):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    waiting.discard(port)
        if time.monotonic() > deadline:
            raise KeyboardInterrupt
        time.sleep(0.5)
