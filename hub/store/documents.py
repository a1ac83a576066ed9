"""Trusted documents in the hub's own database: register, look up, list, review, re-profile.

Every request naming a document asks whether it is approved. On PostgreSQL, once started, that is answered from a
mirror of the approved documents (hub.store.mirror) that every change announces on `credit_hub_documents`, so a
rejection or suspension reaches every worker as its notification arrives; otherwise from the table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, RowMapping, and_, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.store.clients import aware, unusable_database
from hub.store.engine import read_lookups
from hub.store.mirror import Mirror, announce
from hub.store.tables import trusted_documents as table

DOCUMENTS_CHANNEL = "credit_hub_documents"
APPROVED = "approved"  # the status under which a document runs (hub.graphql.trusted.DocumentStatus)
Approved = dict[tuple[str, str], str]  # (client id, document id) -> text


def document_id(text: str) -> str:
    """Answers the id of a document: `sha256:` and the hex SHA-256 of its text as UTF-8."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One client's registered document as stored; `profile` is the JSON text of its disclosure profile."""

    client_id: str
    document_id: str
    body: str
    profile: str
    status: str
    registered_at: datetime
    note: str | None = None
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None


def _row(record: RowMapping) -> DocumentRow:
    return DocumentRow(
        client_id=record["client_id"],
        document_id=record["document_id"],
        body=record["body"],
        profile=record["profile"],
        status=record["status"],
        registered_at=aware(record["registered_at"]),
        note=record["note"],
        reviewed_at=aware(record["reviewed_at"]) if record["reviewed_at"] else None,
        reviewed_by=record["reviewed_by"],
    )


def _key(client_id: str, document_id: str) -> ColumnElement[bool]:
    return and_(table.c.client_id == client_id, table.c.document_id == document_id)


async def _approved_documents(conn: AsyncConnection) -> Approved:
    result = await conn.execute(
        select(table.c.client_id, table.c.document_id, table.c.body).where(table.c.status == APPROVED)
    )
    return {(row.client_id, row.document_id): row.body for row in result}


class DocumentRepository:
    """Reads and writes the `trusted_documents` table; every change is announced to the workers' mirrors."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._lookups = read_lookups(engine)
        self.mirror: Mirror[Approved] = Mirror(engine, DOCUMENTS_CHANNEL, _approved_documents)

    async def start(self) -> None:
        """Answers nothing; starts mirroring the approved documents (PostgreSQL only)."""
        await self.mirror.start()

    async def stop(self) -> None:
        """Answers nothing; stops mirroring."""
        await self.mirror.stop()

    async def approved_body(self, client_id: str, document_id: str) -> str | None:
        """Answers the text of the client's approved document (None: not approved), from the mirror when it holds
        it, else in one statement (it may have been approved a moment ago, before this worker heard of it)."""
        mirrored = self.mirror.current
        if mirrored is not None and (body := mirrored.get((client_id, document_id))) is not None:
            return body
        query = select(table.c.body).where(_key(client_id, document_id), table.c.status == APPROVED)
        try:
            async with self._lookups.connect() as conn:
                found: str | None = (await conn.execute(query)).scalar()
        except SQLAlchemyError as exc:
            raise unusable_database("read the documents", exc) from None
        return found

    async def register(self, rows: Sequence[DocumentRow]) -> list[DocumentRow]:
        """Answers the stored form of each row: a new one as given, one registered before as it stands."""
        try:
            async with self.mirror.changing(), self._engine.begin() as conn:
                await announce(conn, DOCUMENTS_CHANNEL)
                stored: list[DocumentRow] = []
                for row in rows:
                    found = (await conn.execute(select(table).where(_key(row.client_id, row.document_id)))).first()
                    if found is not None:
                        stored.append(_row(found._mapping))
                        continue
                    await conn.execute(
                        insert(table).values(
                            client_id=row.client_id, document_id=row.document_id, body=row.body,
                            profile=row.profile, status=row.status, registered_at=row.registered_at,
                        )
                    )  # fmt: skip
                    stored.append(row)
                return stored
        except SQLAlchemyError as exc:
            raise unusable_database("register the documents", exc) from None

    async def find(self, client_id: str, document_id: str) -> DocumentRow | None:
        """Answers the client's document with this id, or None."""
        try:
            async with self._engine.connect() as conn:
                found = (await conn.execute(select(table).where(_key(client_id, document_id)))).first()
        except SQLAlchemyError as exc:
            raise unusable_database("read the documents", exc) from None
        return _row(found._mapping) if found is not None else None

    async def listing(self, status: str | None = None, document_id: str | None = None) -> list[DocumentRow]:
        """Answers the documents with this status and id (any when None), oldest first."""
        query = select(table).order_by(table.c.registered_at, table.c.client_id, table.c.document_id)
        if status is not None:
            query = query.where(table.c.status == status)
        if document_id is not None:
            query = query.where(table.c.document_id == document_id)
        try:
            async with self._engine.connect() as conn:
                return [_row(found._mapping) for found in await conn.execute(query)]
        except SQLAlchemyError as exc:
            raise unusable_database("read the documents", exc) from None

    async def review(
        self, client_id: str, document_id: str, *, status: str, note: str | None, by: str, at: datetime
    ) -> DocumentRow | None:
        """Answers the document after setting its review status, or None when there is no such document."""
        values = {"status": status, "note": note, "reviewed_by": by, "reviewed_at": at}
        return await self._update(client_id, document_id, values)

    async def reprofile(self, client_id: str, document_id: str, *, profile: str, status: str) -> DocumentRow | None:
        """Answers the document after storing its profile under the current policy and the status that follows."""
        return await self._update(client_id, document_id, {"profile": profile, "status": status})

    async def _update(self, client_id: str, document_id: str, values: Mapping[str, object]) -> DocumentRow | None:
        try:
            async with self.mirror.changing(), self._engine.begin() as conn:
                await announce(conn, DOCUMENTS_CHANNEL)
                await conn.execute(update(table).where(_key(client_id, document_id)).values(**values))
                found = (await conn.execute(select(table).where(_key(client_id, document_id)))).first()
        except SQLAlchemyError as exc:
            raise unusable_database("update the documents", exc) from None
        return _row(found._mapping) if found is not None else None
