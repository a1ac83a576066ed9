"""creditCheck, creditChecks, the measures list, execution feedback and its statistics over GraphQL."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, cast

import strawberry
from graphql import GraphQLError

import hub.graphql.types  # noqa: F401 - registers Purpose and SubjectKind as GraphQL enums first
from hub.errors import ErrorCode, HubError
from hub.graphql.errors import hub_error, withheld_error
from hub.graphql.permissions import HubInfo, needs
from hub.graphql.query import admit_lookup, count_subjects, note_lookup
from hub.identity.codes import SubjectCode, SubjectKind, parse_subject_code
from hub.identity.scopes import Scope
from hub.measures.feedback import Execution, NotExecutedReason, Reporter
from hub.measures.model import MeasureKind, MeasureList
from hub.measures.results import CommitmentBar, GreenReason, Holder, ListStatus
from hub.policy.purposes import Purpose
from hub.privacy.disclose import Disclosure, Withheld
from hub.rights.events import RightsEvent

strawberry.enum(MeasureList, description="What a measure rests on: a list entry or a dishonest-debtor case.")
strawberry.enum(MeasureKind, description="A joint punishment or a joint reward.")
strawberry.enum(Holder, name="BasisHolder", description="Whose entry a measure rests on.")
strawberry.enum(ListStatus, description="The most serious list the subject is on now (a court debtor counts as BLACK).")
strawberry.enum(GreenReason, name="GreenChannelReason", description="Why the green channel is open.")
strawberry.enum(CommitmentBar, description="Why 告知承诺 is not open to the subject for this matter.")
strawberry.enum(NotExecutedReason, description="Why a measure was not executed.")


@strawberry.type(
    description="The enterprise through which a measure reaches a person (含法定代表人), as policy shows it."
)
class MeasureThrough:
    code: str | None = strawberry.field(description="The enterprise's USCC.")
    name: str | None
    role: str | None = strawberry.field(description="The person's role in it, e.g. 法定代表人.")


@strawberry.type(
    description="A current entry the check rests on (the subject's, its legal representative's, or an enterprise's "
    "the subject represents)."
)
class CheckEntry:
    item_id: strawberry.ID
    list: MeasureList
    starts_on: datetime.date | None
    ends_on: datetime.date | None = strawberry.field(description="Including days a rejected objection suspended.")
    extension_days: int
    suspended: bool = strawberry.field(description="An objection on the entry is being verified.")
    holder: Holder
    through: MeasureThrough | None = strawberry.field(description="For REPRESENTED_ENTERPRISE: which enterprise.")


@strawberry.type(description="A joint reward or punishment measure that applies to the subject for this matter.")
class AppliedMeasure:
    code: str
    content: str
    kind: MeasureKind
    mandatory: bool = strawberry.field(description="强制性 (true) or 推荐性 (false).")
    suspended: bool = strawberry.field(description="Every entry it rests on is under objection: do not execute.")
    legal_basis: str
    initiating_departments: list[str]
    implementing_departments: list[str]
    implementing_department: str
    basis_item_id: strawberry.ID | None
    basis_item_ids: list[strawberry.ID]
    basis_list: MeasureList | None
    via: Holder | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None = strawberry.field(description="Last day; null while the entry stands.")
    through: MeasureThrough | None = strawberry.field(
        description="The enterprise through which the measure reaches this person (via REPRESENTED_ENTERPRISE)."
    )


@strawberry.type(description="Whether the approval green channel (绿色通道, 容缺受理) is open to the subject.")
class GreenChannel:
    eligible: bool
    reason: GreenReason | None
    legal_basis: str


@strawberry.type(
    description="Whether the approval may accept a written commitment instead of documents (告知承诺制) for this "
    "matter: not after a broken commitment within the period policies/measures.yaml states, nor for a seriously "
    "dishonest subject."
)
class CommitmentOption:
    offered: bool = strawberry.field(description="The matter admits 告知承诺 at all.")
    eligible: bool = strawberry.field(description="The subject may use it now.")
    barred_until: datetime.date | None = strawberry.field(description="Last day a broken commitment bars it.")
    reason: CommitmentBar | None
    basis_item_id: strawberry.ID | None = strawberry.field(description="The broken commitment or entry that bars it.")
    legal_basis: str


@strawberry.type(description="What applies to a subject for one matter: list status and measures, mandatory first.")
class CreditCheck:
    code: strawberry.ID
    kind: SubjectKind
    matter: str
    checked_on: datetime.date
    list_status: ListStatus
    entries: list[CheckEntry]
    measures: list[AppliedMeasure]
    green_channel: GreenChannel
    complete: bool = strawberry.field(description="False when a source failed or a record type was withheld.")
    incomplete: list[str]
    commitment: CommitmentOption = strawberry.field(description="告知承诺: may the subject use it for this matter.")


@strawberry.type(description="A measure of the measures list (措施清单).")
class Measure:
    code: str
    content: str
    kind: MeasureKind
    mandatory: bool
    legal_basis: str
    lists: list[MeasureList]
    matters: list[str]
    initiating: list[str]
    implementing: list[str]
    legal_representative: bool
    clean_record: bool

    @strawberry.field(description="Roles of a seriously dishonest enterprise's persons it also reaches (含法定代表人).")
    def reaches_roles(self) -> list[str]:
        return sorted(cast(Any, self).reaches_roles)

    @strawberry.field(description="The legal basis for reaching those persons.")
    def reaches_basis(self) -> str | None:
        return cast(str | None, cast(Any, self).reaches_basis)


@strawberry.type(description="How often a reason was given for not executing a measure.")
class ReasonCount:
    reason: str
    count: int


@strawberry.type(description="Execution feedback on one measure.")
class MeasureStatistic:
    measure: str
    content: str
    mandatory: bool
    reported: int
    executed: int
    not_executed: int
    execution_rate: float | None
    reasons: list[ReasonCount]
    departments: int


@strawberry.input(description="What was done with one measure.")
class MeasureOutcomeInput:
    measure: str
    executed: bool
    reason: NotExecutedReason | None = strawberry.field(default=None, description="Required when not executed.")
    note: str | None = None


@strawberry.input(description="An approval system's feedback on the measures of one check.")
class MeasureExecutionInput:
    code: strawberry.ID
    matter: str
    outcomes: list[MeasureOutcomeInput]
    case_reference: str | None = strawberry.field(default=None, description="The approval case number.")
    purpose: Purpose = strawberry.field(
        default=Purpose.ADMINISTRATIVE_APPROVAL,
        description="The purpose of the check the measures came from; the subject is checked again under it.",
    )


@strawberry.type(description="The stored feedback.")
class MeasureExecutionReport:
    id: strawberry.ID
    reported: int
    reported_at: datetime.datetime


def _parse(codes: list[strawberry.ID]) -> tuple[list[SubjectCode], list[GraphQLError | None]]:
    parsed: list[SubjectCode] = []
    errors: list[GraphQLError | None] = []
    for raw in codes:
        try:
            parsed.append(parse_subject_code(str(raw)))
            errors.append(None)
        except HubError as error:
            errors.append(hub_error(error))
    return parsed, errors


async def _checks(info: HubInfo, codes: list[strawberry.ID], matter: str, purpose: Purpose) -> list[Any]:
    context, services = info.context, info.context.services
    policy = services.policy_for(context.principal)
    count_subjects(context, policy, len(codes))
    context.state_purpose(policy, purpose)
    parsed, answers = _parse(codes)
    admit_lookup(context, parsed)
    batch = await services.credit.checks.check(policy, context.principal.org, purpose, parsed, matter, services.today())
    context.disclosures.extend(d for d in batch.disclosures if isinstance(d, Disclosure))
    await note_lookup(context, parsed, [d for d in batch.disclosures if isinstance(d, Disclosure)])
    context.disclosures.extend(Disclosure(code, clear=fields) for code, fields in batch.enterprises_read.items())
    valid = [index for index, error in enumerate(answers) if error is None]
    for position, outcome in batch.failed:
        index = valid[position]
        path = [*info.path.as_list(), index] if len(codes) > 1 else info.path.as_list()
        context.soft_errors.append(
            HubError(
                ErrorCode.SOURCE_UNAVAILABLE,
                f"source '{outcome.name}' did not answer ({outcome.status}); the check is incomplete",
                extra={"source": outcome.name, "path": path},
            )
        )
    results: list[Any] = list(answers)
    for index, found in zip(valid, batch.results, strict=True):
        results[index] = withheld_error(found) if isinstance(found, Withheld) else found
    return results


@strawberry.type
class MeasuresQuery:
    """Credit checks for approval systems, the measures list, and execution statistics."""

    @strawberry.field(
        description="The subject's list status and the measures that apply to this matter.",
        extensions=needs(Scope.CHECK_READ),
    )
    async def credit_check(self, info: HubInfo, code: strawberry.ID, matter: str, purpose: Purpose) -> CreditCheck:
        found = (await _checks(info, [code], matter, purpose))[0]
        if isinstance(found, GraphQLError):
            raise found
        return cast(CreditCheck, found)

    @strawberry.field(
        description="Credit checks of many subjects in one request, in input order.", extensions=needs(Scope.CHECK_READ)
    )
    async def credit_checks(
        self, info: HubInfo, codes: list[strawberry.ID], matter: str, purpose: Purpose
    ) -> list[CreditCheck | None]:
        limit = info.context.services.policy_for(info.context.principal).limits.subjects_per_request
        if len(codes) > limit:
            raise HubError(
                ErrorCode.QUERY_TOO_COMPLEX,
                f"{len(codes)} codes asked; your policy allows {limit}",
                fix=f"split the request into batches of at most {limit}",
            )
        return await _checks(info, codes, matter, purpose)

    @strawberry.field(
        description="The measures list, or the measures concerning one matter.",
        extensions=needs(Scope.CATALOG_READ, Scope.CHECK_READ),
    )
    def measures(self, info: HubInfo, matter: str | None = None) -> list[Measure]:
        context = info.context
        found = context.services.credit.measures
        chosen = found.for_matter(matter) if matter is not None else tuple(found.measures.values())
        return cast(list[Measure], list(chosen))

    @strawberry.field(
        description="Per measure: reported, executed, not executed and why (own department, or all).",
        extensions=needs(Scope.MEASURE_FEEDBACK, Scope.AUDIT_READ),
    )
    async def measure_statistics(
        self, info: HubInfo, since: datetime.date | None = None, until: datetime.date | None = None
    ) -> list[MeasureStatistic]:
        context = info.context
        everyone = context.principal.has(Scope.AUDIT_READ)
        start = datetime.datetime.combine(since, datetime.time(), datetime.UTC) if since else None
        end = datetime.datetime.combine(until, datetime.time(), datetime.UTC) if until else None
        department = None if everyone else context.principal.department
        stats = await context.services.credit.feedback.statistics(start, end, department)
        return cast(list[MeasureStatistic], stats)


@strawberry.type
class MeasuresMutation:
    """Execution feedback (执行反馈)."""

    @strawberry.mutation(
        description="Report what was done with each measure of a check; nothing outside the list.",
        extensions=needs(Scope.MEASURE_FEEDBACK),
    )
    async def report_measure_execution(
        self, info: HubInfo, input_: Annotated[MeasureExecutionInput, strawberry.argument(name="input")]
    ) -> MeasureExecutionReport:
        context = info.context
        principal = context.principal
        if principal.department is None:
            raise HubError(ErrorCode.FORBIDDEN, "feedback comes from a department's client", fix="use its token")
        code = parse_subject_code(str(input_.code))
        outcomes = [Execution(o.measure, o.executed, o.reason, o.note) for o in input_.outcomes]
        now = datetime.datetime.now(datetime.UTC)
        policy = context.services.policy_for(principal)
        context.state_purpose(policy, input_.purpose)
        reporter = Reporter(
            principal.department, principal.client_id, context.operator, policy, principal.org, input_.purpose
        )
        count_subjects(context, policy, 1)
        admit_lookup(context, [code])
        try:
            accepted = await context.services.credit.feedback.report(
                reporter, code, input_.matter, outcomes, input_.case_reference, now
            )
        except HubError:
            await note_lookup(context, [code], [])
            raise
        report_id, count = accepted.report_id, accepted.count
        await note_lookup(context, [code], [d for d in accepted.disclosures if isinstance(d, Disclosure)])
        context.disclosures.extend(d for d in accepted.disclosures if isinstance(d, Disclosure))
        context.disclosures.extend(Disclosure(c, clear=fields) for c, fields in accepted.enterprises_read.items())
        event = RightsEvent("measure_feedback", "reported", report_id, code.value, now, None, principal.department)
        context.operation.rights_events.append(event)
        return MeasureExecutionReport(id=strawberry.ID(report_id), reported=count, reported_at=now)
