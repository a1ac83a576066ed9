"""The append-only guards of migration 0002: triggers refuse UPDATE, DELETE and TRUNCATE; on
PostgreSQL the app role holds only SELECT and INSERT; the prune path alone may delete."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.exc import DBAPIError

from hub.audit.cadence import Checkpointer
from hub.audit.checkpoints import CheckpointSigner
from hub.audit.writer import AuditWriter
from hub.store.audit_repo import AuditRepository
from hub.store.migrate import alembic_config, upgrade
from tests.audit.support import PG_URL, SECRET, event, execute

TABLES = ("audit_events", "audit_subjects", "audit_checkpoints")


@pytest.fixture
async def filled(repo: AuditRepository, tmp_path: Path) -> AuditRepository:
    signer = CheckpointSigner.load_or_create(tmp_path / "key.pem")
    async with AuditWriter(repo, secret=SECRET, checkpointer=Checkpointer(signer)) as writer:
        for _ in range(3):
            await writer.append(event())
    return repo


@pytest.mark.parametrize("table", TABLES)
async def test_update_and_delete_are_refused(filled: AuditRepository, audit_url: str, table: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        await execute(audit_url, f"UPDATE {table} SET seq = seq + 100")  # noqa: S608
    with pytest.raises(DBAPIError, match="append-only"):
        await execute(audit_url, f"DELETE FROM {table}")  # noqa: S608
    assert (await execute(audit_url, f"SELECT count(*) FROM {table}"))[0][0] > 0  # noqa: S608


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="HUB_TEST_PG_URL unset")
@pytest.mark.parametrize("table", TABLES)
async def test_truncate_is_refused_on_postgres(filled: AuditRepository, audit_url: str, table: str) -> None:
    if not audit_url.startswith("postgresql"):
        pytest.skip("TRUNCATE is PostgreSQL's")
    with pytest.raises(DBAPIError, match="append-only"):
        await execute(audit_url, f"TRUNCATE {table} CASCADE")


async def test_a_session_flag_alone_does_not_open_sqlite(filled: AuditRepository, audit_url: str) -> None:
    if not audit_url.startswith("sqlite"):
        pytest.skip("the SQLite guard table")
    with pytest.raises(DBAPIError, match="append-only"):
        await execute(audit_url, "UPDATE audit_guard SET prune = 1", "UPDATE audit_events SET org = 'x'")


async def test_the_prune_path_may_delete(filled: AuditRepository) -> None:
    assert await filled.prune(2) == 2
    assert [row.seq for row in await filled.event_page(0, 10)] == [3]


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="HUB_TEST_PG_URL unset")
async def test_the_app_role_may_only_select_and_insert(filled: AuditRepository, audit_url: str) -> None:
    if not audit_url.startswith("postgresql"):
        pytest.skip("roles are PostgreSQL's")
    for table in TABLES:
        rights = await execute(
            audit_url,
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = 'credit_hub_app' AND table_name = :table ORDER BY privilege_type",
            params={"table": table},
        )
        assert [row[0] for row in rights] == ["INSERT", "SELECT"]
    with pytest.raises(DBAPIError, match="permission denied"):
        await execute(
            audit_url,
            "SET LOCAL ROLE credit_hub_app",
            "SET LOCAL credit_hub.audit_prune = 'on'",
            "DELETE FROM audit_events WHERE seq = 1",
        )
    await execute(audit_url, "SET LOCAL ROLE credit_hub_app", "SELECT count(*) FROM audit_events")


async def test_migration_0002_downgrades_and_upgrades_again(audit_url: str) -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(audit_url), "0001")
    await asyncio.to_thread(upgrade, audit_url)  # the role exists by now: the guarded SQL skips it
    await execute(
        audit_url,
        "INSERT INTO audit_checkpoints (seq, hash, event_id, at, key_id, public_key, signature) "
        "VALUES (1, 'h', 'e', CURRENT_TIMESTAMP, 'k', 'p', 's')",
    )
    with pytest.raises(DBAPIError, match="append-only"):
        await execute(audit_url, "DELETE FROM audit_checkpoints")
