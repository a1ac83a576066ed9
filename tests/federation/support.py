"""Three real hubs for the federation tests: a province and two cities, each its own uvicorn process and databases."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from hub.cli.demo_federation import hub_command
from hub.demo.federation import CONFIG_FILE, FederatedHub, FederationDemo, build_federation

ROOT = Path(__file__).resolve().parents[2]
SUBJECTS = 80
CITY_TIMEOUT_MS = 4000  # generous: the machine the tests share is busy; the slow-city test waits this long
SEED = 7
START_SECONDS = 180  # three hubs start on a shared, busy machine


def free_ports(count: int) -> int:
    """Answers the first of `count` consecutive TCP ports nobody listens on now."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = int(probe.getsockname()[1])
        if first + count >= 65535:
            continue
        try:
            with contextlib.ExitStack() as stack:
                for offset in range(1, count):
                    other = stack.enter_context(socket.socket())
                    other.bind(("127.0.0.1", first + offset))
            return first
        except OSError:
            continue
    raise RuntimeError("no run of free ports")


def _environment(hub: FederatedHub) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("HUB_")}
    env["HUB_CONFIG_FILE"] = str(hub.folder / CONFIG_FILE)
    env["PYTHONPATH"] = str(ROOT)
    return env


@dataclass
class Running:
    """A hub process and where it writes its log."""

    hub: FederatedHub
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        """Answers nothing; ends the process (and waits for it)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """Answers nothing; the hub accepts connections but answers nothing inside the block (SIGSTOP)."""
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)


def start(hub: FederatedHub) -> Running:
    """Answers a started hub process (uvicorn on 127.0.0.1 at the hub's port)."""
    log = hub.folder / "hub.log"
    command = hub_command(hub.port)  # ends with the test process, even when that is killed
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=_environment(hub), stdout=out, stderr=subprocess.STDOUT, cwd=hub.folder)
    return Running(hub, process, log)


def wait_ready(running: list[Running]) -> None:
    """Answers nothing once every hub answers /healthz; raises with the hub's log when one dies or is late."""
    deadline = time.monotonic() + START_SECONDS
    waiting = list(running)
    while waiting:
        for item in list(waiting):
            if item.process.poll() is not None:
                raise RuntimeError(f"hub {item.hub.name} exited:\n{item.log.read_text(errors='replace')[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{item.hub.base_url}/healthz", timeout=2).status_code == 200:
                    waiting.remove(item)
        if time.monotonic() > deadline:
            raise RuntimeError(f"hubs did not start: {[item.hub.name for item in waiting]}")
        time.sleep(0.5)


@dataclass
class Federation:
    """The running federation and what a test needs to talk to its hubs."""

    demo: FederationDemo
    running: dict[str, Running]
    _tokens: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def province(self) -> FederatedHub:
        """Answers the provincial hub."""
        return self.demo.province

    def hub(self, name: str) -> FederatedHub:
        """Answers a hub by name (province, taiyuan, datong)."""
        return self.demo.province if name == "province" else self.demo.cities[name]

    def token(self, hub: str, department: str) -> str:
        """Answers an access token of a demo department's client at `hub`, from its token endpoint."""
        key = (hub, department)
        if key not in self._tokens:
            target = self.hub(hub)
            client = target.clients[department]
            response = httpx.post(
                f"{target.base_url}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(client["client_id"], client["client_secret"]),
                timeout=30,
            )
            response.raise_for_status()
            self._tokens[key] = response.json()["access_token"]
        return self._tokens[key]

    def graphql(
        self,
        hub: str,
        department: str,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
    ) -> httpx.Response:
        """Answers the response to a GraphQL POST at `hub` by a department's client (operator named)."""
        headers = {"Authorization": f"Bearer {token or self.token(hub, department)}", "X-Hub-Operator": "clerk-7"}
        return httpx.post(
            f"{self.hub(hub).base_url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=60,
        )

    def self_graphql(self, hub: str, code: str, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        """Answers the response to a GraphQL POST at `hub` by the signed-in subject `code` (development sign-in)."""
        base = self.hub(hub).base_url
        signed_in = httpx.post(f"{base}/dev/login", json={"code": code}, timeout=30)
        signed_in.raise_for_status()
        headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        return httpx.post(f"{base}/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


WARM_UP = """query($c: [ID!]!) { subjects(codes: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  code name penalties { decisionText } sources { name status } } }"""


def warm_up(federation: Federation, attempts: int = 6) -> None:
    """Answers nothing once a query at the province reaches both cities in time (the first fetches keys, exchanges
    tokens and loads each city's detection engine, which a busy machine may not do within the timeout)."""
    codes = [federation.demo.samples["enterprise"], federation.demo.samples["blacklisted"]]
    for _ in range(attempts):
        body = federation.graphql("province", "approval-bureau", WARM_UP, {"c": codes}).json()
        states = {s["name"]: s["status"] for s in body["data"]["subjects"][0]["sources"]}
        if states.get("taiyuan") == "OK" and states.get("datong") == "OK":
            return
        time.sleep(2)
    raise RuntimeError(f"the province does not reach both cities: {states}")


def run_federation(folder: Path, province_database_url: str | None) -> Iterator[Federation]:
    """Yields a running federation built in `folder` (the province's own database at the URL given, if any)."""
    port = free_ports(3)
    demo = asyncio.run(
        build_federation(
            folder, subjects=SUBJECTS, seed=SEED, port=port, consent_for_persons=True,
            province_database_url=province_database_url, city_timeout_ms=CITY_TIMEOUT_MS,
        )
    )  # fmt: skip
    running = {hub.name: start(hub) for hub in demo.hubs}
    try:
        wait_ready(list(running.values()))
        federation = Federation(demo, running)
        warm_up(federation)
        yield federation
    finally:
        for item in running.values():
            item.stop()
