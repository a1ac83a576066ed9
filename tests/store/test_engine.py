"""Engines for the hub's databases: bounded PostgreSQL pools, SQLite pragmas, autocommit lookups."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from hub.store.engine import driver_dsn, make_engine, read_lookups, single_statements
from tests.identity.support import BACKENDS, migrated_database
from tests.store.conftest import POSTGRES


@pytest.mark.parametrize("backend", POSTGRES)
async def test_a_postgresql_pool_never_opens_more_than_its_size(backend: str, tmp_path: Path) -> None:
    async with migrated_database(backend, tmp_path, migrate=False) as url:
        engine = make_engine(url, pool_size=2)
        try:

            async def busy() -> int:
                async with engine.connect() as conn:
                    return int((await conn.execute(text("SELECT pg_backend_pid() FROM pg_sleep(0.05)"))).scalar_one())

            backends = await asyncio.gather(*(busy() for _ in range(8)))
            assert len(set(backends)) == 2  # the other six waited for one of the two
        finally:
            await engine.dispose()


async def test_sqlite_engines_use_the_write_ahead_log(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_single_statements_are_each_committed_at_once(backend: str, tmp_path: Path) -> None:
    async with migrated_database(backend, tmp_path, migrate=False) as url:
        engine = make_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.execute(text("CREATE TABLE said (word VARCHAR(10))"))
            async with single_statements(engine).connect() as lookups:
                await lookups.execute(text("INSERT INTO said VALUES ('once')"))  # no commit asked for
                async with engine.connect() as other:
                    assert (await other.execute(text("SELECT word FROM said"))).scalars().all() == ["once"]
        finally:
            await engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_look_up_sees_what_was_committed_since_the_last_one(backend: str, tmp_path: Path) -> None:
    """A look-up leaves no transaction open on its pooled connection, so the next one reads the latest commit."""
    async with migrated_database(backend, tmp_path, migrate=False) as url:
        engine = make_engine(url, pool_size=1)
        try:
            async with engine.begin() as conn:
                await conn.execute(text("CREATE TABLE said (word VARCHAR(10))"))
            lookups = read_lookups(engine)
            for word in ("once", "twice"):
                async with lookups.connect() as conn:
                    seen = (await conn.execute(text("SELECT count(*) FROM said"))).scalar()
                async with engine.begin() as conn:
                    await conn.execute(text("INSERT INTO said VALUES (:word)"), {"word": word})
                async with lookups.connect() as conn:
                    assert (await conn.execute(text("SELECT count(*) FROM said"))).scalar() == (seen or 0) + 1
        finally:
            await engine.dispose()


@pytest.mark.parametrize(
    ("url", "dsn"),
    [
        ("postgresql+asyncpg://hub:s%40cret@db.example:6432/hub", "postgresql://hub:s%40cret@db.example:6432/hub"),
        (
            "postgresql+asyncpg://hub@/hub?host=/var/run/postgresql",
            "postgresql://hub@/hub?host=%2Fvar%2Frun%2Fpostgresql",
        ),
    ],
    ids=["tcp-with-password", "unix-socket"],
)
async def test_connections_apart_from_the_pool_use_the_engine_s_url_as_asyncpg_takes_it(url: str, dsn: str) -> None:
    engine = make_engine(url)
    try:
        assert driver_dsn(engine) == dsn
    finally:
        await engine.dispose()
