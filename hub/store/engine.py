"""Async engines for the hub's own database, with the SQLite pragmas the embedded mode needs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry


def sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    """Answers nothing; sets the pragmas every connection to the hub's SQLite database needs."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=5000")  # first: switching to WAL waits for other processes' locks
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str, *, pool_size: int = 5, **kwargs: Any) -> AsyncEngine:
    """Answers an async engine for a sqlite+aiosqlite or postgresql+asyncpg URL.

    On PostgreSQL at most `pool_size` connections are open, and more callers wait their turn: a
    connection opened beyond the pool for a burst would be closed again right after (a new backend,
    statements prepared again), which costs more than the wait.
    """
    if url.startswith("sqlite"):
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_size=pool_size, max_overflow=0, pool_pre_ping=False, **kwargs)


def driver_dsn(engine: AsyncEngine) -> str:
    """Answers the engine's PostgreSQL URL as asyncpg.connect takes it, for connections kept apart from the pool."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    """Answers whether a database URL names the embedded SQLite backend."""
    return url.startswith("sqlite")


def sqlite_file(url: str) -> str | None:
    """Answers the file an SQLite URL names (None for PostgreSQL or an in-memory database)."""
    database = make_url(url).database if is_sqlite(url) else None
    return database if database and database != ":memory:" else None


def single_statements(engine: AsyncEngine) -> AsyncEngine:
    """Answers the engine in autocommit mode, for statements committed each on its own.

    A lookup then costs one round trip on PostgreSQL: no BEGIN before it and no ROLLBACK when its
    connection returns to the pool.
    """
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def read_lookups(engine: AsyncEngine) -> AsyncEngine:
    """Answers the engine for look-ups of one SELECT each: autocommit on PostgreSQL, the engine as it is on SQLite.

    On SQLite a SELECT opens no transaction anyway, and switching a pooled connection to autocommit
    costs a PRAGMA (three more hops to aiosqlite's thread) each time it returns to the pool.
    """
    return engine if engine.dialect.name == "sqlite" else single_statements(engine)
