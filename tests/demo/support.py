"""Reads seeded source databases the way the hub will: through schema/sources/<name>.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from hub.config import resource_dir
from hub.demo.native import NATIVE_SCHEMAS
from hub.store.engine import make_engine

SOURCES_DIR = resource_dir("schema") / "sources"
SOURCE_NAMES = ("taiyuan", "datong", "tax", "court")


def mapping(source: str) -> dict[str, Any]:
    """Answers the parsed mapping file of `source`."""
    data = yaml.safe_load((SOURCES_DIR / f"{source}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def source_urls(folder: Path) -> dict[str, str]:
    """Answers SQLite URLs for all four sources under `folder`."""
    return {name: f"sqlite+aiosqlite:///{folder / f'{name}.db'}" for name in SOURCE_NAMES}


async def mapped_rows(url: str, source: str, code: str) -> dict[str, list[dict[str, Any]]]:
    """Answers, per mapped record type, the native rows the hub would fetch for subject `code`."""
    tables = NATIVE_SCHEMAS[source].tables
    found: dict[str, list[dict[str, Any]]] = {}
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            for record_type, spec in mapping(source)["record_types"].items():
                table = tables[spec["table"]]
                query = select(table).where(table.c[spec["subject_key"]] == code)
                for column, value in (spec.get("filter") or {}).items():
                    query = query.where(table.c[column] == value)
                result = await conn.execute(query)
                found[record_type] = [dict(row._mapping) for row in result]
    finally:
        await engine.dispose()
    return found


async def table_dump(url: str, source: str) -> dict[str, set[tuple[Any, ...]]]:
    """Answers every row of every table of `source`, as sets of tuples."""
    dump: dict[str, set[tuple[Any, ...]]] = {}
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            for table in NATIVE_SCHEMAS[source].sorted_tables:
                dump[table.name] = {tuple(row) for row in await conn.execute(select(table))}
    finally:
        await engine.dispose()
    return dump


async def row_count(url: str, source: str, table_name: str) -> int:
    """Answers how many rows a native table holds."""
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            table = NATIVE_SCHEMAS[source].tables[table_name]
            return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())
    finally:
        await engine.dispose()
