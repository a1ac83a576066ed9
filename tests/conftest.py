"""Shared fixtures: a real PostgreSQL database per run when HUB_TEST_PG_URL is set, SQLite always."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator

import pytest

PG_URL = os.environ.get("HUB_TEST_PG_URL", "").rstrip("/")

# Key files are secrets: a hub a test starts without naming its own (settings, a `serve` subprocess) makes
# them in a folder of this run, never in the checkout (.ci/run fails on key files left there).
_KEYS = tempfile.mkdtemp(prefix="hub-test-keys-")
os.environ.setdefault("HUB_SIGNING_KEY_WRAP_PATH", os.path.join(_KEYS, "signing-wrap.jwk"))
os.environ.setdefault("HUB_AUDIT_KEY_PATH", os.path.join(_KEYS, "audit-key.pem"))
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)] if PG_URL else ["sqlite"]


def _run_apart(coroutine: object) -> None:
    """Runs a coroutine on its own loop in its own thread, away from the tests' loop."""
    import asyncio
    import threading

    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coroutine)  # type: ignore[arg-type]
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def _admin_dsn() -> str:
    return PG_URL.replace("postgresql+asyncpg://", "postgresql://") + "/postgres"


def create_pg_database(prefix: str) -> str:
    """Answers the SQLAlchemy URL of a fresh PostgreSQL database (dropped by drop_pg_database)."""
    import asyncpg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        connection = await asyncpg.connect(_admin_dsn())
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    _run_apart(create())
    return f"{PG_URL}/{name}"


def drop_pg_database(url: str) -> None:
    """Drops a database made by create_pg_database, ending its sessions first."""
    import asyncpg

    name = url.rsplit("/", 1)[1]

    async def drop() -> None:
        connection = await asyncpg.connect(_admin_dsn())
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    _run_apart(drop())


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Answers an empty database URL on each configured backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'hub.db'}"
        return
    url = create_pg_database("hubtest")
    try:
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture(scope="session", params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Answers a running hub (uvicorn on 127.0.0.1) over seeded sources, on each configured backend."""
    from tests.support import server

    created: list[str] = []
    if request.param == "sqlite":
        hub_url, source_urls = server.sqlite_urls(tmp_path_factory.mktemp("hub"))
    else:
        hub_url = create_pg_database("hubtest_hub")
        created.append(hub_url)
        source_urls = {}
        for name in ("taiyuan", "datong", "tax", "court"):
            source_urls[name] = create_pg_database(f"hubtest_{name}")
            created.append(source_urls[name])
    try:
        clients: dict[str, dict[str, str]] = {}

        async def prepare() -> None:
            clients.update(await server.prepare(hub_url, source_urls))

        _run_apart(prepare())
        settings = server.hub_settings(hub_url, source_urls)
        clock = server.Clock()
        for base_url in server.serve(settings, today=clock):
            yield server.HubFixture(base_url, settings, clients, server.sample_codes(), source_urls, clock=clock)
    finally:
        for url in created:
            drop_pg_database(url)
