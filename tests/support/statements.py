"""Counts what the hub sends to its databases, at the drivers: asyncpg's query logger, SQLite's trace callback.

The hub runs source statements on the driver connections themselves, under SQLAlchemy's pool, so the
count is taken where every statement must pass: each connection the pool opens gets a logger that
records (database, SQL text) for every statement executed on it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.pool import Pool
from sqlalchemy.util import await_only


class StatementLog:
    """Statements run per database (PostgreSQL's database name, SQLite's file stem) since the last `clear`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: list[tuple[str, str]] = []

    def add(self, database: str, sql: str) -> None:
        """Answers nothing; records one statement (drivers call it from their own threads)."""
        with self._lock:
            self.entries.append((database, sql))

    def clear(self) -> None:
        """Answers nothing; forgets what was recorded."""
        with self._lock:
            self.entries.clear()

    def of(self, database_part: str) -> list[str]:
        """Answers the statements run on databases whose name contains `database_part`, leaving out pings."""
        with self._lock:
            return [sql for db, sql in self.entries if database_part in db and sql.strip().upper() != "SELECT 1"]

    def _attach(self, dbapi_connection: Any, _record: Any) -> None:
        driver = dbapi_connection.driver_connection
        if hasattr(driver, "add_query_logger"):  # asyncpg
            database = str(driver._params.database)
            driver.add_query_logger(lambda logged: self.add(database, logged.query))
        else:  # aiosqlite: the callback runs on its thread, for each statement SQLite executes
            [(_seq, _name, file), *_] = await_only(driver.execute_fetchall("PRAGMA database_list"))
            database = Path(file).stem
            await_only(driver.set_trace_callback(lambda sql: self.add(database, sql)))


@contextlib.contextmanager
def statement_log() -> Iterator[StatementLog]:
    """Answers a log of the statements on every connection any pool opens while the block runs."""
    log = StatementLog()
    event.listen(Pool, "connect", log._attach)
    try:
        yield log
    finally:
        event.remove(Pool, "connect", log._attach)
