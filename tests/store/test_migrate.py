"""Migrations of the hub's database: SQLite files are left as the hub opens them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hub.store.migrate import current_head, upgrade


def test_a_migrated_sqlite_file_is_at_head_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (current_head(),)
