"""Objections and credit repair over GraphQL: the subject files, the responsible department decides."""

from __future__ import annotations

import datetime
from enum import Enum
from typing import Annotated

import strawberry

from hub.graphql.context import HubContext
from hub.graphql.permissions import HubInfo, needs
from hub.identity.scopes import Scope
from hub.privacy.disclose import Disclosure
from hub.rights.deadlines import deadline_estimated
from hub.rights.events import RightsEvent
from hub.rights.objections import Decision, Outcome
from hub.rights.repairs import EvidenceKind, RepairDecision
from hub.store.rights_rows import Evidence, ObjectionRow, RepairRow

strawberry.enum(Decision, name="ObjectionDecision", description="Uphold or reject an objection.")
strawberry.enum(Outcome, name="ObjectionOutcome", description="What an upheld objection does to the item.")
strawberry.enum(EvidenceKind, description="How the behaviour was corrected (003 §13).")
strawberry.enum(RepairDecision, name="CreditRepairDecision", description="Approve or refuse a repair application.")


@strawberry.enum(description="Where an objection stands.")
class ObjectionStatus(Enum):
    OPEN = "OPEN"
    UPHELD = "UPHELD"
    REJECTED = "REJECTED"


@strawberry.enum(description="Where a credit repair application stands.")
class CreditRepairStatus(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REFUSED = "REFUSED"


@strawberry.type(description="A corrected field value.")
class FieldCorrection:
    field: str
    value: str


@strawberry.type(description="An objection (异议) to an item; measures resting on it are suspended while it is open.")
class Objection:
    id: strawberry.ID
    subject_code: strawberry.ID
    item_id: strawberry.ID
    record_type: str
    source: str
    department: str = strawberry.field(description="The responsible department, which verifies and answers.")
    reason: str
    status: ObjectionStatus
    filed_at: datetime.datetime
    due_on: datetime.date = strawberry.field(description="Answer due by (15 working days).")
    due_on_estimated: bool = strawberry.field(
        description="dueOn runs into a year whose official holidays are not loaded: counted Monday to Friday there"
    )
    overdue: bool
    outcome: Outcome | None
    corrections: list[FieldCorrection]
    decision_note: str | None
    decided_at: datetime.datetime | None
    suspended_days: int = strawberry.field(description="Days the punishment was suspended; added on rejection.")


@strawberry.type(description="One piece of evidence of corrected behaviour.")
class RepairEvidence:
    kind: EvidenceKind
    description: str


@strawberry.type(description="A credit repair (信用修复) application; free of charge.")
class CreditRepair:
    id: strawberry.ID
    subject_code: strawberry.ID
    item_id: strawberry.ID
    record_type: str
    source: str
    department: str = strawberry.field(description="The responsible department, which decides.")
    evidence: list[RepairEvidence]
    status: CreditRepairStatus
    applied_at: datetime.datetime
    due_on: datetime.date = strawberry.field(description="Decision due by (10 working days).")
    due_on_estimated: bool = strawberry.field(
        description="dueOn runs into a year whose official holidays are not loaded: counted Monday to Friday there"
    )
    overdue: bool
    decision_note: str | None
    decided_at: datetime.datetime | None
    published_at: datetime.datetime | None = strawberry.field(description="When an approval was published.")


@strawberry.input(description="An objection to an item of your own record.")
class FileObjectionInput:
    item_id: strawberry.ID
    reason: str


@strawberry.input(description="A corrected value (dates as YYYY-MM-DD).")
class FieldCorrectionInput:
    field: str
    value: str


@strawberry.input(description="The responsible department's answer to an objection.")
class ResolveObjectionInput:
    id: strawberry.ID
    decision: Decision
    note: str
    outcome: Outcome | None = None
    corrections: list[FieldCorrectionInput] | None = None


@strawberry.input(description="Evidence of corrected behaviour.")
class RepairEvidenceInput:
    kind: EvidenceKind
    description: str


@strawberry.input(description="A credit repair application for an item of your own record.")
class CreditRepairInput:
    item_id: strawberry.ID
    evidence: list[RepairEvidenceInput]


@strawberry.input(description="The responsible department's decision on a repair application.")
class DecideCreditRepairInput:
    id: strawberry.ID
    decision: RepairDecision
    note: str


def _objection(row: ObjectionRow) -> Objection:
    return Objection(
        id=strawberry.ID(row.id), subject_code=strawberry.ID(row.subject_code), item_id=strawberry.ID(row.item_id),
        record_type=row.record_type, source=row.source, department=row.department, reason=row.reason,
        status=ObjectionStatus(row.status), filed_at=row.filed_at, due_on=row.due_on, overdue=row.overdue,
        due_on_estimated=deadline_estimated(row.filed_at.date(), row.due_on),
        outcome=Outcome(row.outcome) if row.outcome else None,
        corrections=[FieldCorrection(field=k, value=str(v)) for k, v in sorted(row.corrections.items())],
        decision_note=row.decision_note, decided_at=row.decided_at, suspended_days=row.suspended_days,
    )  # fmt: skip


def _repair(row: RepairRow) -> CreditRepair:
    return CreditRepair(
        id=strawberry.ID(row.id), subject_code=strawberry.ID(row.subject_code), item_id=strawberry.ID(row.item_id),
        record_type=row.record_type, source=row.source, department=row.department,
        evidence=[RepairEvidence(kind=EvidenceKind(e.kind), description=e.description) for e in row.evidence],
        status=CreditRepairStatus(row.status), applied_at=row.applied_at, due_on=row.due_on, overdue=row.overdue,
        due_on_estimated=deadline_estimated(row.applied_at.date(), row.due_on),
        decision_note=row.decision_note, decided_at=row.decided_at, published_at=row.published_at,
    )  # fmt: skip


def _note(context: HubContext, event: RightsEvent) -> None:
    """Hands the step to the audit register: the subject it concerns, and the step as plain data."""
    context.disclosures.append(Disclosure(event.subject_code))
    context.operation.rights_events.append(event)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@strawberry.type
class RightsQuery:
    """The subject's own objections and repairs; the responsible department's queue; overdue objections."""

    @strawberry.field(
        description="Your objections, newest first (citizens and enterprises).", extensions=needs(Scope.SELF_READ)
    )
    async def my_objections(self, info: HubInfo) -> list[Objection]:
        rows = await info.context.services.credit.objections.mine(info.context.principal, _now())
        return [_objection(row) for row in rows]

    @strawberry.field(
        description="Your credit repair applications, newest first (citizens and enterprises).",
        extensions=needs(Scope.SELF_READ),
    )
    async def my_repairs(self, info: HubInfo) -> list[CreditRepair]:
        rows = await info.context.services.credit.repairs.mine(info.context.principal, _now())
        return [_repair(row) for row in rows]

    @strawberry.field(
        description="Objections your department is responsible for answering.",
        extensions=needs(Scope.OBJECTION_RESOLVE),
    )
    async def objections_to_resolve(self, info: HubInfo, overdue_only: bool = False) -> list[Objection]:
        service = info.context.services.credit.objections
        rows = await service.to_resolve(info.context.principal, _now(), overdue_only=overdue_only)
        return [_objection(row) for row in rows]

    @strawberry.field(
        description="Open objections past their time limit: your department's, or all (audit:read).",
        extensions=needs(Scope.OBJECTION_RESOLVE, Scope.AUDIT_READ),
    )
    async def overdue_objections(self, info: HubInfo) -> list[Objection]:
        principal = info.context.principal
        department = None if principal.has(Scope.AUDIT_READ) else principal.department or ""
        rows = await info.context.services.credit.objections.overdue(_now(), department)
        return [_objection(row) for row in rows]

    @strawberry.field(
        description="Credit repair applications your department decides.", extensions=needs(Scope.REPAIR_DECIDE)
    )
    async def repairs_to_decide(self, info: HubInfo, overdue_only: bool = False) -> list[CreditRepair]:
        service = info.context.services.credit.repairs
        rows = await service.to_decide(info.context.principal, _now(), overdue_only=overdue_only)
        return [_repair(row) for row in rows]


@strawberry.type
class RightsMutation:
    """Filing and resolving objections; applying for and deciding credit repair."""

    @strawberry.mutation(
        description="Object to an item of your own record; measures resting on it are suspended.",
        extensions=needs(Scope.SELF_OBJECTION),
    )
    async def file_objection(
        self, info: HubInfo, input_: Annotated[FileObjectionInput, strawberry.argument(name="input")]
    ) -> Objection:
        service = info.context.services.credit.objections
        row, event = await service.file(info.context.principal, str(input_.item_id), input_.reason, _now())
        _note(info.context, event)
        return _objection(row)

    @strawberry.mutation(
        description="Uphold (correct or revoke the item) or reject an objection; owner department.",
        extensions=needs(Scope.OBJECTION_RESOLVE),
    )
    async def resolve_objection(
        self, info: HubInfo, input_: Annotated[ResolveObjectionInput, strawberry.argument(name="input")]
    ) -> Objection:
        corrections = {c.field: c.value for c in input_.corrections or []}
        row, event = await info.context.services.credit.objections.resolve(
            info.context.principal, str(input_.id), input_.decision, input_.outcome, corrections, input_.note, _now()
        )
        _note(info.context, event)
        return _objection(row)

    @strawberry.mutation(
        description="Apply, free of charge, to repair an item of your own record.", extensions=needs(Scope.SELF_REPAIR)
    )
    async def apply_credit_repair(
        self, info: HubInfo, input_: Annotated[CreditRepairInput, strawberry.argument(name="input")]
    ) -> CreditRepair:
        evidence = [Evidence(e.kind.value, e.description) for e in input_.evidence]
        row, event = await info.context.services.credit.repairs.apply(
            info.context.principal, str(input_.item_id), evidence, _now()
        )
        _note(info.context, event)
        return _repair(row)

    @strawberry.mutation(
        description="Approve (published; the item stops being shared) or refuse; owner department.",
        extensions=needs(Scope.REPAIR_DECIDE),
    )
    async def decide_credit_repair(
        self, info: HubInfo, input_: Annotated[DecideCreditRepairInput, strawberry.argument(name="input")]
    ) -> CreditRepair:
        row, event = await info.context.services.credit.repairs.decide(
            info.context.principal, str(input_.id), input_.decision, input_.note, _now()
        )
        _note(info.context, event)
        return _repair(row)
