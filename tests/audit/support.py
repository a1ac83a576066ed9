"""Real databases for the audit tests: a migrated SQLite file or a scratch PostgreSQL database each."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest
from sqlalchemy import text

from hub.audit.events import AuditEvent, EventType, Outcome, SubjectDisclosure
from hub.store.engine import make_engine
from hub.store.migrate import upgrade

PG_URL = os.environ.get("HUB_TEST_PG_URL", "").rstrip("/")
SECRET = "test-audit-secret-0123456789"
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres", marks=[pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="HUB_TEST_PG_URL unset")]
    ),
]
SQLITE_TRIGGERS = [f"{table}_no_{op}" for table in ("audit_events", "audit_subjects", "audit_checkpoints")
                   for op in ("update", "delete")]  # fmt: skip


def pg_port() -> int:
    """The TCP port of the test cluster."""
    return urlsplit(PG_URL.replace("+asyncpg", "")).port or 5432


def pg_dsn(database: str = "postgres") -> str:
    """The asyncpg DSN of a database on the test cluster."""
    return PG_URL.replace("postgresql+asyncpg://", "postgresql://") + f"/{database}"


@contextlib.asynccontextmanager
async def fresh_database(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated, empty hub database; PostgreSQL ones are named audithelper_* and dropped after."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/audit-{uuid.uuid4().hex[:8]}.db"
        await asyncio.to_thread(upgrade, url)
        yield url
        return
    name = f"audithelper_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(pg_dsn())
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{PG_URL}/{name}"
        await asyncio.to_thread(upgrade, url)
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def execute(url: str, *statements: str, params: dict[str, Any] | None = None) -> list[Any]:
    """Runs statements in one transaction as the test's (owner/superuser) role; returns the last rows."""
    engine = make_engine(url)
    rows: list[Any] = []
    try:
        async with engine.connect() as conn:
            for statement in statements:
                result = await conn.execute(text(statement), params or {})
                rows = list(result.all()) if result.returns_rows else []
            await conn.commit()
    finally:
        await engine.dispose()
    return rows


async def tamper(url: str, *statements: str, params: dict[str, Any] | None = None) -> None:
    """Runs statements with the append-only guards out of the way (superuser on PostgreSQL)."""
    if url.startswith("sqlite"):
        await execute(url, *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS), *statements, params=params)
    else:
        await execute(url, "SET LOCAL session_replication_role = replica", *statements, params=params)


def event(
    *,
    subjects: Iterable[str | SubjectDisclosure] = ("91110000600037341L",),
    at: datetime | None = None,
    **fields: Any,
) -> AuditEvent:
    """An audit event with plausible defaults; any field may be overridden."""
    disclosures = tuple(
        item if isinstance(item, SubjectDisclosure) else SubjectDisclosure(item, ("name",), ("phone",), ())
        for item in subjects
    )
    defaults: dict[str, Any] = {
        "type": EventType.QUERY,
        "outcome": Outcome.OK,
        "client_id": "client-bank",
        "org": "91110000100000000A",
        "org_name": "示例银行",
        "department": "bank",
        "operator": "loan-officer-7",
        "purpose": "CREDIT_LENDING",
        "request_id": uuid.uuid4().hex,
        "latency_ms": 3.5,
    }
    defaults.update(fields)
    return AuditEvent(subjects=disclosures, at=at or datetime.now(UTC), **defaults)


def concealed(code: str, until: date) -> SubjectDisclosure:
    """A disclosure concealed from its subject until `until`."""
    return SubjectDisclosure(code, ("listings",), (), (), until)


class TcpProxy:
    """A TCP relay on 127.0.0.1 the tests can close (refused) or blackhole (silent) and reopen."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.blackhole = False
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        if server is not None:
            await server.wait_closed()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(65536):
                if not self.blackhole:
                    writer.write(data)
                    await writer.drain()
        writer.transport.abort()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.add(up_writer)
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer))
