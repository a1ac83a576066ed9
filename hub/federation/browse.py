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

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from hub.federation.adapter import ITEM, SOURCE, SUBJECT, Row, SqlSource, canonical, source_column
from hub.federation.mapping import FieldMap, RecordTypeMap

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
    day, key, subject = source_column(table, day_map), table.c[rt.item_key], table.c[rt.subject_key]
    columns = [subject.label(SUBJECT), key.label(KEY)]
    columns += [
        source_column(table, fm).label(name) for name in sorted(fields) if (fm := rt.fields.get(name)) and fm.column
    ]
    conditions: list[ColumnElement[bool]] = [day.is_not(None)]
    conditions += [table.c[column] == value for column, value in rt.filter.items()]
    for name, value in equals.items():
        conditions.append(source_column(table, rt.fields[name]) == _native(rt.fields[name], value))
    if since is not None:
        conditions.append(day >= _native(day_map, since))
    if region:
        size = len(region)  # a USCC's division starts at its 3rd character, a resident ID's at its 1st
        conditions.append(or_(func.substr(subject, 3, size) == region, func.substr(subject, 1, size) == region))
    if after is not None:
        last_day, last_key = _native(day_map, after.day), _typed_key(key, after.key)
        if source.name > after.source:
            conditions.append(day < last_day)
        elif source.name < after.source:
            conditions.append(day <= last_day)
        else:
            conditions.append(or_(day < last_day, and_(day == last_day, key < last_key)))
    statement = select(*columns).where(*conditions).order_by(day.desc(), key.desc()).limit(limit)
    async with source.engine.connect() as connection:
        result = await connection.execute(statement)
        rows: list[Row] = []
        for native in result.mappings():
            row: Row = {
                SUBJECT: native[SUBJECT], ITEM: f"{source.name}:{record_type}:{native[KEY]}", SOURCE: source.name,
                KEY: str(native[KEY]),
            }  # fmt: skip
            for name in fields:
                field_map = rt.fields.get(name)
                if field_map is not None:
                    raw = field_map.const if field_map.column is None else native[name]
                    row[name] = canonical(raw, field_map)
            rows.append(row)
        return rows
