"""Trusted documents in GraphQL: a client registers its operations, the privacy office reviews their profiles."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from hub.audit.reader import unavailable
from hub.errors import ErrorCode, HubError
from hub.graphql.context import HubContext
from hub.graphql.document_profile import Profile
from hub.graphql.permissions import HubInfo, needs
from hub.graphql.trusted import DocumentStatus as Status
from hub.graphql.trusted import TrustedDocuments
from hub.identity.scopes import Scope
from hub.store.documents import DocumentRow

DocumentStatus = strawberry.enum(Status, name="DocumentStatus", description="Where a document stands in review.")


@strawberry.enum(description="The privacy office's decision on a document.")
class DocumentDecision(Enum):
    APPROVE = "approve"
    REJECT = "reject"


@strawberry.type(description="One field a document can disclose under one purpose about one kind of subject.")
class DisclosureEntry:
    purpose: str
    subject_kind: str = strawberry.field(description="LEGAL_ENTITY or NATURAL_PERSON")
    field: str = strawberry.field(
        description="catalogue field, record_type.field (represented.: a person's enterprise)"
    )
    form: str = strawberry.field(description="clear, masked or denied")
    consent_required: bool = strawberry.field(description="disclosed only with the subject's valid consent")


@strawberry.type(description="A client's registered operation, its disclosure profile and review.")
class TrustedDocument:
    id: strawberry.ID = strawberry.field(description="sha256:<hex of the document text>")
    client_id: str
    status: DocumentStatus  # type: ignore[valid-type]
    body: str = strawberry.field(description="the document text")
    operations: list[str] = strawberry.field(description="the root fields it runs")
    profile: list[DisclosureEntry]
    note: str | None
    registered_at: datetime.datetime
    reviewed_at: datetime.datetime | None
    reviewed_by: str | None


def _node(row: DocumentRow) -> TrustedDocument:
    profile = Profile.from_json(row.profile)
    return TrustedDocument(
        id=strawberry.ID(row.document_id), client_id=row.client_id, status=Status(row.status), body=row.body,
        operations=list(profile.operations), note=row.note, registered_at=row.registered_at,
        reviewed_at=row.reviewed_at, reviewed_by=row.reviewed_by,
        profile=[
            DisclosureEntry(purpose=e.purpose, subject_kind=e.subject_kind, field=e.field, form=e.form,
                            consent_required=e.consent)
            for e in profile.entries
        ],
    )  # fmt: skip


def _documents(context: HubContext) -> TrustedDocuments:
    if context.documents is None:
        raise unavailable()
    return context.documents


def _reviewer(context: HubContext) -> TrustedDocuments:
    return _documents(context)


@strawberry.type
class DocumentsQuery:
    """The trusted documents the privacy office reviews (documents:review or audit:read)."""

    @strawberry.field(
        description="Registered documents with their disclosure profiles, oldest first.",
        extensions=needs(Scope.DOCUMENTS_REVIEW, Scope.AUDIT_READ),
    )
    async def trusted_documents(self, info: HubInfo, status: DocumentStatus | None = None) -> list[TrustedDocument]:  # type: ignore[valid-type]
        rows = await _reviewer(info.context).repository.listing(Status(status).value if status else None)
        return [_node(row) for row in rows]


@strawberry.type
class DocumentsMutation:
    """Registering (documents:write) and reviewing (documents:review or audit:read) trusted documents."""

    @strawberry.mutation(
        description="Register your client's operations: a manifest {sha256:<hex>: text}.",
        extensions=needs(Scope.DOCUMENTS_WRITE),
    )
    async def register_trusted_documents(self, info: HubInfo, manifest: JSON) -> list[TrustedDocument]:
        context = info.context
        if not isinstance(manifest, dict) or context.principal.client_id is None:
            raise HubError(ErrorCode.BAD_USER_INPUT, "the manifest is a JSON object", fix="map each id to its text")
        now = datetime.datetime.now(datetime.UTC)
        rows = await _documents(context).register(context.principal.client_id, manifest, now)
        return [_node(row) for row in rows]

    @strawberry.mutation(
        description="Approve or reject a registered document after reading its profile.",
        extensions=needs(Scope.DOCUMENTS_REVIEW, Scope.AUDIT_READ),
    )
    async def review_trusted_document(
        self, info: HubInfo, id: strawberry.ID, decision: DocumentDecision, note: str | None = None,
        client_id: str | None = None,
    ) -> TrustedDocument:  # fmt: skip
        context = info.context
        documents = _reviewer(context)
        by = context.operator or context.principal.client_id or context.principal.subject
        now = datetime.datetime.now(datetime.UTC)
        row = await documents.review(client_id, str(id), decision is DocumentDecision.APPROVE, note, by, now)
        return _node(row)
