"""Correction notices to sources (corrections are made at the source, 002 §3 谁产生、谁负责).

An upheld objection or an approved repair queues a notice for the department that decided it; that
department pulls its notices (scope `feedback:read`) and corrects the item in its own system. A
notice stays pending, and is delivered again on every pull, until the department acknowledges it;
acknowledging is idempotent. A notice carries what the source needs to correct the item: the item's
reference, the decision, its date and, for a correction, the corrected fields (values only where
the department's policy shows the field in clear). Never the subject's code, name or reasons.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from hub.audit.anomaly_types import Anomaly, Severity
from hub.catalog.model import Catalog
from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectKind
from hub.identity.principal import Principal
from hub.policy.decision import Action
from hub.policy.load import PolicySet
from hub.store.rights_rows import NoticeRow
from hub.store.source_feedback import FeedbackRepository

MAX_PAGE = 200
MAX_ACKNOWLEDGE = 500
ALARM_RULE = "feedback_unacknowledged"


class NoticeKind(StrEnum):
    """What decided the correction."""

    OBJECTION_UPHELD = "OBJECTION_UPHELD"
    REPAIR_APPROVED = "REPAIR_APPROVED"


class NoticeAction(StrEnum):
    """What the source is to do with the item."""

    CORRECT = "CORRECT"  # set the corrected fields
    REVOKE = "REVOKE"  # the item was wrong: withdraw it
    REPAIRED = "REPAIRED"  # credit repaired: stop sharing and disclosing it


@dataclass(frozen=True, slots=True)
class CorrectedField:
    """One corrected field; `value` is None when the department's policy does not show the field in clear."""

    field: str
    value: str | None
    withheld: bool


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice as its department receives it."""

    id: str
    source: str
    item_id: str
    record_type: str
    kind: NoticeKind
    action: NoticeAction
    decision_id: str
    decided_on: str
    corrections: tuple[CorrectedField, ...]
    queued_at: datetime
    deliveries: int
    acknowledged_at: datetime | None
    cursor: str
    subject_code: str | None  # for the query register only; never part of what is delivered


@dataclass(frozen=True, slots=True)
class NoticePage:
    """A page of pending notices, oldest first."""

    notices: list[Notice]
    has_next_page: bool


def encode_cursor(at: datetime, notice_id: str) -> str:
    """Answers the opaque cursor after a notice."""
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{notice_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """Answers the position a cursor stands for; BAD_USER_INPUT for one this hub did not hand out."""
    try:
        at, _, notice_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        moment = datetime.fromisoformat(at)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        moment, notice_id = None, ""
    if moment is None or moment.tzinfo is None or not notice_id:
        raise HubError(ErrorCode.BAD_USER_INPUT, "after is not a cursor of sourceFeedback", fix="pass an endCursor")
    return moment, notice_id


def _department(principal: Principal) -> str:
    if principal.department is None or principal.is_self:
        raise HubError(
            ErrorCode.FORBIDDEN,
            "correction notices go to the departments that decided them",
            fix="use a client of the source's own department with the scope feedback:read",
        )
    return principal.department


class NoticeService:
    """Delivers notices to their department, takes acknowledgements, and raises the age alarm."""

    def __init__(self, repository: FeedbackRepository, catalog: Catalog, policies: PolicySet) -> None:
        self.repository = repository
        self.catalog = catalog
        self.policies = policies

    async def pull(self, principal: Principal, first: int, after: str | None, now: datetime) -> NoticePage:
        """Answers the caller's department's pending notices after the cursor, oldest first (each delivery counted)."""
        department = _department(principal)
        if not 1 <= first <= MAX_PAGE:
            raise HubError(ErrorCode.BAD_USER_INPUT, f"first must be 1 to {MAX_PAGE}", fix="ask for a smaller page")
        position = decode_cursor(after) if after else None
        rows, more = await self.repository.deliver(department, first, position, now)
        return NoticePage([self._notice(department, row) for row in rows], more)

    async def acknowledge(self, principal: Principal, ids: Sequence[str], now: datetime) -> list[Notice]:
        """Answers the acknowledged notices among `ids` (again if acknowledged before); NOT_FOUND naming the first
        id that is no notice of the caller's department."""
        department = _department(principal)
        wanted = list(dict.fromkeys(notice_id.strip() for notice_id in ids))
        if not 1 <= len(wanted) <= MAX_ACKNOWLEDGE:
            raise HubError(
                ErrorCode.BAD_USER_INPUT, f"give 1 to {MAX_ACKNOWLEDGE} notice ids", fix="acknowledge in batches"
            )
        rows = await self.repository.acknowledge(department, wanted, now, principal.client_id)
        found = {row.id for row in rows}
        missing = [notice_id for notice_id in wanted if notice_id not in found]
        if missing:
            # Nothing is acknowledged for an unknown id either way; say which id, never whose it is.
            raise HubError(
                ErrorCode.NOT_FOUND,
                f"'{missing[0][:40]}' is no notice of your department; nothing else was changed by it",
                fix="acknowledge the ids sourceFeedback delivered to your department",
            )
        return [self._notice(department, row) for row in rows]

    async def alarms(self, now: datetime, hours: float) -> list[Anomaly]:
        """Answers one anomaly per department with notices unacknowledged for longer than `hours`."""
        found: list[Anomaly] = []
        for department, count, oldest in await self.repository.waiting_since(now - timedelta(hours=hours)):
            text = (
                f"department {department}: {count} correction notices unacknowledged for more than {hours:g} hours "
                f"(oldest queued {oldest.isoformat(timespec='minutes')})"
            )
            found.append(Anomaly(ALARM_RULE, Severity.MEDIUM, text, f"department:{department}", oldest, now))
        return found

    def _notice(self, department: str, row: NoticeRow) -> Notice:
        record_type = row.item_id.split(":")[1] if row.item_id.count(":") >= 2 else ""
        payload: dict[str, Any] = row.payload
        kind = NoticeKind(row.kind)
        if kind is NoticeKind.REPAIR_APPROVED:
            action, decision_id = NoticeAction.REPAIRED, str(payload.get("repair_id", ""))
        else:
            action, decision_id = NoticeAction(str(payload.get("outcome"))), str(payload.get("objection_id", ""))
        corrections = tuple(
            self._corrected(department, record_type, name, str(value))
            for name, value in sorted(dict(payload.get("corrections") or {}).items())
        )
        return Notice(
            id=row.id, source=row.source, item_id=row.item_id, record_type=record_type, kind=kind, action=action,
            decision_id=decision_id, decided_on=str(payload.get("decided_on") or row.created_at.date().isoformat()),
            corrections=corrections, queued_at=row.created_at, deliveries=row.deliveries,
            acknowledged_at=row.acknowledged_at, cursor=encode_cursor(row.created_at, row.id),
            subject_code=row.subject_code,
        )  # fmt: skip

    def _corrected(self, department: str, record_type: str, name: str, value: str) -> CorrectedField:
        """Answers a corrected field with its value only if the department sees that field in clear, for every
        kind of subject the record type has, under some purpose its policy states."""
        policy = self.policies.get(department)
        record = self.catalog.record_types.get(record_type)
        path = f"{record_type}.{name}"
        kinds: Sequence[SubjectKind] = tuple(record.subject_kinds) if record else ()
        clear = (
            policy is not None
            and bool(kinds)
            and all(
                any(policy.decide(purpose, kind, path).action is Action.ALLOW for purpose in policy.purposes)
                for kind in kinds
            )
        )
        return CorrectedField(name, value if clear else None, not clear)
