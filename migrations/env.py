"""Alembic environment: runs migrations on the database named by `-x url=` or the caller.

PostgreSQL goes through the hub's async engine (asyncpg); SQLite through the standard library's
driver, since Alembic works synchronously and aiosqlite's worker thread could outlive the event loop
of a failed run and print a traceback.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection

from hub.store.engine import make_engine, sqlite_pragmas
from hub.store.tables import metadata

target_metadata = metadata


def _url() -> str:
    url = context.config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("alembic: pass -x url=<database URL> or run `credit-hub migrate`")
    return str(url)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_sqlite(url: str) -> None:
    engine = create_engine(url.replace("sqlite+aiosqlite:", "sqlite:", 1))
    event.listen(engine, "connect", sqlite_pragmas)  # the file is left in WAL mode, as the hub opens it
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


async def _run_async() -> None:
    engine = make_engine(_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    existing = context.config.attributes.get("connection")
    if existing is not None:
        _run(existing)
    elif _url().startswith("sqlite"):
        _run_sqlite(_url())
    else:
        asyncio.run(_run_async())
