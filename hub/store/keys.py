"""Token signing keys and revoked token ids in the hub's own database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import RowMapping, and_, delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.config import Settings
from hub.identity.keys import KeyRing
from hub.identity.keywrap import KeyWrap
from hub.identity.tokens import TokenStanding
from hub.store.clients import ClientStatus, ClientStatuses, aware, unusable_database
from hub.store.engine import read_lookups
from hub.store.mirror import Mirror, announce
from hub.store.tables import clients, revoked_tokens, signing_keys


@dataclass(frozen=True, slots=True)
class SigningKeyRow:
    """One signing key as stored: the private JWK sealed (hub.identity.keywrap), the public one as JSON text."""

    kid: str
    algorithm: str
    private_jwk: str
    public_jwk: str
    created_at: datetime
    retired_at: datetime | None


def _row(record: RowMapping) -> SigningKeyRow:
    retired = record["retired_at"]
    return SigningKeyRow(
        kid=record["kid"],
        algorithm=record["algorithm"],
        private_jwk=record["private_jwk"],
        public_jwk=record["public_jwk"],
        created_at=aware(record["created_at"]),
        retired_at=aware(retired) if retired is not None else None,
    )


class SigningKeyRepository:
    """Reads and writes the `signing_keys` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def all(self) -> list[SigningKeyRow]:
        """Answers every stored key, newest first."""
        try:
            async with self._engine.connect() as conn:
                result = await conn.execute(select(signing_keys).order_by(signing_keys.c.created_at.desc()))
                return [_row(record) for record in result.mappings()]
        except SQLAlchemyError as error:
            raise unusable_database("read the signing keys", error) from None

    async def add(self, *, kid: str, algorithm: str, private_jwk: str, public_jwk: str, created_at: datetime) -> None:
        """Answers nothing; stores a new key and retires every other active key in one transaction."""
        async with self._engine.begin() as conn:
            await conn.execute(
                insert(signing_keys).values(
                    kid=kid,
                    algorithm=algorithm,
                    private_jwk=private_jwk,
                    public_jwk=public_jwk,
                    created_at=created_at,
                    retired_at=None,
                )
            )
            await conn.execute(
                update(signing_keys)
                .where(and_(signing_keys.c.kid != kid, signing_keys.c.retired_at.is_(None)))
                .values(retired_at=created_at)
            )

    async def replace_private(self, kid: str, private_jwk: str) -> None:
        """Answers nothing; stores key `kid`'s private JWK in a new form (sealing one written in the clear)."""
        async with self._engine.begin() as conn:
            await conn.execute(update(signing_keys).where(signing_keys.c.kid == kid).values(private_jwk=private_jwk))

    async def delete_retired_before(self, cutoff: datetime) -> int:
        """Answers how many keys retired before `cutoff` (no token of theirs still valid) were deleted."""
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(signing_keys).where(signing_keys.c.retired_at < cutoff))
            return int(result.rowcount)


async def seal_signing_keys(engine: AsyncEngine, settings: Settings) -> int:
    """Answers how many signing keys stored in the clear were sealed with the configured wrap (`migrate`)."""
    ring = KeyRing(SigningKeyRepository(engine), settings, wrap=KeyWrap.load_or_create(settings.signing_key_wrap_path))
    try:
        return await ring.seal_clear()
    except (SQLAlchemyError, OSError):
        raise unusable_database("seal the signing keys") from None


async def check_signing_keys(engine: AsyncEngine, settings: Settings) -> None:
    """Answers nothing; opens every stored signing key with the configured wrap.

    Raises HubError naming the key when it is stored in the clear or its public key does not match,
    the wrap file when a key was sealed with another one, or the database when it cannot be read.
    """
    ring = KeyRing(SigningKeyRepository(engine), settings, wrap=KeyWrap.load_or_create(settings.signing_key_wrap_path))
    try:
        await ring.check()
    except (SQLAlchemyError, OSError) as exc:
        raise unusable_database("read the signing keys", exc) from None


REVOKED_CHANNEL = "credit_hub_revoked"
# A revocation outlives its token by more than any verifier's leeway, so a token accepted a little
# after its expiry is still refused once revoked.
KEPT_AFTER_EXPIRY = timedelta(minutes=5)


async def _revoked_ids(conn: AsyncConnection) -> frozenset[str]:
    cutoff = datetime.now(UTC) - KEPT_AFTER_EXPIRY
    result = await conn.execute(select(revoked_tokens.c.jti).where(revoked_tokens.c.expires_at >= cutoff))
    return frozenset(result.scalars())


class RevocationRepository:
    """Reads and writes the `revoked_tokens` table (token ids only, never tokens).

    On PostgreSQL, once started, `is_revoked` answers from a mirror of the table (hub.store.mirror)
    that every process's `revoke` refreshes; otherwise it asks the table. A disabled, suspended or
    deleted client's tokens are all revoked at once: `client_active` answers from the clients' status,
    mirrored the same way (hub.store.clients.ClientStatuses).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._lookups = read_lookups(engine)
        self.mirror: Mirror[frozenset[str]] = Mirror(engine, REVOKED_CHANNEL, _revoked_ids)
        self.clients = ClientStatuses(engine)

    async def start(self) -> None:
        """Answers nothing; starts mirroring the table and the clients' status (PostgreSQL only)."""
        await self.mirror.start()
        await self.clients.start()

    async def stop(self) -> None:
        """Answers nothing; stops mirroring."""
        await self.mirror.stop()
        await self.clients.stop()

    async def client_active(self, client_id: str) -> bool:
        """Answers whether the client that a token names exists and is active."""
        return await self.clients.is_active(client_id)

    async def standing(self, jti: str, client_id: str | None) -> TokenStanding:
        """Answers whether a token was revoked and whether its client (None: a subject's token, no client) is
        active: from the mirrors, else both in one statement (one round trip on every request of the embedded mode)."""
        revoked_ids, active_ids = self.mirror.current, self.clients.mirror.current
        revoked = None if revoked_ids is None else jti in revoked_ids
        active = client_id is None or (active_ids is not None and client_id in active_ids) or None
        if revoked is not None and active is not None:
            return TokenStanding(revoked, active)
        status = select(clients.c.status).where(clients.c.client_id == client_id).scalar_subquery()
        statement = select(exists().where(revoked_tokens.c.jti == jti), status)
        async with self._lookups.connect() as conn:
            found_revoked, found_status = (await conn.execute(statement)).one()
        return TokenStanding(
            bool(found_revoked) if revoked is None else revoked,
            active if active is not None else found_status == ClientStatus.ACTIVE.value,
        )

    async def revoke(self, jti: str, expires_at: datetime, revoked_at: datetime) -> None:
        """Answers nothing; records `jti` as revoked (idempotent) and tells every process."""
        async with self.mirror.changing():
            try:
                async with self._engine.begin() as conn:
                    await conn.execute(
                        insert(revoked_tokens).values(jti=jti, expires_at=expires_at, revoked_at=revoked_at)
                    )
                    await announce(conn, REVOKED_CHANNEL)
            except IntegrityError:
                return

    async def is_revoked(self, jti: str) -> bool:
        """Answers whether `jti` was revoked (from the mirror, else one primary-key lookup)."""
        mirrored = self.mirror.current
        if mirrored is not None:
            return jti in mirrored
        async with self._lookups.connect() as conn:
            result = await conn.execute(select(revoked_tokens.c.jti).where(revoked_tokens.c.jti == jti))
            return result.first() is not None

    async def purge_expired(self, now: datetime) -> int:
        """Answers how many revocations were deleted: those of tokens expired more than KEPT_AFTER_EXPIRY ago."""
        async with self._engine.begin() as conn:
            expired = revoked_tokens.c.expires_at < now - KEPT_AFTER_EXPIRY
            result = await conn.execute(delete(revoked_tokens).where(expired))
            return int(result.rowcount)
