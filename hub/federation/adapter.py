"""One SQL source: checks its mapping against the live schema and reads only the columns asked for."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Dialect, MetaData, Table, inspect
from sqlalchemy.exc import NoSuchTableError
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.errors import ConfigError
from hub.federation.mapping import SourceMap
from hub.federation.statements import (
    ITEM,
    SOURCE,
    SUBJECT,
    Compiled,
    Row,
    SourceStatement,
    build_statement,
    canonical,
)

__all__ = ["ITEM", "SOURCE", "SUBJECT", "Row", "SourceSchemaError", "SourceStatement", "SqlSource", "canonical", "ping"]
# Distinct (record types, fields) shapes a source keeps compiled; beyond it the cache starts again.
_CACHED_SHAPES = 512
_T = TypeVar("_T")


class SourceSchemaError(ConfigError):
    """The source database lacks a table or column its mapping names."""


class SqlSource:
    """A source database read through its mapping; statements are built once and cached."""

    def __init__(self, mapping: SourceMap, engine: AsyncEngine, timeout_ms: int | None = None) -> None:
        self.mapping = mapping
        self.engine = engine
        self.name = mapping.name
        self.timeout_ms = timeout_ms or mapping.timeout_ms
        self._tables: dict[str, Table] = {}
        self._statements: dict[frozenset[tuple[str, frozenset[str]]], SourceStatement] = {}
        self._compiled: dict[Hashable, Compiled] = {}

    def has_tables(self) -> bool:
        """Answers whether the mapped tables were reflected already."""
        return bool(self._tables)

    def table(self, name: str) -> Table:
        """Answers a reflected table of the mapping (after `check_schema`)."""
        return self._tables[name]

    async def check_schema(self) -> None:
        """Answers nothing; reflects the mapped tables and raises SourceSchemaError on anything missing."""
        async with self.engine.connect() as connection:
            await connection.run_sync(self._reflect)

    def _reflect(self, connection: Any) -> None:
        metadata = MetaData()
        inspector = inspect(connection)
        for rt in self.mapping.record_types.values():
            if rt.table not in self._tables:
                try:
                    self._tables[rt.table] = Table(rt.table, metadata, autoload_with=connection)
                except NoSuchTableError:
                    known = ", ".join(sorted(inspector.get_table_names())) or "none"
                    raise SourceSchemaError(
                        f"source '{self.name}' has no table '{rt.table}' (tables: {known})",
                        place=rt.column_place(rt.table),
                        fix="correct 'table' in the mapping or create the table in the source",
                    ) from None
            table = self._tables[rt.table]
            wanted = [rt.subject_key, rt.item_key, *rt.filter]
            wanted += [fm.column for fm in rt.fields.values() if fm.column is not None]
            for column in wanted:
                if column not in table.c:
                    raise SourceSchemaError(
                        f"source '{self.name}' table '{rt.table}' has no column '{column}'",
                        place=rt.column_place(column),
                        fix=f"use one of: {', '.join(table.c.keys())}",
                    )

    def statement(self, needs: Mapping[str, frozenset[str]]) -> SourceStatement:
        """Answers the compiled statement asking this source for `needs` (record type -> fields); after
        `check_schema`. Compiled once per shape, then taken from the cache."""
        key = frozenset(needs.items())
        cached = self._statements.get(key)
        if cached is None:
            if len(self._statements) >= _CACHED_SHAPES:
                self._statements.clear()
            types = self.mapping.record_types
            cached = build_statement(self.name, types, self._tables, needs, self.engine.dialect)
            self._statements[key] = cached
        return cached

    def provides(self, needs: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str]]:
        """Answers the part of `needs` (record type -> fields) this source can answer."""
        found: dict[str, frozenset[str]] = {}
        for record_type, fields in needs.items():
            rt = self.mapping.record_types.get(record_type)
            if rt is not None:
                mapped = fields & rt.fields.keys()
                if mapped or not fields:
                    found[record_type] = frozenset(mapped)
        return found

    async def fetch(
        self, codes: Sequence[str], needs: Mapping[str, frozenset[str]], deadline: float | None = None
    ) -> dict[str, list[Row]]:
        """Answers the rows for `codes`, per record type, with canonical field names; one statement in all."""
        if not self._tables:
            await self.check_schema()
        return await self.run(self.statement(needs), codes, deadline)

    async def run(
        self, statement: SourceStatement, codes: Sequence[str], deadline: float | None = None
    ) -> dict[str, list[Row]]:
        """Answers what `statement` (from `statement()`) finds for `codes`, on a pooled connection.

        At `deadline` (the loop's clock) a statement still running has its connection terminated and
        TimeoutError is raised: a source that never answers is not closed gracefully, which would wait
        for that source again. A connection whose statement failed is not given back to the pool.
        """
        return await self.on_driver(lambda driver: statement.run(driver, codes), deadline)

    def compiled(self, key: Hashable, build: Callable[[Dialect], Compiled]) -> Compiled:
        """Answers the statement cached under `key`, compiled by `build` for this source's dialect the first time."""
        cached = self._compiled.get(key)
        if cached is None:
            if len(self._compiled) >= _CACHED_SHAPES:
                self._compiled.clear()
            cached = self._compiled[key] = build(self.engine.dialect)
        return cached

    async def on_driver(self, work: Callable[[Any], Awaitable[_T]], deadline: float | None = None) -> _T:
        """Answers what `work` does with a pooled driver connection (asyncpg or aiosqlite), cut off at `deadline`."""
        async with self.engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            stop = _Terminator(driver)
            handle = None if deadline is None else asyncio.get_running_loop().call_at(deadline, stop)
            try:
                return await work(driver)
            except BaseException:
                await connection.invalidate()
                if stop.fired:
                    raise TimeoutError(f"source '{self.name}' did not answer in time") from None
                raise
            finally:
                if handle is not None:
                    handle.cancel()


class _Terminator:
    """Ends a driver connection at once (asyncpg's terminate), remembering that it did."""

    def __init__(self, driver: Any) -> None:
        self._terminate = getattr(driver, "terminate", None)
        self.fired = False

    def __call__(self) -> None:
        if self._terminate is not None:
            self.fired = True
            self._terminate()


async def ping(engine: AsyncEngine) -> None:
    """Answers nothing; raises SQLAlchemyError when the database cannot be reached."""
    async with engine.connect() as connection:
        await connection.exec_driver_sql("SELECT 1")
