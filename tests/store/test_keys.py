"""Revoked token ids mirrored in memory on PostgreSQL: every process's revocation reaches every process;
the start-up check of the sealed signing keys."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.config import Settings
from hub.errors import ConfigError, HubError
from hub.identity.keys import KeyRing
from hub.identity.keywrap import KeyWrap
from hub.store.engine import make_engine
from hub.store.keys import KEPT_AFTER_EXPIRY, RevocationRepository, SigningKeyRepository, check_signing_keys
from hub.store.migrate import upgrade
from hub.store.tables import revoked_tokens
from tests.store.conftest import trusted
from tests.support.server import free_port


@pytest.fixture
def now() -> datetime:
    """Answers the moment this test starts: the mirror compares expiries with the real clock."""
    return datetime.now(UTC)


@pytest.fixture
async def revocations(pg_engine: AsyncEngine) -> AsyncIterator[RevocationRepository]:
    async with trusted(RevocationRepository(pg_engine)) as repository:
        yield repository


async def test_lookups_answer_from_the_mirror(
    pg_engine: AsyncEngine, revocations: RevocationRepository, now: datetime
) -> None:
    async with pg_engine.begin() as conn:  # written behind the hub's back: no announcement
        row = {"jti": "quiet", "expires_at": now + timedelta(minutes=5), "revoked_at": now}
        await conn.execute(insert(revoked_tokens).values(**row))
    assert not await revocations.is_revoked("quiet")


async def test_a_revocation_in_another_process_reaches_this_one(
    pg_engine: AsyncEngine, revocations: RevocationRepository, now: datetime
) -> None:
    other = make_engine(pg_engine.url.render_as_string(hide_password=False))
    try:
        await RevocationRepository(other).revoke("elsewhere", now + timedelta(minutes=5), now)
        async with asyncio.timeout(5):
            while "elsewhere" not in await revocations.mirror.trusted():  # noqa: ASYNC110 - polls a copy
                await asyncio.sleep(0.01)
        assert await revocations.is_revoked("elsewhere")
    finally:
        await other.dispose()


async def test_this_process_s_revocation_holds_from_the_next_request(
    revocations: RevocationRepository, now: datetime
) -> None:
    await revocations.revoke("mine", now + timedelta(minutes=5), now)
    assert await revocations.is_revoked("mine")  # asked of the table until the mirror has reloaded
    async with asyncio.timeout(5):
        assert "mine" in await revocations.mirror.trusted()


async def test_the_mirror_keeps_revocations_of_tokens_within_any_leeway(
    pg_engine: AsyncEngine, revocations: RevocationRepository, now: datetime
) -> None:
    await revocations.revoke("just-expired", now - timedelta(seconds=40), now)
    await revocations.revoke("long-expired", now - KEPT_AFTER_EXPIRY - timedelta(minutes=1), now)
    async with asyncio.timeout(5):
        mirrored = await revocations.mirror.trusted()
    assert "just-expired" in mirrored
    assert "long-expired" not in mirrored


async def test_start_up_names_a_database_without_the_signing_keys_table(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    settings = Settings(database_url="sqlite+aiosqlite:///unused.db", signing_key_wrap_path=tmp_path / "wrap.jwk")
    try:
        with pytest.raises(HubError, match="cannot read the signing keys") as caught:
            await check_signing_keys(engine, settings)
    finally:
        await engine.dispose()
    assert "credit-hub migrate" in (caught.value.fix or "")


async def test_start_up_refuses_keys_sealed_with_another_wrap_file(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    first = Settings(database_url=url, signing_key_wrap_path=tmp_path / "first.jwk")
    try:
        await check_signing_keys(engine, first)  # nothing stored yet: nothing to open
        ring = KeyRing(SigningKeyRepository(engine), first, wrap=KeyWrap.load_or_create(first.signing_key_wrap_path))
        await ring.signer()
        await check_signing_keys(engine, first)
        other = first.model_copy(update={"signing_key_wrap_path": tmp_path / "other.jwk"})
        with pytest.raises(ConfigError, match="cannot be opened with this wrap key") as caught:
            await check_signing_keys(engine, other)
    finally:
        await engine.dispose()
    assert caught.value.place == str(tmp_path / "other.jwk")


async def test_start_up_tells_a_database_that_is_down_from_one_not_migrated(tmp_path: Path) -> None:
    engine = make_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/hub")
    settings = Settings(database_url="sqlite+aiosqlite:///unused.db", signing_key_wrap_path=tmp_path / "wrap.jwk")
    try:
        with pytest.raises(HubError, match="cannot be reached") as caught:
            await check_signing_keys(engine, settings)
    finally:
        await engine.dispose()
    assert "ConnectionRefusedError" in caught.value.message
    assert "migrate" not in (caught.value.fix or "")
