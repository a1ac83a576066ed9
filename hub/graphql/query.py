"""Query resolvers: each parses its input, calls the records service, and hands the view back."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import strawberry

from hub.errors import ErrorCode, HubError
from hub.graphql.context import HubContext
from hub.graphql.errors import withheld_error
from hub.graphql.permissions import HubInfo, needs
from hub.graphql.selection import requested_fields
from hub.graphql.types import CatalogItem, SourceStatus, Subject, Viewer
from hub.identity.codes import SubjectCode, parse_subject_code
from hub.identity.scopes import Scope
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose
from hub.privacy.disclose import Disclosure, Withheld
from hub.records.probes import fruitless
from hub.records.service import ReadRequest


def count_subjects(context: HubContext, policy: Policy, count: int) -> None:
    """Answers nothing; adds `count` subjects to the operation's total, refusing past the policy's bound.

    The operation was measured before it ran (hub.graphql.limits); this holds the bound however the
    codes arrived (variables, defaults, aliases, fragments), summed over every field of the operation.
    """
    total = context.operation.subjects_read + count
    limit = policy.limits.subjects_per_request
    if total > limit:
        raise HubError(
            ErrorCode.QUERY_TOO_COMPLEX,
            f"the operation names {total} subjects; your policy allows {limit}",
            fix=f"split the request into batches of at most {limit}",
        )
    context.operation.subjects_read = total


def _prober(context: HubContext) -> str | None:
    """Answers whom look-ups are counted against: the client, or for a caller through another hub that caller, so
    that one caller's probing never suspends the hub's own client here (its hub counts and suspends it there)."""
    principal = context.principal
    if principal.extra.get("act_sub") and principal.client_id:
        return f"{principal.client_id}>{principal.subject}"
    return principal.client_id


def admit_lookup(context: HubContext, codes: Sequence[SubjectCode]) -> None:
    """Answers nothing; refuses (RATE_LIMITED) a client's look-up of natural persons while it is throttled."""
    client_id = _prober(context)
    if context.services.probes is not None and context.principal.department is not None and client_id:
        context.services.probes.admit(client_id, codes, time.monotonic())


async def note_lookup(context: HubContext, codes: Sequence[SubjectCode], disclosures: Sequence[Disclosure]) -> None:
    """Answers nothing; counts the client's look-ups of natural persons that disclosed nothing (hub.records.probes)."""
    client_id = _prober(context)
    if context.services.probes is not None and context.principal.department is not None and client_id:
        await context.services.probes.note(client_id, fruitless(codes, disclosures), time.monotonic())


async def _read(info: HubInfo, codes: list[SubjectCode], purpose: Any) -> list[Any]:
    context = info.context
    services = context.services
    context.targets.extend(code.value for code in codes)  # registered even when the read is refused
    policy = services.policy_for(context.principal)
    count_subjects(context, policy, len(codes))
    context.state_purpose(policy, purpose)
    admit_lookup(context, codes)
    selections = info.selected_fields[0].selections
    requested, linked = requested_fields(selections).frozen()
    request = ReadRequest(policy, context.principal.org, purpose, codes, requested, linked)
    result = await services.records.read(request, services.today())
    context.disclosures.extend(result.disclosures)
    await note_lookup(context, codes, result.disclosures)
    for index, outcome in result.failed_sources:
        path = [*info.path.as_list(), index] if len(codes) > 1 else info.path.as_list()
        context.soft_errors.append(
            HubError(
                ErrorCode.SOURCE_UNAVAILABLE,
                f"source '{outcome.name}' did not answer ({outcome.status}); the record is partial",
                extra={"source": outcome.name, "path": path},
            )
        )
    return result.views


@strawberry.type
class RecordQuery:
    """Credit records, sources, catalogue and the caller."""

    @strawberry.field(
        description="One subject's record, federated over all sources, filtered by your policy.",
        extensions=needs(Scope.SUBJECT_READ),
    )
    async def subject(self, info: HubInfo, code: strawberry.ID, purpose: Purpose) -> Subject | None:
        views = await _read(info, [parse_subject_code(code)], purpose)
        view = views[0]
        if isinstance(view, Withheld):
            raise withheld_error(view)
        return view  # type: ignore[no-any-return]

    @strawberry.field(
        description="Many subjects at once, in input order, bounded by your policy.",
        extensions=needs(Scope.SUBJECT_BULK),
    )
    async def subjects(self, info: HubInfo, codes: list[strawberry.ID], purpose: Purpose) -> list[Subject | None]:
        policy = info.context.services.policy_for(info.context.principal)
        limit = policy.limits.subjects_per_request
        if len(codes) > limit:
            raise HubError(
                ErrorCode.QUERY_TOO_COMPLEX,
                f"{len(codes)} codes asked; your policy allows {limit}",
                fix=f"split the request into batches of at most {limit}",
            )
        parsed = [parse_subject_code(code) for code in codes]
        views = await _read(info, parsed, purpose)
        answers: list[Any] = [withheld_error(view) if isinstance(view, Withheld) else view for view in views]
        return answers

    @strawberry.field(description="The state of every source, as of now.")
    async def sources(self, info: HubInfo) -> list[SourceStatus]:
        return await info.context.services.source_statuses()  # type: ignore[return-value]

    @strawberry.field(description="The public credit information catalogue.", extensions=needs(Scope.CATALOG_READ))
    def catalog(self, info: HubInfo) -> list[CatalogItem]:
        return info.context.services.catalog_items()  # type: ignore[return-value]

    @strawberry.field(description="Who you are to the hub: organisation, department, scopes, purposes.")
    def me(self, info: HubInfo) -> Viewer:
        principal = info.context.principal
        policy = info.context.services.policies.get(principal.department or "")
        return Viewer(
            subject=principal.subject,
            client_id=principal.client_id,
            organisation=principal.org,
            department=principal.department,
            scopes=sorted(principal.scopes),
            purposes=sorted(policy.purposes) if policy else [],
        )
