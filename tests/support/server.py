"""A real hub for tests: seeded source databases, a migrated hub database, uvicorn on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import uvicorn

from hub.app import create_app
from hub.composition import open_hub
from hub.config import Settings
from hub.demo.facts import SOURCES
from hub.demo.generator import samples
from hub.demo.seed import seed_sources
from hub.demo.setup import register_demo_clients
from hub.store.clients import ClientRepository
from hub.store.engine import make_engine
from hub.store.migrate import upgrade

SUBJECTS = 80
SEED = 7
# The day the test hub counts disclosure periods on: near the demo's items (dated up to mid-2026), so that
# what a test sees does not change with the day the suite runs. A test may move it with `clock.at(day)`.
TODAY = date(2026, 12, 6)


@dataclass
class Clock:
    """The test hub's `today`, injected into the app; a test moves it only inside `at`."""

    day: date = TODAY

    def __call__(self) -> date:
        return self.day

    @contextlib.contextmanager
    def at(self, day: date) -> Iterator[None]:
        """Answers nothing; the hub counts on `day` inside the block and on the day before it afterwards."""
        before, self.day = self.day, day
        try:
            yield
        finally:
            self.day = before


COURT_CASE = "（2026）晋01执100号"  # the enforcement case tests name when the court searches


def free_port() -> int:
    """Answers a TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class HubFixture:
    """A running hub and what a test needs to talk to it."""

    base_url: str
    settings: Settings
    clients: dict[str, dict[str, str]]
    samples: dict[str, str]
    source_urls: dict[str, str]
    clock: Clock = field(default_factory=Clock)
    _tokens: dict[str, str] = field(default_factory=dict)

    def token(self, department: str, scope: str | None = None) -> str:
        """Answers an access token for a demo department's client, from the real token endpoint."""
        key = f"{department}:{scope}"
        if key not in self._tokens:
            client = self.clients[department]
            basic = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode()).decode()
            data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
            response = httpx.post(
                f"{self.base_url}/oauth/token", data=data, headers={"Authorization": f"Basic {basic}"}
            )
            response.raise_for_status()
            self._tokens[key] = response.json()["access_token"]
        return self._tokens[key]

    def graphql(
        self,
        department: str,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        operator: str | None = "clerk-7",
        case: str | None = None,
    ) -> httpx.Response:
        """Answers the HTTP response to a GraphQL POST made with a department's token (`case`: X-Hub-Case)."""
        headers = {"Authorization": f"Bearer {self.token(department)}"}
        if operator:
            headers["X-Hub-Operator"] = operator
        if case:
            headers["X-Hub-Case"] = quote(case)
        return httpx.post(
            f"{self.base_url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=30
        )

    def self_token(self, code: str) -> str:
        """Answers a citizen's or enterprise's self token from the development sign-in (`dev_login`)."""
        if f"self:{code}" not in self._tokens:
            response = httpx.post(f"{self.base_url}/dev/login", json={"code": code})
            response.raise_for_status()
            self._tokens[f"self:{code}"] = response.json()["access_token"]
        return self._tokens[f"self:{code}"]

    def self_graphql(self, code: str, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        """Answers the HTTP response to a GraphQL POST made by the signed-in subject `code`."""
        headers = {"Authorization": f"Bearer {self.self_token(code)}"}
        return httpx.post(
            f"{self.base_url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=30
        )


async def prepare(hub_url: str, source_urls: dict[str, str]) -> dict[str, dict[str, str]]:
    """Seeds the sources, migrates the hub database and registers the demo clients."""
    await seed_sources(source_urls, SUBJECTS, SEED)
    await asyncio.to_thread(upgrade, hub_url)
    engine = make_engine(hub_url)
    try:
        return await register_demo_clients(ClientRepository(engine), {})
    finally:
        await engine.dispose()


def serve(settings: Settings, today: Callable[[], date] | None = None, tracer_provider: Any = None) -> Iterator[str]:
    """Runs the hub under uvicorn in a thread (counting periods on `today()`); yields its base URL, then stops it."""
    port = free_port()
    config = {"host": "127.0.0.1", "port": port, "log_level": "warning", "lifespan": "off"}
    running: list[uvicorn.Server] = []
    failure: list[BaseException] = []

    async def run() -> None:
        async with open_hub(settings, today=today or Clock()) as hub:  # as every deployment: one opened Hub
            server = uvicorn.Server(uvicorn.Config(create_app(hub, tracer_provider=tracer_provider), **config))
            running.append(server)
            await server.serve()

    def target() -> None:
        try:
            asyncio.run(run())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not (running and running[0].started):
        if failure:
            raise RuntimeError("the hub did not start") from failure[0]
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the hub did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running[0].should_exit = True
        thread.join(timeout=30)


def sqlite_urls(folder: Path) -> tuple[str, dict[str, str]]:
    """Answers a hub URL and source URLs of SQLite files in `folder`."""
    return (
        f"sqlite+aiosqlite:///{folder / 'hub.db'}",
        {name: f"sqlite+aiosqlite:///{folder / f'{name}.db'}" for name in SOURCES},
    )


# A loaded CI machine must not turn a full answer partial: the mappings' 800-1,500 ms are for production sources.
# Tests of partial answers set a source's own timeout (tests/graphql/test_partial.py) or use one that is down.
SOURCE_TIMEOUT_MS = 10_000


def hub_settings(hub_url: str, source_urls: dict[str, str], **extra: Any) -> Settings:
    """Answers test settings for a hub over the given databases."""
    keys = Path(tempfile.mkdtemp(prefix="hub-keys-"))
    extra.setdefault("audit_key_path", keys / "audit-key.pem")
    extra.setdefault("signing_key_wrap_path", keys / "signing-wrap.jwk")
    extra.setdefault("dev_login", True)  # citizens and enterprises sign in as on the demo
    return Settings(
        database_url=hub_url,
        sources={name: {"url": url, "timeout_ms": SOURCE_TIMEOUT_MS} for name, url in source_urls.items()},  # type: ignore[misc]
        audit_secret="test-audit-secret-0123456789",
        **extra,
    )


def sample_codes() -> dict[str, str]:
    """Answers the seeded sample codes."""
    return samples(SEED, SUBJECTS)
