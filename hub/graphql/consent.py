"""Consents over GraphQL: `myConsents`, `grantConsent` and `revokeConsent`, for the signed-in natural person."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated

import strawberry

import hub.graphql.types  # noqa: F401 - registers Purpose as a GraphQL enum before the types below use it
from hub.errors import ErrorCode, HubError
from hub.graphql.context import HubContext
from hub.graphql.permissions import HubInfo, needs
from hub.identity.scopes import Scope
from hub.policy.purposes import Purpose
from hub.privacy.consent import ConsentService, ConsentStatus, GrantRequest, status
from hub.store.consents import ConsentRow

strawberry.enum(ConsentStatus, description="Where a consent stands now: in force, not started, expired or revoked.")


@strawberry.type(name="Consent", description="A natural person's consent to an organisation, for one purpose.")
class ConsentView:
    id: strawberry.ID
    grantee: str = strawberry.field(description="The organisation's Unified Social Credit Code.")
    grantee_name: str | None = strawberry.field(description="The organisation as registered with the hub.")
    purpose: Purpose
    record_types: list[str] = strawberry.field(description="Catalogue record types the consent covers.")
    sensitive_categories: list[str] = strawberry.field(description="Sensitive categories it names explicitly.")
    starts_at: datetime.datetime
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None
    created_at: datetime.datetime
    status: ConsentStatus


@strawberry.input(description="A consent: to whom, for which purpose, over which record types, until when.")
class GrantConsentInput:
    grantee: strawberry.ID = strawberry.field(description="The organisation's Unified Social Credit Code.")
    purpose: Purpose = strawberry.field(description="The one purpose the organisation may use the records for.")
    record_types: list[str] = strawberry.field(description="Catalogue record types, e.g. registration, penalty.")
    expires_at: datetime.datetime = strawberry.field(
        description="At most one year from now; a time without an offset is read as UTC."
    )
    starts_at: datetime.datetime | None = strawberry.field(default=None, description="Default: now; never past.")
    sensitive_categories: list[str] | None = strawberry.field(
        default=None, description="Sensitive categories (health, religion, biometrics, genes, ...) named explicitly."
    )


@dataclass(frozen=True, slots=True)
class _Caller:
    code: str
    consents: ConsentService


def _caller(context: HubContext) -> _Caller:
    code = context.principal.self_code
    consents = context.services.records.consents
    if code is None:
        raise HubError(ErrorCode.FORBIDDEN, "consents belong to signed-in citizens", fix="sign in as the person")
    if not isinstance(consents, ConsentService):
        raise HubError(ErrorCode.SOURCE_UNAVAILABLE, "the consent register is not configured")
    return _Caller(code, consents)


async def _views(consents: ConsentService, rows: list[ConsentRow]) -> list[ConsentView]:
    names = await consents.store.organisation_names([row.grantee_org for row in rows])
    now = consents.clock()
    return [
        ConsentView(
            id=strawberry.ID(row.id),
            grantee=row.grantee_org,
            grantee_name=names.get(row.grantee_org),
            purpose=Purpose(row.purpose),
            record_types=list(row.record_types),
            sensitive_categories=list(row.sensitive_categories),
            starts_at=row.starts_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            created_at=row.created_at,
            status=status(row, now),
        )
        for row in rows
    ]


@strawberry.type(description="An organisation registered with the hub (one that may be granted consent).")
class RegisteredOrganisation:
    code: str = strawberry.field(description="The organisation's Unified Social Credit Code.")
    name: str = strawberry.field(description="Its name as registered with the hub (its first client's).")


@strawberry.type
class ConsentQuery:
    """The caller's consents."""

    @strawberry.field(
        description="Every consent you granted (active, not started, expired, revoked), newest first.",
        extensions=needs(Scope.SELF_READ),
    )
    async def my_consents(self, info: HubInfo) -> list[ConsentView]:
        caller = _caller(info.context)
        return await _views(caller.consents, await caller.consents.mine(caller.code))

    @strawberry.field(
        description="The organisations registered with the hub, by name; `search` matches part of a name or code.",
        extensions=needs(Scope.SELF_READ),
    )
    async def consent_grantees(
        self, info: HubInfo, search: str | None = None, first: int = 200
    ) -> list[RegisteredOrganisation]:
        caller = _caller(info.context)
        if not 0 <= first <= 500:
            raise HubError(ErrorCode.BAD_USER_INPUT, "first must be between 0 and 500", fix="ask for at most 500",
                           extra={"field": "first"})  # fmt: skip
        found = await caller.consents.grantees((search or "")[:100], first)
        return [RegisteredOrganisation(code=code, name=name) for code, name in found]


@strawberry.type
class ConsentMutation:
    """Granting and revoking consent."""

    @strawberry.mutation(
        description="Grant an organisation consent for one purpose, for at most one year.",
        extensions=needs(Scope.SELF_CONSENT),
    )
    async def grant_consent(
        self, info: HubInfo, input_: Annotated[GrantConsentInput, strawberry.argument(name="input")]
    ) -> ConsentView:
        caller = _caller(info.context)
        request = GrantRequest(
            grantee=str(input_.grantee),
            purpose=input_.purpose,
            record_types=input_.record_types,
            expires_at=input_.expires_at,
            starts_at=input_.starts_at,
            sensitive_categories=input_.sensitive_categories or (),
        )
        row = await caller.consents.grant(caller.code, request)
        return (await _views(caller.consents, [row]))[0]

    @strawberry.mutation(
        description="Revoke one of your consents; it stops covering queries at once.",
        extensions=needs(Scope.SELF_CONSENT),
    )
    async def revoke_consent(self, info: HubInfo, id: strawberry.ID) -> ConsentView:
        caller = _caller(info.context)
        row = await caller.consents.revoke(caller.code, str(id))
        return (await _views(caller.consents, [row]))[0]
