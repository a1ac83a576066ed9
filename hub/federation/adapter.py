"""One SQL source: checks its mapping against the live schema and reads only the columns asked for."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, MetaData, Select, Table, bindparam, inspect, select, type_coerce
from sqlalchemy.exc import NoSuchTableError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from hub.errors import ConfigError
from hub.federation.mapping import FieldMap, RecordTypeMap, SourceMap

Row = dict[str, Any]
SUBJECT = "_subject"
ITEM = "_item"
SOURCE = "_source"


class SourceSchemaError(ConfigError):
    """The source database lacks a table or column its mapping names."""


def _convert(value: Any, field_map: FieldMap) -> Any:
    if field_map.values is not None and value is not None:
        return field_map.values.get(str(value), str(value))
    if field_map.date_format is not None and isinstance(value, str) and value:
        return datetime.strptime(value, field_map.date_format).date()
    if isinstance(value, datetime):
        return value.date()
    return value


def source_column(table: Table, field_map: FieldMap) -> ColumnElement[Any]:
    """Answers the expression reading a mapped field: its column, or the member `key` of a JSON column."""
    column = table.c[field_map.column or ""]
    if field_map.key is None:
        return column
    member: ColumnElement[Any] = type_coerce(column, JSON)[field_map.key].as_string()
    return member


def canonical(value: Any, field_map: FieldMap) -> Any:
    """Answers a source's native value in the catalogue's form (the mapping's codes and date formats)."""
    return _convert(value, field_map)


class SqlSource:
    """A source database read through its mapping; statements are built once and cached."""

    def __init__(self, mapping: SourceMap, engine: AsyncEngine, timeout_ms: int | None = None) -> None:
        self.mapping = mapping
        self.engine = engine
        self.name = mapping.name
        self.timeout_ms = timeout_ms or mapping.timeout_ms
        self._tables: dict[str, Table] = {}
        self._statements: dict[tuple[str, frozenset[str]], Select[Any]] = {}

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

    def _statement(self, rt: RecordTypeMap, fields: frozenset[str]) -> Select[Any]:
        key = (rt.record_type, fields)
        cached = self._statements.get(key)
        if cached is not None:
            return cached
        table = self._tables[rt.table]
        columns = [table.c[rt.subject_key].label(SUBJECT), table.c[rt.item_key].label(ITEM)]
        for name in sorted(fields):
            field_map = rt.fields.get(name)
            if field_map is not None and field_map.column is not None:
                columns.append(source_column(table, field_map).label(name))
        statement = select(*columns).where(table.c[rt.subject_key].in_(bindparam("codes", expanding=True)))
        for column, value in rt.filter.items():
            statement = statement.where(table.c[column] == value)
        self._statements[key] = statement
        return statement

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
        """Answers the rows for `codes`, per record type, with canonical field names; one statement a type.

        At `deadline` (the loop's clock) a statement still running has its connection terminated and
        TimeoutError is raised: a source that never answers is not closed gracefully, which would wait
        for that source again.
        """
        if not self._tables:
            await self.check_schema()
        async with self.engine.connect() as connection:
            if deadline is None:
                return await self._run(connection, codes, needs)
            driver = (await connection.get_raw_connection()).driver_connection
            stop = _Terminator(driver)
            handle = asyncio.get_running_loop().call_at(deadline, stop)
            try:
                return await self._run(connection, codes, needs)
            except Exception:
                if stop.fired:
                    raise TimeoutError(f"source '{self.name}' did not answer in time") from None
                raise
            finally:
                handle.cancel()

    async def _run(
        self, connection: AsyncConnection, codes: Sequence[str], needs: Mapping[str, frozenset[str]]
    ) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = {}
        for record_type, fields in needs.items():
            rt = self.mapping.record_types[record_type]
            result = await connection.execute(self._statement(rt, fields), {"codes": list(codes)})
            rows: list[Row] = []
            for native in result.mappings():
                row: Row = {
                    SUBJECT: native[SUBJECT],
                    ITEM: f"{self.name}:{record_type}:{native[ITEM]}",
                    SOURCE: self.name,
                }
                for name in fields:
                    field_map = rt.fields.get(name)
                    if field_map is None:
                        continue
                    raw = field_map.const if field_map.column is None else native[name]
                    row[name] = _convert(raw, field_map)
                rows.append(row)
            found[record_type] = rows
        return found


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
