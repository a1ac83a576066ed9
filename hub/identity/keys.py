"""Access-token signing keys (ES256, joserfc): the active key, rotation, and the public key set."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from joserfc.jwk import ECKey

from hub.config import Settings
from hub.errors import ConfigError
from hub.identity.keywrap import KeyWrap, is_sealed

ALGORITHM = "ES256"
log = logging.getLogger("hub.identity.keys")


class KeyRecord(Protocol):
    """What the key store hands back for one key."""

    @property
    def kid(self) -> str: ...
    @property
    def algorithm(self) -> str: ...
    @property
    def private_jwk(self) -> str: ...
    @property
    def public_jwk(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def retired_at(self) -> datetime | None: ...


class KeyStore(Protocol):
    """Persistence of signing keys (hub.store.keys.SigningKeyRepository)."""

    async def all(self) -> Sequence[KeyRecord]: ...
    async def add(
        self, *, kid: str, algorithm: str, private_jwk: str, public_jwk: str, created_at: datetime
    ) -> None: ...
    async def delete_retired_before(self, cutoff: datetime) -> int: ...
    async def replace_private(self, kid: str, private_jwk: str) -> None: ...


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A loaded key: the private half signs, the public half verifies and is published."""

    kid: str
    algorithm: str
    private: ECKey
    public: ECKey
    created_at: datetime
    retired_at: datetime | None


_CURVE_POINT = ("kty", "crv", "x", "y")


def _load(record: KeyRecord, wrap: KeyWrap) -> SigningKey:
    """Answers the key of `record`; ConfigError naming its kid when it is not sealed or its halves do not match."""
    private = ECKey.import_key(json.loads(wrap.open(record.kid, record.private_jwk)))
    public = ECKey.import_key(json.loads(record.public_jwk))
    derived, stored = private.as_dict(private=False), public.as_dict(private=False)
    if any(derived.get(name) != stored.get(name) for name in _CURVE_POINT):
        # the public half is not sealed: a row whose public key was replaced would publish a key nobody holds
        raise ConfigError(
            f"signing key {record.kid}: its public key does not match its sealed private key",
            place="signing_keys",
            fix="delete the row (the hub makes a new key; clients fetch new tokens) and find who altered it",
        )
    return SigningKey(record.kid, record.algorithm, private, public, record.created_at, record.retired_at)


class KeyRing:
    """The hub's signing keys, sealed at rest by `wrap`, cached in memory, reloaded when stale or on an unknown kid."""

    def __init__(
        self,
        store: KeyStore,
        settings: Settings,
        *,
        wrap: KeyWrap,
        refresh_seconds: float = 60.0,
        min_reload_seconds: float = 2.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._wrap = wrap
        self._rotate_after = timedelta(days=settings.signing_key_days)
        self._refresh = refresh_seconds
        self._min_reload = min_reload_seconds
        # another worker may keep signing with a key it has not yet seen retired for one refresh period
        self._keep = timedelta(seconds=settings.token_ttl_seconds + refresh_seconds)
        self._clock = clock
        self._keys: dict[str, SigningKey] = {}
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    def _usable(self, key: SigningKey, now: datetime) -> bool:
        return key.retired_at is None or now < key.retired_at + self._keep

    async def _reload(self, *, older_than: float) -> None:
        async with self._lock:
            if time.monotonic() - self._loaded_at < older_than:
                return
            now = self._clock()
            loaded: list[SigningKey] = []
            for record in await self._store.all():
                try:
                    loaded.append(_load(record, self._wrap))
                except ConfigError:  # start-up refuses this (check); while serving, its tokens are refused
                    log.error("signing key %s cannot be trusted by this worker (see start-up); skipped", record.kid)
            self._keys = {key.kid: key for key in loaded if self._usable(key, now)}
            self._loaded_at = time.monotonic()

    async def check(self) -> None:
        """Answers nothing; raises ConfigError naming the first stored key that is not sealed, not sealed by
        this wrap, or whose public key does not match its private key."""
        for record in await self._store.all():
            _load(record, self._wrap)

    async def seal_clear(self) -> int:
        """Answers how many keys stored in the clear (before keys were sealed) it sealed: `credit-hub migrate`."""
        sealed = 0
        for record in await self._store.all():
            if not is_sealed(record.private_jwk):
                await self._store.replace_private(record.kid, self._wrap.seal(record.kid, record.private_jwk))
                sealed += 1
        return sealed
        # The ring itself still loads on first use: a load now would hold off, for min_reload_seconds,
        # the look-up of a key another worker creates meanwhile.

    def _active(self) -> SigningKey | None:
        live = [key for key in self._keys.values() if key.retired_at is None]
        return max(live, key=lambda key: key.created_at, default=None)

    async def signer(self) -> SigningKey:
        """Answers the key that signs now, creating or rotating it when it is missing or too old."""
        await self._reload(older_than=self._refresh)
        active = self._active()
        if active is None or self._clock() - active.created_at >= self._rotate_after:
            return await self.rotate()
        return active

    async def rotate(self) -> SigningKey:
        """Answers a new active key; the previous one keeps verifying until its tokens have expired."""
        now = self._clock()
        private = ECKey.generate_key(
            "P-256",
            parameters={"kid": f"{now:%Y%m%d}-{secrets.token_hex(4)}", "alg": ALGORITHM, "use": "sig"},
        )
        kid = str(private.kid)
        await self._store.add(
            kid=kid,
            algorithm=ALGORITHM,
            private_jwk=self._wrap.seal(kid, json.dumps(private.as_dict(private=True))),
            public_jwk=json.dumps(private.as_dict(private=False)),
            created_at=now,
        )
        await self._store.delete_retired_before(now - self._keep)
        await self._reload(older_than=0)
        return self._keys[kid]

    async def verification_key(self, kid: str) -> SigningKey | None:
        """Answers the key with this kid while it may verify; unknown kids reload the ring, rate-limited."""
        key = self._keys.get(kid)
        if key is None:
            await self._reload(older_than=self._min_reload)
            key = self._keys.get(kid)
        elif time.monotonic() - self._loaded_at >= self._refresh:
            await self._reload(older_than=self._refresh)
        return key if key is not None and self._usable(key, self._clock()) else None

    async def jwks(self) -> dict[str, list[dict[str, object]]]:
        """Answers the JSON Web Key Set of every key that may still verify a token."""
        await self._reload(older_than=self._refresh)
        now = self._clock()
        keys = sorted(self._keys.values(), key=lambda key: key.created_at, reverse=True)
        return {"keys": [dict(key.public.as_dict(private=False)) for key in keys if self._usable(key, now)]}
