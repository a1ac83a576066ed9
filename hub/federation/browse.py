"""Browsing one record type across a source, newest first, by a date field: the public lists' read.

Unlike a fetch (by subject codes), a browse reads the rows whose canonical field equals a value, from a
day on, in pages: keyset order (date descending, then the source's own key descending), so a page
never repeats or skips a row however the source grows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Dialect, String, Table, and_, bindparam, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from hub.federation.adapter import ITEM, SOURCE, SUBJECT, Row, SqlSource, canonical
from hub.federation.mapping import FieldMap, RecordTypeMap
from hub.federation.statements import Compiled, compile_once, source_column

KEY = "_key"  # the source's own item key, native, for the next page's position


@dataclass(frozen=True, slots=True)
class Position:
    """Where a browse stopped: the day, the source and the source's own key of the last row seen."""

    day: date
    source: str
    key: str


def _native(field_map: FieldMap, value: Any) -> Any:
    """Answers the source's own form of a canonical value (the mapping's codes, its text date format)."""
    if field_map.values is not None:
        return next((native for native, canonical in field_map.values.items() if canonical == value), value)
    if field_map.date_format is not None and isinstance(value, date):
        return value.strftime(field_map.date_format)
    return value


def _typed_key(column: Any, key: str) -> Any:
    try:
        return int(key) if column.type.python_type is int else key
    except (NotImplementedError, ValueError):
        return key


def _relation(source: str, after: Position | None) -> str | None:
    """Answers how a source's rows stand to the last position: all before its day, up to it, or keyset within it."""
    if after is None:
        return None
    if source > after.source:
        return "before"
    return "through" if source < after.source else "keyset"


def _statement(
    rt: RecordTypeMap, table: Table, fields: frozenset[str], by: str, equals: tuple[str, ...],
    since: bool, region: int, relation: str | None, dialect: Dialect,
) -> Compiled:  # fmt: skip
    """Answers the browse statement of one shape, with bound parameters for every value a page brings."""
    day, key, subject = source_column(table, rt.fields[by]), table.c[rt.item_key], table.c[rt.subject_key]
    columns = [subject.label(SUBJECT), key.label(KEY)]
    columns += [
        source_column(table, fm).label(name) for name in sorted(fields) if (fm := rt.fields.get(name)) and fm.column
    ]
    conditions: list[ColumnElement[bool]] = [day.is_not(None)]
    conditions += [table.c[column] == value for column, value in rt.filter.items()]
    given = {"limit"}
    for index, name in enumerate(equals):
        column = source_column(table, rt.fields[name])
        conditions.append(column == bindparam(f"equals_{index}", type_=column.type))
        given.add(f"equals_{index}")
    if since:
        conditions.append(day >= bindparam("since", type_=day.type))
        given.add("since")
    if region:  # a USCC's division starts at its 3rd character, a resident ID's at its 1st
        near = bindparam("region", type_=String())
        conditions.append(or_(func.substr(subject, 3, region) == near, func.substr(subject, 1, region) == near))
        given.add("region")
    last_day, last_key = bindparam("last_day", type_=day.type), bindparam("last_key", type_=key.type)
    if relation == "before":
        conditions.append(day < last_day)
    elif relation == "through":
        conditions.append(day <= last_day)
    elif relation == "keyset":
        conditions.append(or_(day < last_day, and_(day == last_day, key < last_key)))
        given.add("last_key")
    if relation is not None:
        given.add("last_day")
    statement = select(*columns).where(*conditions).order_by(day.desc(), key.desc()).limit(bindparam("limit"))
    return compile_once(statement, dialect, frozenset(given))


async def browse(
    source: SqlSource, record_type: str, fields: frozenset[str], *, by: str, equals: Mapping[str, Any],
    since: date | None, region: str | None, after: Position | None, limit: int,
) -> list[Row]:  # fmt: skip
    """Answers up to `limit` rows of `record_type` after `after`, newest `by` first, with canonical fields, a
    `_key`; `region` narrows to subject codes whose division may start with it (callers check each code)."""
    rt: RecordTypeMap = source.mapping.record_types[record_type]
    if not source.has_tables():
        await source.check_schema()
    table = source.table(rt.table)
    day_map = rt.fields[by]
    names = tuple(sorted(equals))
    relation = _relation(source.name, after)
    shape = ("browse", record_type, fields, by, names, since is not None, len(region or ""), relation)
    compiled = source.compiled(
        shape, lambda dialect: _statement(rt, table, fields, by, names, since is not None, len(region or ""),
                                          relation, dialect)
    )  # fmt: skip
    values: dict[str, Any] = {"limit": limit, "region": region}
    values |= {f"equals_{index}": _native(rt.fields[name], equals[name]) for index, name in enumerate(names)}
    if since is not None:
        values["since"] = _native(day_map, since)
    if after is not None:
        values["last_day"] = _native(day_map, after.day)
        values["last_key"] = _typed_key(table.c[rt.item_key], after.key)
    natives = await source.on_driver(lambda driver: compiled.rows(driver, values))
    readers = [(name, fm) for name in sorted(fields) if (fm := rt.fields.get(name)) is not None]
    rows: list[Row] = []
    for native in natives:
        row: Row = {
            SUBJECT: native[0], ITEM: f"{source.name}:{record_type}:{native[1]}", SOURCE: source.name,
            KEY: str(native[1]),
        }  # fmt: skip
        at = 2
        for name, field_map in readers:
            if field_map.column is None:
                row[name] = canonical(field_map.const, field_map)
            else:
                raw, read = native[at], compiled.readers[at]
                row[name] = canonical(raw if read is None else read(raw), field_map)
                at += 1
        rows.append(row)
    return rows
