"""Repositories of the identity tables: clients, signing keys, revoked tokens."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.errors import HubError
from hub.store.clients import ClientRepository, ClientStatus, ClientStatuses
from hub.store.engine import make_engine
from hub.store.keys import RevocationRepository, SigningKeyRepository
from tests.identity.support import ORG, migrated_database
from tests.store.conftest import trusted

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


async def add(repository: ClientRepository, client_id: str, created_at: datetime = NOW) -> None:
    await repository.add(
        client_id=client_id,
        name="税务局审批系统",
        org=ORG,
        department="tax",
        scopes=["check:read", "subject:read"],
        secret_hash="scrypt$hash",
        created_at=created_at,
    )


async def test_clients_round_trip(engine: AsyncEngine) -> None:
    repository = ClientRepository(engine)
    await add(repository, "ch_b", NOW + timedelta(minutes=1))
    await add(repository, "ch_a")
    row = await repository.get("ch_a")
    assert row is not None
    assert row.name == "税务局审批系统"
    assert row.scopes == ("check:read", "subject:read")
    assert row.created_at == NOW
    assert row.created_at.tzinfo is not None
    assert not row.disabled
    assert [r.client_id for r in await repository.list_all()] == ["ch_a", "ch_b"]
    assert await repository.get("ch_missing") is None


async def test_a_duplicate_client_id_is_refused(engine: AsyncEngine) -> None:
    repository = ClientRepository(engine)
    await add(repository, "ch_a")
    with pytest.raises(HubError, match="already exists"):
        await add(repository, "ch_a")


async def test_an_unmigrated_database_says_how_to_fix_it(tmp_path: Path) -> None:
    async with migrated_database("sqlite", tmp_path, migrate=False) as url:
        engine = make_engine(url)
        try:
            with pytest.raises(HubError) as caught:
                await ClientRepository(engine).list_all()
            assert caught.value.fix
            assert "credit-hub migrate" in caught.value.fix
            assert url not in caught.value.render()
        finally:
            await engine.dispose()


async def test_adding_a_key_retires_the_others(engine: AsyncEngine) -> None:
    keys = SigningKeyRepository(engine)
    for number in range(3):
        await keys.add(
            kid=f"k{number}",
            algorithm="ES256",
            private_jwk="{}",
            public_jwk="{}",
            created_at=NOW + timedelta(days=number),
        )
    rows = await keys.all()
    assert [row.kid for row in rows] == ["k2", "k1", "k0"]
    assert rows[0].retired_at is None
    assert rows[1].retired_at == NOW + timedelta(days=2)
    assert rows[2].retired_at == NOW + timedelta(days=1)
    assert await keys.delete_retired_before(NOW + timedelta(days=1, hours=1)) == 1
    assert [row.kid for row in await keys.all()] == ["k2", "k1"]


async def test_revocations_are_idempotent_and_purged_after_expiry(engine: AsyncEngine) -> None:
    revocations = RevocationRepository(engine)
    await revocations.revoke("jti-1", NOW + timedelta(minutes=15), NOW)
    await revocations.revoke("jti-1", NOW + timedelta(minutes=15), NOW)
    await revocations.revoke("jti-2", NOW - timedelta(minutes=10), NOW)
    await revocations.revoke("jti-4", NOW - timedelta(minutes=1), NOW)  # still within any verifier's leeway
    assert await revocations.is_revoked("jti-1")
    assert not await revocations.is_revoked("jti-3")
    assert await revocations.purge_expired(NOW) == 1
    assert not await revocations.is_revoked("jti-2")
    assert await revocations.is_revoked("jti-4")


async def test_a_client_is_active_until_disabled_suspended_or_deleted(engine: AsyncEngine) -> None:
    repository, statuses = ClientRepository(engine), ClientStatuses(engine)
    await add(repository, "ch_a")
    assert await statuses.is_active("ch_a")
    assert await statuses.change("ch_a", ClientStatus.DISABLED, "contract ended", NOW)
    assert not await statuses.is_active("ch_a")
    row = await repository.get("ch_a")
    assert row is not None
    assert (row.status, row.status_reason, row.status_changed_at, row.disabled) == (
        ClientStatus.DISABLED, "contract ended", NOW, True,
    )  # fmt: skip
    assert not await statuses.change("ch_a", ClientStatus.SUSPENDED, "probing", NOW, only_if_active=True)
    assert await statuses.change("ch_a", ClientStatus.ACTIVE, None, NOW)
    assert await statuses.is_active("ch_a")
    assert await statuses.delete("ch_a")
    assert not await statuses.is_active("ch_a")
    assert not await statuses.delete("ch_a")
    assert not await statuses.change("ch_missing", ClientStatus.DISABLED, None, NOW)


async def test_every_worker_s_mirror_hears_of_a_status_change_and_of_a_new_client(pg_engine: AsyncEngine) -> None:
    repository = ClientRepository(pg_engine)
    await add(repository, "ch_a")
    async with trusted(ClientStatuses(pg_engine)) as worker:
        assert await worker.is_active("ch_a")
        other = make_engine(pg_engine.url.render_as_string(hide_password=False))
        try:
            await ClientStatuses(other).change("ch_a", ClientStatus.SUSPENDED, "probing", NOW)
            await add(ClientRepository(other), "ch_b")
        finally:
            await other.dispose()
        async with asyncio.timeout(5):
            while "ch_a" in await worker.mirror.trusted() or "ch_b" not in await worker.mirror.trusted():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        assert not await worker.is_active("ch_a")
        assert await worker.is_active("ch_b")


async def test_a_tokens_standing_is_one_look_up_of_its_revocation_and_its_client(engine: AsyncEngine) -> None:
    repository, revocations = ClientRepository(engine), RevocationRepository(engine)
    await add(repository, "ch_a")
    standing = await revocations.standing("jti-9", "ch_a")
    assert (standing.revoked, standing.client_active) == (False, True)
    await revocations.revoke("jti-9", NOW + timedelta(hours=1), NOW)
    assert (await revocations.standing("jti-9", "ch_a")).revoked
    assert await revocations.clients.change("ch_a", ClientStatus.SUSPENDED, "probing", NOW)
    assert not (await revocations.standing("jti-8", "ch_a")).client_active
    assert not (await revocations.standing("jti-8", "ch_missing")).client_active
    subject = await revocations.standing("jti-8", None)  # a citizen's token names no client
    assert (subject.revoked, subject.client_active) == (False, True)
