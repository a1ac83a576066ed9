"""The loop of joint reward and punishment over GraphQL: initiate, respond, cases with stage and lag, monitoring."""

from __future__ import annotations

import datetime
from typing import Annotated, cast

import strawberry

import hub.graphql.types  # noqa: F401 - registers Purpose as a GraphQL enum first
from hub.errors import ErrorCode, HubError
from hub.graphql.permissions import HubInfo, needs
from hub.graphql.query import admit_lookup, count_subjects, note_lookup
from hub.identity.codes import parse_subject_code
from hub.identity.principal import Principal
from hub.identity.scopes import Scope
from hub.measures.cases import Initiator, Stage
from hub.policy.purposes import Purpose
from hub.privacy.disclose import Disclosure

strawberry.enum(Stage, name="MeasureCaseStage", description="INITIATED (发起), RESPONDED (响应), FED_BACK (反馈).")
_WINDOW = datetime.timedelta(days=30)


@strawberry.type(description="One target, one measure, one implementing department of an initiation, and its stage.")
class MeasureCase:
    id: strawberry.ID
    initiating_department: str
    implementing_department: str
    subject_code: str = strawberry.field(description="A USCC in clear; a resident ID masked.")
    measure: str
    matter: str
    reference: str | None = strawberry.field(description="The initiating document's number.")
    stage: Stage
    initiated_at: datetime.datetime
    responded_at: datetime.datetime | None
    fed_back_at: datetime.datetime | None
    executed: bool | None = strawberry.field(description="Set once fed back.")
    lag_hours: float = strawberry.field(description="Hours from initiation to feedback, or until now while open.")
    due_at: datetime.datetime | None = strawberry.field(description="When the next step is due; null once fed back.")
    overdue: bool


@strawberry.type(description="One department's part in the loop within the window (overdue: as of its end).")
class DepartmentMonitoring:
    department: str
    initiated: int = strawberry.field(description="Cases it initiated.")
    responded: int = strawberry.field(description="Cases assigned to it that it acknowledged.")
    executed: int = strawberry.field(description="Cases assigned to it fed back as executed.")
    fed_back: int = strawberry.field(description="Cases assigned to it fed back, executed or not.")
    pending: int = strawberry.field(description="Cases assigned to it and not yet fed back, now.")
    overdue: int = strawberry.field(
        description="Cases assigned to it past respond_within_days or feed_back_within_days."
    )


@strawberry.type(description="The monitoring report of joint reward and punishment (实时监测, 监测报告).")
class MeasureMonitoring:
    since: datetime.datetime
    until: datetime.datetime
    respond_within_days: int
    feed_back_within_days: int
    legal_basis: str
    departments: list[DepartmentMonitoring]


@strawberry.input(description="An initiating department names targets, measures and implementing departments.")
class InitiateMeasuresInput:
    targets: list[strawberry.ID]
    matter: str
    measures: list[str]
    implementers: list[str] = strawberry.field(description="Department keys that are to execute the measures.")
    purpose: Purpose = strawberry.field(description="The purpose the targets are checked under.")
    reference: str | None = strawberry.field(default=None, description="The initiating document's number.")


def _department(principal: Principal) -> str:
    if principal.department is None:
        raise HubError(ErrorCode.FORBIDDEN, "cases belong to a department's client", fix="use its token")
    return principal.department


def _who_sees(info: HubInfo) -> str | None:
    """Answers the department whose cases the caller sees (None: all, for audit:read)."""
    principal = info.context.principal
    return None if principal.has(Scope.AUDIT_READ) else _department(principal)


@strawberry.type
class MeasureCaseQuery:
    """Cases of the loop and the monitoring report."""

    @strawberry.field(
        description="The newest cases your department initiated or implements (all, for audit:read).",
        extensions=needs(Scope.MEASURES_INITIATE, Scope.MEASURE_FEEDBACK, Scope.AUDIT_READ),
    )
    async def measure_cases(self, info: HubInfo, stage: Stage | None = None, first: int = 50) -> list[MeasureCase]:
        department = _who_sees(info)
        now = datetime.datetime.now(datetime.UTC)
        found = await info.context.services.credit.cases.cases(department, stage, first, now)
        return cast(list[MeasureCase], found)

    @strawberry.field(
        description="Per department: initiated, responded, executed, fed back, overdue (default: 30 days).",
        extensions=needs(Scope.MEASURES_INITIATE, Scope.MEASURE_FEEDBACK, Scope.AUDIT_READ),
    )
    async def measure_monitoring(
        self, info: HubInfo, since: datetime.datetime | None = None, until: datetime.datetime | None = None
    ) -> MeasureMonitoring:
        department = _who_sees(info)
        now = datetime.datetime.now(datetime.UTC)
        end = until or now
        start = since or end - _WINDOW
        service = info.context.services.credit.cases
        rows = await service.monitoring(start, end, now)
        shown = [row for row in rows if department is None or row.department == department]
        limits = service.measures.monitoring
        return MeasureMonitoring(
            since=start, until=end, respond_within_days=limits.respond_within_days,
            feed_back_within_days=limits.feed_back_within_days, legal_basis=limits.legal_basis,
            departments=cast(list[DepartmentMonitoring], shown),
        )  # fmt: skip


@strawberry.type
class MeasureCaseMutation:
    """Initiating (发起) and responding (响应)."""

    @strawberry.mutation(
        description="Name targets and measures for implementing departments; each target is checked.",
        extensions=needs(Scope.MEASURES_INITIATE),
    )
    async def initiate_measures(
        self, info: HubInfo, input_: Annotated[InitiateMeasuresInput, strawberry.argument(name="input")]
    ) -> list[MeasureCase]:
        context = info.context
        principal = context.principal
        policy = context.services.policy_for(principal)
        context.state_purpose(policy, input_.purpose)
        targets = [parse_subject_code(str(code)) for code in input_.targets]
        initiator = Initiator(
            _department(principal), principal.client_id, context.operator, policy, principal.org, input_.purpose
        )
        now = datetime.datetime.now(datetime.UTC)
        count_subjects(context, policy, len(targets))
        admit_lookup(context, targets)
        try:
            opened = await context.services.credit.cases.initiate(
                initiator, targets, input_.matter, input_.measures, input_.implementers, input_.reference, now
            )
        except HubError:
            await note_lookup(context, targets, [])
            raise
        await note_lookup(context, targets, [d for d in opened.disclosures if isinstance(d, Disclosure)])
        context.disclosures.extend(d for d in opened.disclosures if isinstance(d, Disclosure))
        context.disclosures.extend(Disclosure(c, clear=fields) for c, fields in opened.enterprises_read.items())
        return cast(list[MeasureCase], opened.cases)

    @strawberry.mutation(
        description="Acknowledge a case assigned to your department (响应).", extensions=needs(Scope.MEASURE_FEEDBACK)
    )
    async def respond_to_measure_case(self, info: HubInfo, id: strawberry.ID) -> MeasureCase:
        context = info.context
        now = datetime.datetime.now(datetime.UTC)
        found = await context.services.credit.cases.respond(str(id), _department(context.principal), now)
        return cast(MeasureCase, found)
