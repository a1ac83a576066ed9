"""The login role for `serve` on PostgreSQL: it reads and appends to the register, never rewrites it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from typer.testing import CliRunner

from hub.audit.writer import AuditWriter
from hub.cli.main import app
from hub.store.audit_repo import AuditRepository
from hub.store.migrate import upgrade
from tests.audit.support import SECRET, event
from tests.conftest import PG_URL, _admin_dsn, _run_apart, create_pg_database, drop_pg_database

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="needs HUB_TEST_PG_URL")]


@pytest.fixture
def migrated() -> Iterator[str]:
    """Answers the URL of a migrated hub database, owned by the tests' administrator."""
    url = create_pg_database("roles")
    try:
        upgrade(url)
        yield url
    finally:
        drop_pg_database(url)


def _drop_role(name: str) -> None:
    async def drop() -> None:
        connection = await asyncpg.connect(_admin_dsn())
        try:
            await connection.execute(f'DROP ROLE IF EXISTS "{name}"')
        finally:
            await connection.close()

    _run_apart(drop())


def test_the_login_role_appends_to_the_register_and_cannot_delete_from_it(migrated: str, tmp_path: Path) -> None:
    name = f"hub_serve_{uuid.uuid4().hex[:8]}"
    secret = tmp_path / "password"
    secret.write_text("s3cret-for-the-test", encoding="utf-8")
    try:
        args = ["db", "roles", "--name", name, "--password-file", str(secret), "--database-url", migrated]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert f"created login role {name}" in result.output
        again = CliRunner().invoke(app, args)
        assert f"updated login role {name}" in again.output, "running it after a migrate brings rights up to date"
        as_login = migrated.replace(
            "postgresql+asyncpg://postgres@", f"postgresql+asyncpg://{name}:s3cret-for-the-test@"
        )
        _run_apart(_serve_as(as_login))
    finally:
        drop_pg_database(migrated)
        _drop_role(name)


async def _serve_as(url: str) -> None:
    repo = AuditRepository.open(url)
    try:
        async with AuditWriter(repo, secret=SECRET) as writer:
            assert await writer.append(event()) == 1, "the register takes receipts from the login role"
    finally:
        await repo.close()
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("DELETE FROM clients")  # ordinary tables: ordinary rights
        for statement in ("DELETE FROM audit_events", "UPDATE audit_events SET seq = seq", "TRUNCATE audit_events"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await connection.execute(statement)
    finally:
        await connection.close()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--name", "Robert'); DROP"], "cannot name the hub's login role"),
        (["--name", "credit_hub_app"], "cannot name the hub's login role"),
        (["--database-url", "sqlite+aiosqlite:///hub.db"], "roles exist on PostgreSQL only"),
    ],
)
def test_bad_roles_arguments_are_one_clear_line(args: list[str], words: str) -> None:
    url = f"{PG_URL}/postgres"
    result = CliRunner().invoke(app, ["db", "roles", "--database-url", url, *args])  # a later option wins
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output
