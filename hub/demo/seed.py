"""Fills the demo source databases with generated subjects, in large chunks (COPY on PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from sqlalchemy import Table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.demo.facts import SOURCES
from hub.demo.generator import MAX_GENERATED, SPECIAL_SUBJECTS, generate, samples
from hub.demo.native import loaded_tables, recreate_schema
from hub.demo.rows import Row, encode, new_rows
from hub.errors import ConfigError
from hub.store.engine import is_sqlite, make_engine

CHUNK_SUBJECTS = 2_000
_URL_FIX = (
    "check that the database exists and is reachable, with a URL like sqlite+aiosqlite:///<file> "
    "or postgresql+asyncpg://<user>@<host>:<port>/<database>"
)


@dataclass(frozen=True)
class SeedReport:
    """What a seeding run wrote: rows per source and table, how long it took, and the sample codes."""

    subjects: int
    seed: int
    seconds: float
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    samples: dict[str, str] = field(default_factory=dict)


class SourceUnreachable(ConfigError):
    """A source database that cannot be opened or written; names the source."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        super().__init__(f"cannot use the '{source}' database: {reason}", place=f"source '{source}'", fix=_URL_FIX)


def _check_arguments(urls: Mapping[str, str], subjects: int) -> None:
    unknown = sorted(set(urls) - set(SOURCES))
    if unknown:
        raise ConfigError(f"unknown source '{unknown[0]}'", fix=f"name one of: {', '.join(SOURCES)}")
    if not 1 <= subjects <= MAX_GENERATED:
        raise ConfigError(f"subjects must be between 1 and {MAX_GENERATED}", fix="pass a smaller --subjects")
    for source, url in urls.items():
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise SourceUnreachable(source, "unsupported database URL")


def _reason(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    return text[:200]


async def _open(source: str, url: str) -> tuple[AsyncEngine, AsyncConnection]:
    kwargs: dict[str, Any] = {} if is_sqlite(url) else {"connect_args": {"timeout": 10}}
    try:
        engine = make_engine(url, pool_size=1, **kwargs)
        conn = await engine.connect()
    except (SQLAlchemyError, OSError, ValueError) as exc:
        raise SourceUnreachable(source, _reason(exc)) from None
    return engine, conn


async def _insert(source: str, conn: AsyncConnection, table: Table, rows: list[Row]) -> None:
    columns = [column.name for column in table.columns]
    try:
        if conn.dialect.name == "postgresql":
            raw = await conn.get_raw_connection()
            records = [tuple(row.get(name) for name in columns) for row in rows]
            driver: asyncpg.Connection = raw.driver_connection
            await driver.copy_records_to_table(table.name, records=records, columns=columns)
        else:
            await conn.execute(table.insert(), [{name: row.get(name) for name in columns} for row in rows])
    except (SQLAlchemyError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise SourceUnreachable(source, _reason(exc)) from None


async def seed_sources(
    urls: dict[str, str],
    subjects: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> SeedReport:
    """Recreates the named sources' schemas and fills them with subjects 0..subjects-1 of `seed`.

    `progress` is called with the number of subjects just written, after every chunk.
    """
    _check_arguments(urls, subjects)
    started = time.perf_counter()
    opened: dict[str, tuple[AsyncEngine, AsyncConnection]] = {}
    counts = {source: {table.name: 0 for table in loaded_tables(source)} for source in urls}
    try:
        for source, url in urls.items():
            opened[source] = await _open(source, url)
        for source, (_, conn) in opened.items():
            try:
                if conn.dialect.name == "sqlite":
                    await conn.exec_driver_sql("PRAGMA synchronous=OFF")
                await recreate_schema(conn, source)
            except (SQLAlchemyError, OSError) as exc:
                raise SourceUnreachable(source, _reason(exc)) from None
        for start in range(0, subjects, CHUNK_SUBJECTS):
            stop = min(subjects, start + CHUNK_SUBJECTS)
            rows = new_rows()
            for facts in generate(seed, start, stop):
                encode(facts, rows)
            for source, (_, conn) in opened.items():
                for table in loaded_tables(source):
                    chunk = rows[source][table.name]
                    if chunk:
                        await _insert(source, conn, table, chunk)
                        counts[source][table.name] += len(chunk)
            if progress is not None:
                progress(stop - start)
        for _, conn in opened.values():
            await conn.commit()
    finally:
        for engine, conn in opened.values():
            await conn.close()
            await engine.dispose()
    sample_codes = samples(seed, subjects) if subjects >= SPECIAL_SUBJECTS else {}
    return SeedReport(subjects, seed, round(time.perf_counter() - started, 3), counts, sample_codes)
