"""Alembic environment of the hub-managed source database that departments submit records into.

A source, not the hub's own database: its revisions live here, apart from `migrations/versions`, and its
version is kept in `alembic_version_collected`, so it may share a database with the hub (the default) or
live in one of its own (`[sources.collected] url`). `credit-hub migrate` upgrades both.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection

from hub.store.collected_tables import VERSION_TABLE, metadata
from hub.store.engine import make_engine, sqlite_pragmas


def _url() -> str:
    url = context.config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("alembic: pass -x url=<database URL> or run `credit-hub migrate`")
    return str(url)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_sqlite(url: str) -> None:
    engine = create_engine(url.replace("sqlite+aiosqlite:", "sqlite:", 1))
    event.listen(engine, "connect", sqlite_pragmas)
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
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True, version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()
elif _url().startswith("sqlite"):
    _run_sqlite(_url())
else:
    asyncio.run(_run_async())
