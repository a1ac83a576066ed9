"""`evaluation(code, purpose)`: the comprehensive evaluation, graded on the full record, shown as policy allows."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry

from hub.errors import ErrorCode, HubError
from hub.evaluation.service import evaluation_view
from hub.graphql.context import HubContext
from hub.graphql.errors import withheld_error
from hub.graphql.permissions import HubInfo, needs
from hub.graphql.query import admit_lookup, count_subjects, note_lookup
from hub.identity.codes import SubjectCode, SubjectKind, parse_subject_code
from hub.identity.scopes import Scope
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose
from hub.policy.self_access import self_access_policy
from hub.privacy.disclose import Disclosure, Withheld


@strawberry.type(description="One indicator of the evaluation model and what it found (as your policy may see).")
class EvaluationIndicator:
    code: str
    title: str
    record_type: str = strawberry.field(description="The catalogue record type whose items it counts.")
    applicable: bool = strawberry.field(description="False when the record type is not kept for this kind of subject.")
    shown: bool = strawberry.field(description="False when your policy may not see the record type: nothing below.")
    count: int | None = strawberry.field(description="Items that counted.")
    contribution: int | None = strawberry.field(description="Points added (positive) or deducted (negative).")
    limited: bool | None = strawberry.field(description="The indicator's limit cut the points.")
    grade_cap: str | None = strawberry.field(description="The best grade the indicator leaves (一票否决), if it caps.")
    legal_basis: str


@strawberry.type(
    description="The public credit comprehensive evaluation (公共信用综合评价): graded on read from the full federated "
    "record inside the hub under policies/evaluation.yaml; your policy decides only what of it you see."
)
class Evaluation:
    code: strawberry.ID
    kind: SubjectKind
    grade: str | None
    grade_title: str | None
    score: int | None
    evaluated_on: datetime.date | None
    model_version: str | None = strawberry.field(description="The version of the model that graded (YYYY.N).")
    model_title: str
    legal_basis: str
    complete: bool = strawberry.field(description="False when a source failed: the grade may change once it answers.")
    incomplete: list[str]
    indicators: list[EvaluationIndicator] | None = strawberry.field(
        description="Each indicator's contribution, in the model's order (FIELD_DENIED without evaluation.explanation)."
    )


def caller_policy(context: HubContext, code: SubjectCode, purpose: Purpose) -> Policy:
    """Answers the policy a data read about `code` runs under: the subject's own (SELF_ACCESS) or its department's,
    refusing another subject's code for a self token, a foreign purpose, or a subject outside the department's scope."""
    services = context.services
    own = context.principal.self_code
    if own is not None:
        if code.value != own or purpose is not Purpose.SELF_ACCESS:
            raise HubError(
                ErrorCode.FORBIDDEN, "a citizen or enterprise reads its own record only",
                fix="ask for your own code with purpose SELF_ACCESS",
            )  # fmt: skip
        context.purpose, context.data_query = Purpose.SELF_ACCESS, True
        return self_access_policy(services.catalog)
    policy = services.policy_for(context.principal)
    count_subjects(context, policy, 1)
    context.state_purpose(policy, purpose)
    if purpose not in policy.purposes:
        raise HubError(
            ErrorCode.PURPOSE_NOT_ALLOWED,
            f"department '{policy.department}' may not query for purpose {purpose}",
            fix=f"state one of: {', '.join(sorted(policy.purposes))}",
        )
    admit_lookup(context, [code])
    reason = policy.out_of_scope(code)
    if reason is not None:
        raise HubError(ErrorCode.FORBIDDEN, reason)
    return policy


async def evaluation_for(context: HubContext, code: SubjectCode, purpose: Purpose) -> dict[str, Any]:
    """Answers the caller's view of the subject's evaluation, and registers what it disclosed."""
    services = context.services
    policy = caller_policy(context, code, purpose)
    [found] = await services.credit.evaluation.evaluate([code], services.today())
    if isinstance(found, Withheld):
        disclosure = Disclosure(code.value)
        context.disclosures.append(disclosure)
        await note_lookup(context, [code], [disclosure])
        raise withheld_error(found)
    shown = await services.credit.evaluation.shown(policy, context.principal.org, purpose, found)
    disclosure = Disclosure(code.value, clear=set(shown.disclosed))
    disclosure.denied.update(f"evaluation.{n}" for n, v in shown.fields.items() if isinstance(v, Withheld))
    context.disclosures.append(disclosure)
    if policy.department != "self":
        await note_lookup(context, [code], [disclosure])
    return evaluation_view(shown)


@strawberry.type
class EvaluationQuery:
    """The comprehensive evaluation."""

    @strawberry.field(
        description="The subject's comprehensive evaluation grade, the day, the model version and each indicator's "
        "contribution, as your policy allows.",
        extensions=needs(Scope.SUBJECT_READ, Scope.CHECK_READ, Scope.SELF_READ),
    )
    async def evaluation(self, info: HubInfo, code: strawberry.ID, purpose: Purpose) -> Evaluation:
        view = await evaluation_for(info.context, parse_subject_code(str(code)), purpose)
        return view  # type: ignore[return-value]
