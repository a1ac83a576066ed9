"""Objections (异议, 000 #47): filed by the subject, measures suspended meanwhile, answered by the owner."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from hub.errors import ErrorCode, HubError
from hub.identity.principal import Principal
from hub.rights.deadlines import OBJECTION_WORKING_DAYS, add_working_days
from hub.rights.events import RightsEvent
from hub.rights.items import ItemFinder, self_code, text
from hub.rights.rules import coerce_correction
from hub.store.rights import OPEN, RightsRepository
from hub.store.rights_rows import HIDDEN_REVOKED, ObjectionRow


class Decision(StrEnum):
    """The responsible department's answer."""

    UPHOLD = "UPHOLD"
    REJECT = "REJECT"


class Outcome(StrEnum):
    """What an upheld objection does to the item in the hub's overlay."""

    CORRECT = "CORRECT"
    REVOKE = "REVOKE"


STATUS = {Decision.UPHOLD: "UPHELD", Decision.REJECT: "REJECTED"}


def _bad(message: str, fix: str) -> HubError:
    return HubError(ErrorCode.BAD_USER_INPUT, message, fix=fix)


def owned_by(principal: Principal, department: str, record_type: str, what: str) -> None:
    """Answers nothing; FORBIDDEN unless the caller's department is the one responsible for the item."""
    if principal.department != department:
        raise HubError(
            ErrorCode.FORBIDDEN,
            f"{what} on {record_type} items are decided by the responsible department '{department}'",
            fix=f"forward it to '{department}' (谁产生、谁负责)",
        )


class ObjectionService:
    """Files and resolves objections; every change is one transaction with its overlay mark."""

    def __init__(self, items: ItemFinder, repository: RightsRepository) -> None:
        self.items = items
        self.repository = repository

    async def file(
        self, principal: Principal, item_id: str, reason: str, now: datetime
    ) -> tuple[ObjectionRow, RightsEvent]:
        """Answers the new objection; NOT_FOUND for an item outside the caller's record, BAD_USER_INPUT twice."""
        code = self_code(principal, "object to an item of its record")
        reason = text(reason, "reason", 5, 2000)
        ref = self.items.parse(item_id)
        item = await self.items.own_item(code, ref)
        mark = await self.repository.mark(ref.item_id)
        if mark is not None and mark.hidden:
            raise _bad("the item was already revoked or repaired", "see myObjections and myRepairs")
        today = now.date()
        row = ObjectionRow(
            id=str(uuid.uuid4()), subject_code=code, item_id=ref.item_id, record_type=ref.record_type,
            source=ref.source, department=self.items.department(ref.record_type, item), reason=reason, status=OPEN,
            filed_at=now, due_on=add_working_days(today, OBJECTION_WORKING_DAYS),
        )  # fmt: skip
        if not await self.repository.add_objection(row):
            existing = await self.repository.objections(today, item_id=ref.item_id)
            when = existing[0].filed_at.date().isoformat() if existing else "earlier"
            raise _bad(
                f"an objection on this item was already filed ({when})",
                "follow it in myObjections; to contest its answer, complain to the joint meeting office (001 (三)2)",
            )
        return row, RightsEvent("objection", "filed", row.id, code, now, row.item_id, row.department)

    async def resolve(
        self, principal: Principal, objection_id: str, decision: Decision, outcome: Outcome | None,
        corrections: Mapping[str, str], note: str, now: datetime,
    ) -> tuple[ObjectionRow, RightsEvent]:  # fmt: skip
        """Answers the decided objection: upheld (item corrected or revoked, source notified) or rejected."""
        row = await self.repository.objection(objection_id.strip(), now.date())
        if row is None:
            raise HubError(ErrorCode.NOT_FOUND, "no objection with this id", fix="use an id from objectionsToResolve")
        owned_by(principal, row.department, row.record_type, "objections")
        if row.status != OPEN:
            raise _bad(f"the objection was already decided ({row.status})", "a decided objection stays decided")
        note = text(note, "note", 2, 2000)
        changes, typed, feedback = await self._effects(row, decision, outcome, corrections)
        suspended = max(0, (now.date() - row.filed_at.date()).days) if decision is Decision.REJECT else 0
        if suspended:
            changes["extend_days"] = suspended
        done = await self.repository.decide_objection(
            row, status=STATUS[decision], outcome=outcome.value if outcome else None, corrections=typed, note=note,
            decided_at=now, decided_by=principal.client_id, suspended_days=suspended, mark_changes=changes,
            feedback=feedback,
        )  # fmt: skip
        decided = await self.repository.objection(row.id, now.date())
        if not done or decided is None:
            raise _bad("the objection was decided meanwhile", "reload it with objectionsToResolve")
        action = "upheld" if decision is Decision.UPHOLD else "rejected"
        return decided, RightsEvent("objection", action, row.id, row.subject_code, now, row.item_id, row.department)

    async def _effects(
        self, row: ObjectionRow, decision: Decision, outcome: Outcome | None, corrections: Mapping[str, str]
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
        if decision is Decision.REJECT:
            if outcome is not None or corrections:
                raise _bad("a rejection neither corrects nor revokes", "leave outcome and corrections out")
            return {}, {}, None
        if outcome is None:
            raise _bad("an upheld objection needs an outcome", "set outcome: CORRECT (with corrections) or REVOKE")
        feedback: dict[str, Any] = {"objection_id": row.id, "outcome": outcome.value}
        if outcome is Outcome.REVOKE:
            if corrections:
                raise _bad("a revocation takes no corrections", "leave corrections out, or use outcome: CORRECT")
            return {"hidden_by": HIDDEN_REVOKED}, {}, feedback
        if not corrections:
            raise _bad("a correction needs the corrected fields", "send corrections: [{field, value}]")
        allowed = self.items.fields(row.record_type)
        unknown = sorted(set(corrections) - allowed)
        if unknown:
            fields = ", ".join(sorted(allowed))
            raise _bad(f"'{unknown[0]}' is not a field of {row.record_type}", f"use one of: {fields}")
        ref = self.items.parse(row.item_id)
        current = await self.items.own_item(row.subject_code, ref)
        typed = {
            name: coerce_correction(f"{row.record_type}.{name}", current.get(name), value)
            for name, value in corrections.items()
        }
        feedback["corrections"] = dict(corrections)
        return {"corrections": typed}, typed, feedback

    async def mine(self, principal: Principal, now: datetime) -> list[ObjectionRow]:
        """Answers the caller's own objections, newest first."""
        code = self_code(principal, "list its objections")
        return await self.repository.objections(now.date(), subject_code=code)

    async def to_resolve(self, principal: Principal, now: datetime, *, overdue_only: bool) -> list[ObjectionRow]:
        """Answers the objections the caller's department is responsible for (or only the overdue ones)."""
        department = principal.department or ""
        return await self.repository.objections(now.date(), department=department, overdue_only=overdue_only)

    async def overdue(self, now: datetime, department: str | None) -> list[ObjectionRow]:
        """Answers the open objections past their time limit, for one department or all."""
        return await self.repository.objections(now.date(), department=department, overdue_only=True)
