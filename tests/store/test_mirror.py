"""Mirrors of small tables: loaded once, refreshed by notifications, distrusted whenever they may be behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.store.engine import make_engine
from hub.store.mirror import Mirror, announce
from tests.identity.support import migrated_database
from tests.store.conftest import POSTGRES

CHANNEL = "credit_hub_test_mirror"
WAIT = 5.0


async def _names(conn: AsyncConnection) -> frozenset[str]:
    return frozenset((await conn.execute(text("SELECT name FROM mirrored"))).scalars())


@pytest.fixture(params=POSTGRES)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Answers an engine on a scratch PostgreSQL database holding a small table to mirror."""
    async with migrated_database(request.param, tmp_path, migrate=False) as url:
        made = make_engine(url)
        async with made.begin() as conn:
            await conn.execute(text("CREATE TABLE mirrored (name VARCHAR(20) PRIMARY KEY)"))
            await conn.execute(text("INSERT INTO mirrored VALUES ('first')"))
        yield made
        await made.dispose()


@pytest.fixture
async def mirror(engine: AsyncEngine) -> AsyncIterator[Mirror[frozenset[str]]]:
    made = Mirror(engine, CHANNEL, _names)
    await made.start()
    yield made
    await made.stop()


async def _add(engine: AsyncEngine, name: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO mirrored VALUES (:name)"), {"name": name})
        await announce(conn, CHANNEL)


async def _until(mirror: Mirror[frozenset[str]], name: str) -> frozenset[str]:
    async with asyncio.timeout(WAIT):
        while name not in (current := await mirror.trusted()):  # noqa: ASYNC110 - trusted, not yet reloaded
            await asyncio.sleep(0.01)
    return current


async def test_without_postgresql_there_is_no_copy_to_trust(tmp_path: Path) -> None:
    sqlite = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}")
    mirror = Mirror(sqlite, CHANNEL, _names)
    try:
        await mirror.start()
        await asyncio.sleep(0.1)
        assert mirror.current is None
    finally:
        await mirror.stop()
        await sqlite.dispose()


async def test_the_copy_is_loaded_once_started(engine: AsyncEngine, mirror: Mirror[frozenset[str]]) -> None:
    async with asyncio.timeout(WAIT):
        assert await mirror.trusted() == {"first"}


async def test_another_process_s_change_reaches_the_copy(engine: AsyncEngine, mirror: Mirror[frozenset[str]]) -> None:
    async with asyncio.timeout(WAIT):
        await mirror.trusted()
    other = make_engine(engine.url.render_as_string(hide_password=False))  # as another worker would
    try:
        await _add(other, "second")
        assert await _until(mirror, "second") == {"first", "second"}
    finally:
        await other.dispose()


async def test_an_unannounced_change_is_seen_at_the_next_refresh(engine: AsyncEngine) -> None:
    mirror = Mirror(engine, CHANNEL, _names, refresh=0.2)
    await mirror.start()
    try:
        async with asyncio.timeout(WAIT):
            await mirror.trusted()
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO mirrored VALUES ('quiet')"))
        assert "quiet" in await _until(mirror, "quiet")
    finally:
        await mirror.stop()


async def test_the_copy_is_not_trusted_while_this_process_writes(
    engine: AsyncEngine, mirror: Mirror[frozenset[str]]
) -> None:
    async with asyncio.timeout(WAIT):
        await mirror.trusted()
    async with mirror.changing():
        await _add(engine, "mine")
        assert mirror.current is None
    assert mirror.current is None  # until it has reloaded
    async with asyncio.timeout(WAIT):
        assert "mine" in await mirror.trusted()


async def test_a_lost_listening_connection_is_replaced(engine: AsyncEngine) -> None:
    mirror = Mirror(engine, CHANNEL, _names, refresh=60)  # no periodic reload could explain what follows
    await mirror.start()
    try:
        async with asyncio.timeout(WAIT):
            await mirror.trusted()
        async with engine.connect() as conn:
            ended = await conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'"
                )
            )
            assert ended.scalars().all() == [True]
        await asyncio.sleep(0.2)
        await _add(engine, "after")
        assert "after" in await _until(mirror, "after")
    finally:
        await mirror.stop()
