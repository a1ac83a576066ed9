"""Signing keys: created on first use, rotated by age or on demand, retired keys verify until expiry."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import ECKey

from hub.config import Settings
from hub.errors import ConfigError
from hub.identity.keys import KeyRing
from hub.identity.keywrap import KeyWrap, is_sealed
from hub.identity.tokens import TokenIssuer, TokenVerifier
from hub.store.clients import ClientRepository
from hub.store.engine import make_engine
from hub.store.keys import RevocationRepository, SigningKeyRepository
from hub.store.tables import signing_keys
from tests.identity.support import BACKENDS, add_client_ids, make_settings, migrated_database

TTL = 900


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class CountingStore:
    def __init__(self, inner: SigningKeyRepository) -> None:
        self.inner, self.loads = inner, 0

    async def all(self) -> Any:
        self.loads += 1
        return await self.inner.all()

    async def add(self, **row: Any) -> None:
        await self.inner.add(**row)

    async def delete_retired_before(self, cutoff: datetime) -> int:
        return await self.inner.delete_retired_before(cutoff)

    async def replace_private(self, kid: str, private_jwk: str) -> None:
        await self.inner.replace_private(kid, private_jwk)


@dataclass
class Rig:
    settings: Settings
    store: CountingStore
    clock: Clock
    wrap: KeyWrap

    def ring(self, **options: Any) -> KeyRing:
        options.setdefault("refresh_seconds", 0.0)
        options.setdefault("wrap", self.wrap)
        return KeyRing(self.store, self.settings, clock=self.clock, **options)


@pytest.fixture(params=BACKENDS)
async def rig(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Rig]:
    async with migrated_database(request.param, tmp_path) as url:
        engine = make_engine(url)
        settings = make_settings(url, signing_key_days=30, token_ttl_seconds=TTL)
        yield Rig(settings, CountingStore(SigningKeyRepository(engine)), Clock(), KeyWrap.generate())
        await engine.dispose()


async def kids(ring: KeyRing) -> list[str]:
    return [str(key["kid"]) for key in (await ring.jwks())["keys"]]


async def test_first_use_creates_one_persistent_key(rig: Rig) -> None:
    first = await rig.ring().signer()
    assert (await rig.ring().signer()).kid == first.kid
    assert await kids(rig.ring()) == [first.kid]
    (published,) = (await rig.ring().jwks())["keys"]
    assert published["kty"] == "EC"
    assert published["crv"] == "P-256"
    assert "d" not in published


async def test_key_rotates_by_age_and_old_tokens_verify_until_they_expire(rig: Rig) -> None:
    ring = rig.ring()
    old = await ring.signer()
    rig.clock.advance(days=29, hours=23)
    assert (await ring.signer()).kid == old.kid
    rig.clock.advance(hours=1)
    new = await ring.signer()
    assert new.kid != old.kid
    assert await kids(ring) == [new.kid, old.kid]
    assert await ring.verification_key(old.kid) is not None
    rig.clock.advance(seconds=TTL - 1)
    assert await ring.verification_key(old.kid) is not None
    rig.clock.advance(seconds=2)
    assert await ring.verification_key(old.kid) is None
    assert await kids(ring) == [new.kid]


async def test_on_demand_rotation_prunes_keys_whose_tokens_are_all_expired(rig: Rig) -> None:
    ring = rig.ring()
    first = await ring.signer()
    second = await ring.rotate()
    assert (await ring.signer()).kid == second.kid
    rig.clock.advance(hours=1)
    third = await ring.rotate()
    stored = {row.kid for row in await rig.store.inner.all()}
    assert first.kid not in stored
    assert {second.kid, third.kid} <= stored


async def test_a_restarted_hub_verifies_tokens_signed_before_the_restart(rig: Rig) -> None:
    now = rig.clock.now.timestamp()
    token = TokenIssuer(rig.settings, clock=lambda: now).issue(
        await rig.ring().signer(), subject="c", client_id="c", scopes=["check:read"], org="o", dept="d"
    )
    revocations = RevocationRepository(rig.store.inner._engine)
    await add_client_ids(ClientRepository(rig.store.inner._engine), "c")
    verifier = TokenVerifier(rig.settings, rig.ring(), revocations, clock=lambda: now)
    assert (await verifier.verify(f"Bearer {token.access_token}")).client_id == "c"


async def test_unknown_kids_reload_at_most_once_per_interval(rig: Rig) -> None:
    ring = rig.ring(refresh_seconds=3600.0, min_reload_seconds=60.0)
    await ring.signer()
    loads = rig.store.loads
    for number in range(50):
        assert await ring.verification_key(f"forged-{number}") is None
    assert rig.store.loads == loads


async def test_a_key_made_by_another_worker_is_found_by_kid(rig: Rig) -> None:
    mine = rig.ring(refresh_seconds=3600.0, min_reload_seconds=0.0)
    await mine.signer()
    theirs = await rig.ring().rotate()
    assert await mine.verification_key(theirs.kid) is not None


async def test_the_database_holds_private_keys_only_sealed(rig: Rig) -> None:
    key = await rig.ring().signer()
    (row,) = await rig.store.inner.all()
    assert is_sealed(row.private_jwk)
    assert key.private.as_dict(private=True)["d"] not in row.private_jwk
    assert json.loads(rig.wrap.open(row.kid, row.private_jwk))["d"] == key.private.as_dict(private=True)["d"]
    assert "d" not in json.loads(row.public_jwk)


async def test_a_worker_with_another_wrap_refuses_to_start_and_never_uses_the_key(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    key = await rig.ring().signer()
    stranger = rig.ring(wrap=KeyWrap.generate())
    with pytest.raises(ConfigError, match=f"signing key {key.kid} cannot be opened with this wrap key"):
        await stranger.check()
    with caplog.at_level(logging.ERROR, logger="hub.identity.keys"):
        assert await stranger.verification_key(key.kid) is None
    assert key.kid in caplog.text
    assert key.private.as_dict(private=True)["d"] not in caplog.text


async def test_keys_stored_in_the_clear_are_refused_until_migrate_seals_them(rig: Rig) -> None:
    private = ECKey.generate_key("P-256", parameters={"kid": "legacy-1", "alg": "ES256", "use": "sig"})
    await rig.store.add(
        kid="legacy-1", algorithm="ES256", private_jwk=json.dumps(private.as_dict(private=True)),
        public_jwk=json.dumps(private.as_dict(private=False)), created_at=rig.clock.now,
    )  # fmt: skip
    with pytest.raises(ConfigError, match="signing key legacy-1 is stored in the clear"):
        await rig.ring().check()
    assert await rig.ring().verification_key("legacy-1") is None  # never trusted while serving either
    assert await rig.ring().seal_clear() == 1
    (row,) = await rig.store.inner.all()
    assert is_sealed(row.private_jwk)
    ring = rig.ring()
    await ring.check()
    signer = await ring.signer()
    assert signer.kid == "legacy-1"
    now = rig.clock.now.timestamp()
    token = TokenIssuer(rig.settings, clock=lambda: now).issue(
        signer, subject="c", client_id="c", scopes=["check:read"], org="o", dept="d"
    )
    await add_client_ids(ClientRepository(rig.store.inner._engine), "c")
    verifier = TokenVerifier(rig.settings, rig.ring(), RevocationRepository(rig.store.inner._engine), clock=lambda: now)
    assert (await verifier.verify(f"Bearer {token.access_token}")).client_id == "c"


async def test_a_key_whose_public_half_was_replaced_is_refused_naming_it(rig: Rig) -> None:
    key = await rig.ring().signer()
    stranger = ECKey.generate_key("P-256", parameters={"kid": key.kid, "alg": "ES256", "use": "sig"})
    engine = rig.store.inner._engine
    async with engine.begin() as conn:
        await conn.execute(signing_keys.update().values(public_jwk=json.dumps(stranger.as_dict(private=False))))
    with pytest.raises(ConfigError, match=f"signing key {key.kid}: its public key does not match"):
        await rig.ring().check()
    ring = rig.ring()
    assert await ring.verification_key(key.kid) is None
    assert await ring.jwks() == {"keys": []}
