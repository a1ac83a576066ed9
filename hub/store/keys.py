"""Token signing keys and revoked token ids in the hub's own database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import RowMapping, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.clients import aware
from hub.store.engine import single_statements
from hub.store.tables import revoked_tokens, signing_keys


@dataclass(frozen=True, slots=True)
class SigningKeyRow:
    """One signing key as stored: JWKs as JSON text, retired once a newer key signs."""

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
        async with self._engine.connect() as conn:
            result = await conn.execute(select(signing_keys).order_by(signing_keys.c.created_at.desc()))
            return [_row(record) for record in result.mappings()]

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

    async def delete_retired_before(self, cutoff: datetime) -> int:
        """Answers how many keys retired before `cutoff` (no token of theirs still valid) were deleted."""
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(signing_keys).where(signing_keys.c.retired_at < cutoff))
            return int(result.rowcount)


class RevocationRepository:
    """Reads and writes the `revoked_tokens` table (token ids only, never tokens)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._lookups = single_statements(engine)

    async def revoke(self, jti: str, expires_at: datetime, revoked_at: datetime) -> None:
        """Answers nothing; records `jti` as revoked (idempotent)."""
        try:
            async with self._engine.begin() as conn:
                await conn.execute(insert(revoked_tokens).values(jti=jti, expires_at=expires_at, revoked_at=revoked_at))
        except IntegrityError:
            return

    async def is_revoked(self, jti: str) -> bool:
        """Answers whether `jti` was revoked (one primary-key lookup)."""
        async with self._lookups.connect() as conn:
            result = await conn.execute(select(revoked_tokens.c.jti).where(revoked_tokens.c.jti == jti))
            return result.first() is not None

    async def purge_expired(self, now: datetime) -> int:
        """Answers how many revocations of tokens that have expired anyway were deleted."""
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(revoked_tokens).where(revoked_tokens.c.expires_at < now))
            return int(result.rowcount)
