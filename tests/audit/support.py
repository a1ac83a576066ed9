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
