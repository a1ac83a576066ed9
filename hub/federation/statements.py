"""A source asked once per request: its record types united in one SELECT, the subject codes one array parameter.

The SQL text is compiled once per (source, record types, fields) and then run on the driver connection
itself (asyncpg prepares it once per connection and keeps it in its statement cache; SQLite caches it
too), so a request costs no statement building at all. The codes travel as one parameter whatever
their number: `= ANY($1)` on PostgreSQL, `IN (SELECT value FROM json_each(?))` on SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    Dialect,
    String,
    Table,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    type_coerce,
)
from sqlalchemy.exc import CompileError
from sqlalchemy.sql.elements import ColumnElement, Label

from hub.errors import ConfigError
from hub.federation.mapping import FieldMap, RecordTypeMap

Row = dict[str, Any]
SUBJECT = "_subject"
ITEM = "_item"
SOURCE = "_source"
CODES = "codes"  # the bound parameter that carries the subject codes
_TAG = "_t"  # which record type a row of a united statement belongs to


def _convert(value: Any, field_map: FieldMap) -> Any:
    if field_map.values is not None and value is not None:
        return field_map.values.get(str(value), str(value))
    if field_map.date_format is not None and isinstance(value, str) and value:
        return datetime.strptime(value, field_map.date_format).date()
    if isinstance(value, datetime):
        return value.date()
    return value


def canonical(value: Any, field_map: FieldMap) -> Any:
    """Answers a source's native value in the catalogue's form (the mapping's codes and date formats)."""
    return _convert(value, field_map)


def source_column(table: Table, field_map: FieldMap) -> ColumnElement[Any]:
    """Answers the expression reading a mapped field: its column, or the member `key` of a JSON column."""
    column = table.c[field_map.column or ""]
    if field_map.key is None:
        return column
    member: ColumnElement[Any] = type_coerce(column, JSON)[field_map.key].as_string()
    return member


def _reader(field_map: FieldMap, processor: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """Answers the function turning a column's raw driver value into the canonical one."""
    if processor is None:
        return lambda raw: _convert(raw, field_map)
    return lambda raw: _convert(processor(raw), field_map)


@dataclass(frozen=True, slots=True)
class _Read:
    """Where one record type's values sit in a statement's rows, and how each becomes canonical."""

    record_type: str
    item_prefix: str
    subject: int
    item: int
    columns: tuple[tuple[str, int, Callable[[Any], Any]], ...]
    constants: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A statement's SQL text compiled once for a dialect, and how a run's values become its driver arguments."""

    sql: str
    names: tuple[str, ...]  # the bound parameter of each driver argument, in order
    fixed: tuple[Any, ...]  # the constants' driver values; a run's own values go where `given` names them
    given: frozenset[str]
    processors: tuple[Callable[[Any], Any] | None, ...]
    json_codes: bool  # SQLite (aiosqlite, `?` arguments) rather than asyncpg (`$n`)
    readers: tuple[Callable[[Any], Any] | None, ...]  # per result column: the type's reading of a raw value

    def arguments(self, values: Mapping[str, Any]) -> list[Any]:
        """Answers the driver arguments for a run with `values` (one per name in `given`)."""
        arguments = list(self.fixed)
        for slot, name in enumerate(self.names):
            if name in self.given:
                value, processor = values[name], self.processors[slot]
                arguments[slot] = value if processor is None else processor(value)
        return arguments

    async def rows(self, driver: Any, values: Mapping[str, Any]) -> Sequence[Any]:
        """Answers the rows (indexable by column position) of one run on an asyncpg or aiosqlite connection."""
        if self.json_codes:
            return await driver.execute_fetchall(self.sql, self.arguments(values))  # type: ignore[no-any-return]
        return await driver.fetch(self.sql, *self.arguments(values))  # type: ignore[no-any-return]


def compile_once(statement: Any, dialect: Dialect, given: frozenset[str]) -> Compiled:
    """Answers `statement` compiled for `dialect`; `given` names the bound parameters each run supplies."""
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    processors = []
    for name in names:
        processor = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        processors.append(None if dialect.name == "postgresql" else processor)
    fixed = tuple(
        None if name in given else (value if (p := processors[slot]) is None else p(value))
        for slot, name in enumerate(names)
        for value in (compiled.params[name],)
    )
    readers = tuple(_processor(column.type, dialect) for column in statement.selected_columns)
    return Compiled(compiled.string, names, fixed, given, tuple(processors), dialect.name == "sqlite", readers)


def _processor(type_: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """Answers how a column type's raw driver value is read: asyncpg answers Python values already, while
    SQLite's stored text (dates, decimals) needs the type's reading."""
    if dialect.name == "postgresql":
        return None
    return type_.dialect_impl(dialect).result_processor(dialect, None)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class _Part:
    """One compiled statement and how its rows are read."""

    compiled: Compiled
    reads: tuple[_Read, ...]  # several: the first column is the tag naming the read of each row


class SourceStatement:
    """What one source is asked for a fixed set of record types and fields: usually a single statement."""

    def __init__(self, source: str, needs: Mapping[str, frozenset[str]], parts: Sequence[_Part], json_codes: bool):
        self.source = source
        self.needs = dict(needs)
        self._parts = tuple(parts)
        self._json_codes = json_codes

    @property
    def statements(self) -> int:
        """Answers how many statements one run sends (1 unless a column type cannot be united)."""
        return len(self._parts)

    @property
    def sql(self) -> tuple[str, ...]:
        """Answers the SQL texts a run sends, in order."""
        return tuple(part.compiled.sql for part in self._parts)

    async def run(self, driver: Any, codes: Sequence[str]) -> dict[str, list[Row]]:
        """Answers the rows of `codes` per record type, canonical, on an asyncpg or aiosqlite driver connection."""
        value: Any = json.dumps(list(codes)) if self._json_codes else list(codes)
        found: dict[str, list[Row]] = {record_type: [] for record_type in self.needs}
        given = {CODES: value}
        for part in self._parts:
            rows = await part.compiled.rows(driver, given)
            if len(part.reads) == 1:
                _collect(part.reads[0], rows, found[part.reads[0].record_type], self.source)
            else:
                by_tag: list[list[Any]] = [[] for _ in part.reads]
                for native in rows:
                    by_tag[native[0]].append(native)
                for read, tagged in zip(part.reads, by_tag, strict=True):
                    _collect(read, tagged, found[read.record_type], self.source)
        return found


def _collect(read: _Read, rows: Sequence[Any], into: list[Row], source: str) -> None:
    prefix = read.item_prefix
    for native in rows:
        row: Row = {SUBJECT: native[read.subject], ITEM: f"{prefix}{native[read.item]}", SOURCE: source}
        for name, at, convert in read.columns:
            row[name] = convert(native[at])
        for name, value in read.constants:
            row[name] = value
        into.append(row)


def _codes_match(column: Any, dialect: Dialect) -> ColumnElement[bool]:
    if dialect.name == "postgresql":
        return column == any_(bindparam(CODES, type_=ARRAY(column.type)))  # type: ignore[no-any-return]
    values = func.json_each(bindparam(CODES, type_=String())).table_valued("value")
    return column.in_(select(values.c.value))  # type: ignore[no-any-return]


def _layout(rt: RecordTypeMap, table: Table, fields: frozenset[str]) -> tuple[list[Any], list[FieldMap]]:
    """Answers a record type's own columns (subject key, item key, then its mapped fields) and their maps."""
    columns: list[ColumnElement[Any]] = [table.c[rt.subject_key], table.c[rt.item_key]]
    maps: list[FieldMap] = []
    for name in sorted(fields):
        field_map = rt.fields.get(name)
        if field_map is not None and field_map.column is not None:
            columns.append(source_column(table, field_map))
            maps.append(field_map)
    return columns, maps


def build_statement(
    source: str,
    record_types: Mapping[str, RecordTypeMap],
    tables: Mapping[str, Table],
    needs: Mapping[str, frozenset[str]],
    dialect: Dialect,
) -> SourceStatement:
    """Answers the statement asking `source` for `needs` (record type -> fields), compiled for `dialect`.

    Record types are united (UNION ALL, each in its own columns, typed NULLs elsewhere) into one
    statement; if the dialect cannot name a column's type for its NULLs, each record type gets its own.
    """
    if dialect.name not in ("postgresql", "sqlite"):
        raise ConfigError(
            f"source '{source}' is on {dialect.name}, which the hub cannot ask with array parameters",
            fix="serve the source from PostgreSQL or SQLite",
        )
    shapes = [(record_types[name], fields) for name, fields in needs.items()]
    json_codes = dialect.name == "sqlite"
    try:
        parts = [_compile(source, shapes, tables, dialect)]
    except CompileError:
        parts = [_compile(source, [shape], tables, dialect) for shape in shapes]
    return SourceStatement(source, needs, parts, json_codes)


def _compile(
    source: str, shapes: Sequence[tuple[RecordTypeMap, frozenset[str]]], tables: Mapping[str, Table], dialect: Dialect
) -> _Part:
    layouts = [_layout(rt, tables[rt.table], fields) for rt, fields in shapes]
    united = len(shapes) > 1
    width = sum(len(columns) for columns, _ in layouts)
    selects = []
    reads: list[_Read] = []
    start = 1 if united else 0
    for index, ((rt, fields), (columns, maps)) in enumerate(zip(shapes, layouts, strict=True)):
        table = tables[rt.table]
        slots: list[Label[Any] | Any] = [literal_column(str(index)).label(_TAG)] if united else []
        position = 0
        for other, (other_columns, _) in enumerate(layouts):
            for column in other_columns:
                label = f"c{position}"
                slots.append(column.label(label) if other == index else cast(null(), column.type).label(label))
                position += 1
        statement = select(*slots).where(_codes_match(table.c[rt.subject_key], dialect))
        for column_name, value in rt.filter.items():
            statement = statement.where(table.c[column_name] == value)
        selects.append(statement)
        reads.append(_read(source, rt, fields, columns, maps, start, dialect))
        start += len(columns)
    assert start == width + (1 if united else 0)
    query = selects[0] if not united else selects[0].union_all(*selects[1:])
    return _Part(compile_once(query, dialect, frozenset({CODES})), tuple(reads))


def _read(
    source: str,
    rt: RecordTypeMap,
    fields: frozenset[str],
    columns: Sequence[Any],
    maps: Sequence[FieldMap],
    start: int,
    dialect: Dialect,
) -> _Read:
    converted: list[tuple[str, int, Callable[[Any], Any]]] = []
    for offset, (column, field_map) in enumerate(zip(columns[2:], maps, strict=True)):
        # asyncpg answers Python values already; SQLite's stored text (dates, decimals) needs the type's reading.
        processor = (
            None if dialect.name == "postgresql" else column.type.dialect_impl(dialect).result_processor(dialect, None)
        )
        converted.append((field_map.field, start + 2 + offset, _reader(field_map, processor)))
    constants = tuple(
        (name, _convert(fm.const, fm)) for name in sorted(fields) if (fm := rt.fields.get(name)) and fm.column is None
    )
    return _Read(rt.record_type, f"{source}:{rt.record_type}:", start, start + 1, tuple(converted), constants)
