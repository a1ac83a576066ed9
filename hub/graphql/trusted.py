"""Trusted documents: register a client's manifest, review it, find the approved text a request names."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

from strawberry import Schema

from hub.errors import ErrorCode, HubError
from hub.graphql.document_profile import Profile, analyse
from hub.policy.load import PolicySet
from hub.policy.policy import Policy
from hub.store.clients import ClientRepository
from hub.store.documents import APPROVED as APPROVED_STATUS
from hub.store.documents import DocumentRepository, DocumentRow, document_id

log = logging.getLogger(__name__)
MAX_DOCUMENTS = 500  # per manifest: a client's operations, not a dump


class DocumentStatus(StrEnum):
    """Where a document stands in review; only an approved one runs."""

    PENDING = "pending"
    APPROVED = APPROVED_STATUS
    REJECTED = "rejected"
    SUSPENDED = "suspended"  # its profile grew with a policy change: approve it again


def not_found(given: str) -> HubError:
    """Answers the error for a document id the caller may not run (unknown, not approved, another client's)."""
    return HubError(
        ErrorCode.PERSISTED_QUERY_NOT_FOUND,
        f"no approved document '{given[:80]}' is registered for your client",
        fix="register it (credit-hub documents register) and have the privacy office approve it",
    )


class TrustedDocuments:
    """The hub's register of trusted documents, analysed against each client's department policy."""

    def __init__(
        self, repository: DocumentRepository, clients: ClientRepository, schema: Schema, policies: PolicySet
    ) -> None:
        self.repository = repository
        self.clients = clients
        self.schema = schema
        self.policies = policies

    async def _policy(self, client_id: str) -> Policy:
        client = await self.clients.get(client_id)
        if client is None:
            raise HubError(ErrorCode.NOT_FOUND, f"no client '{client_id}' is registered", fix="check --client-id")
        policy = self.policies.get(client.department)
        if policy is None:
            raise HubError(
                ErrorCode.FORBIDDEN,
                f"the client's department '{client.department}' has no policy",
                fix="add policies/<department>.yaml",
            )
        return policy

    async def register(self, client_id: str, manifest: Mapping[str, object], now: datetime) -> list[DocumentRow]:
        """Answers the client's stored documents of the manifest; nothing is stored unless every one is valid."""
        if not manifest or len(manifest) > MAX_DOCUMENTS:
            raise HubError(
                ErrorCode.BAD_USER_INPUT,
                f"a manifest holds 1 to {MAX_DOCUMENTS} documents; this one holds {len(manifest)}",
                fix="map each id to its document text; register a larger set in several manifests",
            )
        policy = await self._policy(client_id)
        rows: list[DocumentRow] = []
        for given, text in manifest.items():
            if not isinstance(text, str) or document_id(text) != given:
                raise HubError(
                    ErrorCode.BAD_USER_INPUT,
                    f"manifest entry '{given[:80]}' is not 'sha256:<hex of its document text>'",
                    fix="use the id your client's build writes: sha256: and the hex SHA-256 of the text as UTF-8",
                )
            try:
                profile = analyse(self.schema, text, policy)
            except HubError as error:
                error.message = f"document '{given}': {error.message}"
                raise
            rows.append(DocumentRow(client_id, given, text, profile.to_json(), DocumentStatus.PENDING, now))
        return await self.repository.register(rows)

    async def review(
        self, client_id: str | None, given: str, approve: bool, note: str | None, by: str, now: datetime
    ) -> DocumentRow:
        """Answers the document after its approval or rejection (NOT_FOUND when there is none)."""
        if client_id is None:
            found = await self.repository.listing(document_id=given)
            if len(found) > 1:
                raise HubError(
                    ErrorCode.BAD_USER_INPUT,
                    f"document '{given}' is registered by {len(found)} clients",
                    fix="name the client (clientId / --client-id)",
                )
            client_id = found[0].client_id if found else ""
        status = DocumentStatus.APPROVED if approve else DocumentStatus.REJECTED
        row = await self.repository.review(client_id, given, status=status, note=note, by=by, at=now)
        if row is None:
            raise HubError(ErrorCode.NOT_FOUND, f"no document '{given[:80]}' is registered for that client")
        return row

    async def approved_text(self, client_id: str | None, given: str) -> str:
        """Answers the text of the client's approved document `given`, or PERSISTED_QUERY_NOT_FOUND."""
        body = await self.repository.approved_body(client_id, given) if client_id else None
        if body is None:
            raise not_found(given)
        return body

    async def approved(self, client_id: str, given: str) -> str | None:
        """Answers the text of the client's approved document `given`, or None (the mirror, else one look-up)."""
        return await self.repository.approved_body(client_id, given)

    async def is_approved(self, client_id: str | None, given: str) -> bool:
        """Answers whether the client holds an approved document with this id."""
        return client_id is not None and await self.repository.approved_body(client_id, given) is not None

    async def reanalyse(self) -> list[DocumentRow]:
        """Answers the documents suspended now: each is analysed again, and an approved one whose profile grew waits."""
        suspended: list[DocumentRow] = []
        for row in await self.repository.listing():
            try:
                profile = analyse(self.schema, row.body, await self._policy(row.client_id))
            except HubError:
                profile = None  # no longer valid, or its client is gone: it may not run
            grew = profile is None or profile.grown_from(Profile.from_json(row.profile))
            status = DocumentStatus.SUSPENDED if grew and row.status == DocumentStatus.APPROVED else row.status
            stored = profile.to_json() if profile is not None else row.profile
            if stored != row.profile or status != row.status:
                await self.repository.reprofile(row.client_id, row.document_id, profile=stored, status=status)
            if status != row.status:
                suspended.append(row)
                log.warning(
                    "trusted document suspended: its disclosure profile grew", extra={"client_id": row.client_id}
                )
        return suspended
