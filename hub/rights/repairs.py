"""Credit repair (信用修复, 002 §11-12, 003 §13): free; once approved the item stops being shared and disclosed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from hub.errors import ErrorCode, HubError
from hub.identity.principal import Principal
from hub.rights.deadlines import REPAIR_WORKING_DAYS, add_working_days
from hub.rights.events import RightsEvent
from hub.rights.items import ItemFinder, self_code, text
from hub.rights.objections import owned_by
from hub.rights.rules import check_repair_period, check_repairable
from hub.store.repairs import APPROVED, PENDING, RepairRepository
from hub.store.rights import RightsRepository
from hub.store.rights_rows import Evidence, RepairRow

MAX_EVIDENCE = 10


class EvidenceKind(StrEnum):
    """How the subject corrected its behaviour (003 §13: 信用承诺, 信用整改, 专题培训, 公益慈善)."""

    COMMITMENT = "COMMITMENT"
    RECTIFICATION = "RECTIFICATION"
    TRAINING = "TRAINING"
    PUBLIC_SERVICE = "PUBLIC_SERVICE"


class RepairDecision(StrEnum):
    """The responsible department's decision on a repair application."""

    APPROVE = "APPROVE"
    REFUSE = "REFUSE"


def _bad(message: str, fix: str) -> HubError:
    return HubError(ErrorCode.BAD_USER_INPUT, message, fix=fix)


class RepairService:
    """Takes applications from subjects and decisions from the responsible department."""

    def __init__(self, items: ItemFinder, repairs: RepairRepository, rights: RightsRepository) -> None:
        self.items = items
        self.repairs = repairs
        self.rights = rights

    async def apply(
        self, principal: Principal, item_id: str, evidence: Sequence[Evidence], now: datetime
    ) -> tuple[RepairRow, RightsEvent]:
        """Answers the new application; BAD_USER_INPUT for an item the law does not let be repaired."""
        code = self_code(principal, "apply to repair its credit")
        if not 1 <= len(evidence) <= MAX_EVIDENCE:
            raise _bad(f"give 1 to {MAX_EVIDENCE} pieces of evidence", "describe what was corrected, and how")
        kept = tuple(
            Evidence(EvidenceKind(e.kind).value, text(e.description, "description", 5, 2000)) for e in evidence
        )
        ref = self.items.parse(item_id)
        row = await self.items.own_item(code, ref)
        mark = await self.rights.mark(ref.item_id)
        if mark is not None and mark.hidden:
            raise _bad("the item was already revoked or repaired", "see myObjections and myRepairs")
        check_repairable(ref.record_type, row)
        check_repair_period(self.items.catalog.record_types[ref.record_type], row, now.date())
        repair = RepairRow(
            id=str(uuid.uuid4()), subject_code=code, item_id=ref.item_id, record_type=ref.record_type,
            source=ref.source, department=self.items.department(ref.record_type, row), evidence=kept, status=PENDING,
            applied_at=now, due_on=add_working_days(now.date(), REPAIR_WORKING_DAYS),
        )  # fmt: skip
        if not await self.repairs.add(repair):
            raise _bad("an application for this item is pending or was approved", "follow it in myRepairs")
        return repair, RightsEvent("repair", "applied", repair.id, code, now, repair.item_id, repair.department)

    async def decide(
        self, principal: Principal, repair_id: str, decision: RepairDecision, note: str, now: datetime
    ) -> tuple[RepairRow, RightsEvent]:
        """Answers the decided application; approval publishes it and hides the item for every department."""
        row = await self.repairs.repair(repair_id.strip(), now.date())
        if row is None:
            raise HubError(
                ErrorCode.NOT_FOUND, "no repair application with this id", fix="use an id from repairsToDecide"
            )
        owned_by(principal, row.department, row.record_type, "repairs")
        if row.status != PENDING:
            raise _bad(f"the application was already decided ({row.status})", "a decided application stays decided")
        note = text(note, "note", 2, 2000)
        status = APPROVED if decision is RepairDecision.APPROVE else "REFUSED"
        done = await self.repairs.decide(row, status=status, note=note, decided_at=now, decided_by=principal.client_id)
        decided = await self.repairs.repair(row.id, now.date())
        if not done or decided is None:
            raise _bad("the application was decided meanwhile", "reload it with repairsToDecide")
        action = "approved" if decision is RepairDecision.APPROVE else "refused"
        return decided, RightsEvent("repair", action, row.id, row.subject_code, now, row.item_id, row.department)

    async def mine(self, principal: Principal, now: datetime) -> list[RepairRow]:
        """Answers the caller's own applications, newest first."""
        code = self_code(principal, "list its repair applications")
        return await self.repairs.repairs(now.date(), subject_code=code)

    async def to_decide(self, principal: Principal, now: datetime, *, overdue_only: bool) -> list[RepairRow]:
        """Answers the applications the caller's department decides (or only the overdue ones)."""
        department = principal.department or ""
        return await self.repairs.repairs(now.date(), department=department, overdue_only=overdue_only)
