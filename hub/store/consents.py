"""Consents in the hub's own database: one insert per grant, revocation, and the valid ones per request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import RowMapping, Select, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.errors import ErrorCode, HubError
from hub.store.clients import aware
from hub.store.engine import read_lookups
from hub.store.tables import clients, consents

_UNAVAILABLE = "the consent register is unavailable"


@dataclass(frozen=True, slots=True)
class ConsentRow:
    """One consent as stored: who granted it to which organisation, for what, and from when to when."""

    id: str
    subject_code: str
    grantee_org: str
    purpose: str
    record_types: tuple[str, ...]
    sensitive_categories: tuple[str, ...]
    starts_at: datetime
    expires_at: datetime
    created_at: datetime
    revoked_at: datetime | None = None


def utc(moment: datetime) -> datetime:
    """Answers `moment` in UTC (naive values are taken as UTC), the one zone the table stores."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _row(record: RowMapping) -> ConsentRow:
    revoked = record["revoked_at"]
    return ConsentRow(
        id=record["id"],
        subject_code=record["subject_code"],
        grantee_org=record["grantee_org"],
        purpose=record["purpose"],
        record_types=tuple(str(record["record_types"]).split()),
        sensitive_categories=tuple(str(record["sensitive_categories"] or "").split()),
        starts_at=utc(aware(record["starts_at"])),
        expires_at=utc(aware(record["expires_at"])),
        created_at=utc(aware(record["created_at"])),
        revoked_at=utc(aware(revoked)) if revoked is not None else None,
    )


def _unavailable() -> HubError:
    return HubError(
        ErrorCode.SOURCE_UNAVAILABLE,
        _UNAVAILABLE,
        fix="try again shortly; nothing was changed",
        extra={"source": "consents"},
    )


class ConsentRepository:
    """Reads and writes the `consents` table (and reads which organisations are registered clients)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._lookups = read_lookups(engine)

    async def add(self, row: ConsentRow) -> None:
        """Answers nothing; stores one consent in one insert."""
        values = {
            "id": row.id,
            "subject_code": row.subject_code,
            "grantee_org": row.grantee_org,
            "purpose": row.purpose,
            "record_types": " ".join(row.record_types),
            "sensitive_categories": " ".join(row.sensitive_categories),
            "starts_at": utc(row.starts_at),
            "expires_at": utc(row.expires_at),
            "created_at": utc(row.created_at),
            "revoked_at": None,
        }
        try:
            async with self._engine.begin() as conn:
                await conn.execute(insert(consents).values(**values))
        except (SQLAlchemyError, OSError):
            raise _unavailable() from None

    async def of_subject(self, subject_code: str) -> list[ConsentRow]:
        """Answers every consent a subject granted, newest first."""
        query = (
            select(consents)
            .where(consents.c.subject_code == subject_code)
            .order_by(consents.c.created_at.desc(), consents.c.id)
        )
        return await self._all(query)

    async def revoke(self, consent_id: str, subject_code: str, at: datetime) -> ConsentRow | None:
        """Answers the consent after revoking it at `at`, or None when `subject_code` did not grant it."""
        mine = (consents.c.id == consent_id) & (consents.c.subject_code == subject_code)
        try:
            async with self._engine.begin() as conn:
                record = (await conn.execute(select(consents).where(mine))).mappings().first()
                if record is None:
                    return None
                found = _row(record)
                if found.revoked_at is not None:
                    return found
                await conn.execute(
                    update(consents).where(mine & consents.c.revoked_at.is_(None)).values(revoked_at=utc(at))
                )
                return replace(found, revoked_at=utc(at))
        except (SQLAlchemyError, OSError):
            raise _unavailable() from None

    async def valid(self, subject_codes: Sequence[str], org: str, purpose: str, at: datetime) -> list[ConsentRow]:
        """Answers, in one query, the consents of these subjects to `org` for `purpose` that hold at `at`."""
        if not subject_codes:
            return []
        moment = utc(at)
        query = select(consents).where(
            consents.c.subject_code.in_(sorted(set(subject_codes))),
            consents.c.grantee_org == org,
            consents.c.purpose == purpose,
            consents.c.revoked_at.is_(None),
            consents.c.starts_at <= moment,
            consents.c.expires_at > moment,
        )
        return await self._all(query)

    async def departments_of(self, org: str) -> frozenset[str]:
        """Answers the departments of the organisation's enabled clients (empty: not a registered client)."""
        query = select(clients.c.department).where(clients.c.org == org, clients.c.disabled.is_(False)).distinct()
        try:
            async with self._lookups.connect() as conn:
                return frozenset(str(value) for value in (await conn.execute(query)).scalars())
        except (SQLAlchemyError, OSError):
            raise _unavailable() from None

    async def organisation_names(self, orgs: Sequence[str]) -> dict[str, str]:
        """Answers the name of each organisation's first registered client, by USCC."""
        if not orgs:
            return {}
        query = (
            select(clients.c.org, clients.c.name)
            .where(clients.c.org.in_(sorted(set(orgs))))
            .order_by(clients.c.created_at.desc(), clients.c.client_id.desc())
        )
        try:
            async with self._lookups.connect() as conn:
                return {str(org): str(name) for org, name in (await conn.execute(query)).all()}
        except (SQLAlchemyError, OSError):
            raise _unavailable() from None

    async def organisations(self) -> dict[str, str]:
        """Answers every organisation with an enabled client, by USCC: the name of its first registered client."""
        query = (
            select(clients.c.org, clients.c.name)
            .where(clients.c.disabled.is_(False))
            .order_by(clients.c.created_at.desc(), clients.c.client_id.desc())
        )
        try:
            async with self._lookups.connect() as conn:
                return {str(org): str(name) for org, name in (await conn.execute(query)).all()}
        except (SQLAlchemyError, OSError):
            raise _unavailable() from None

    async def _all(self, query: Select[Any]) -> list[ConsentRow]:
        try:
            async with self._lookups.connect() as conn:
                return [_row(record) for record in (await conn.execute(query)).mappings()]
        except (SQLAlchemyError, OSError):
            raise _unavailable() from None
