"""Migrations of the hub's database: SQLite files are left as the hub opens them."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store import collected_tables
from hub.store.migrate import alembic_config, current_head, upgrade, upgrade_hub
from hub.store.tables import metadata


def test_a_migrated_sqlite_file_is_at_head_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (current_head(),)


async def test_the_migrations_build_exactly_the_tables_the_code_declares(engine: AsyncEngine) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        found = list(compare_metadata(context, metadata))
        return [d for d in found if not _collected(d)]

    async with engine.connect() as connection:
        found = await connection.run_sync(differences)
    assert found == [], "models and migrations disagree: add a migration (or fix tables.py) so they match"


async def test_the_collected_migrations_build_exactly_the_collected_tables(engine: AsyncEngine) -> None:
    def differences(connection: Connection) -> list[object]:
        def ours(name: str | None, kind: str, _parent: object) -> bool:
            return kind != "table" or (name or "").startswith("collected_")

        options = {"compare_type": True, "include_name": ours, "version_table": collected_tables.VERSION_TABLE}
        context = MigrationContext.configure(connection, opts=options)
        return list(compare_metadata(context, collected_tables.metadata))

    async with engine.connect() as connection:
        found = await connection.run_sync(differences)
    assert found == [], "collected_tables.py and migrations/collected disagree"


def _collected(difference: object) -> bool:
    """Answers whether a difference is about the collected source's tables (migrated apart, compared apart)."""
    text = repr(difference)
    return "collected_" in text or collected_tables.VERSION_TABLE in text


_CASE_INDEX = "ix_audit_events_case_number_seq"


async def _index_definitions(engine: AsyncEngine) -> dict[str, str]:
    if engine.dialect.name == "sqlite":
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
    async with engine.connect() as conn:
        rows = (await conn.exec_driver_sql(query)).all()
    return {name: " ".join(str(sql).split()) for name, sql in rows if name.startswith("ix_audit_")}


async def test_the_register_index_migration_goes_down_and_up_again(engine: AsyncEngine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    migrated = await _index_definitions(engine)
    assert "WHERE" in migrated[_CASE_INDEX]
    assert "case_number IS NOT NULL" in migrated[_CASE_INDEX]

    await asyncio.to_thread(command.downgrade, alembic_config(url), "0013")
    before = await _index_definitions(engine)
    assert set(before) == set(migrated)
    assert "WHERE" not in before[_CASE_INDEX]
    assert {name: sql for name, sql in before.items() if name != _CASE_INDEX} == {
        name: sql for name, sql in migrated.items() if name != _CASE_INDEX
    }

    await asyncio.to_thread(upgrade_hub, url)
    assert await _index_definitions(engine) == migrated
