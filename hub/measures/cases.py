"""The loop of joint reward and punishment: initiate → respond → execute → feed back (000 #31, #38; 003 §9).

An initiating department (发起部门) names targets and measures and the implementing departments; each of
those acknowledges (响应) and reports what it did (执行反馈, through reportMeasureExecution). Officers watch
each case's stage and lag, and per department what was initiated, responded, executed, fed back and overdue
(实时监测, 001 (二)1).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectCode, SubjectKind, parse_subject_code
from hub.measures.check import CheckService
from hub.measures.facts import Refusal
from hub.measures.feedback import Execution, refuse_unless_applied
from hub.measures.model import Measure, MeasuresList
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose
from hub.privacy.masking import mask_resident_id
from hub.store.measure_cases import CaseRepository, CaseRow, DepartmentCounts

MAX_MEASURES = 20
MAX_CASES = 1000
LISTED_AT_MOST = 200


class Stage(StrEnum):
    """How far a case got: named by the initiator, acknowledged by the implementer, fed back."""

    INITIATED = "INITIATED"
    RESPONDED = "RESPONDED"
    FED_BACK = "FED_BACK"


@dataclass(frozen=True, slots=True)
class Initiator:
    """Who initiates: department, client, clerk, and the policy and purpose the targets are checked under."""

    department: str
    client_id: str | None
    operator: str | None
    policy: Policy
    org: str | None
    purpose: Purpose


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case as callers see it: its stage, the time it took or has taken so far, when it is due, and if late."""

    id: str
    initiating_department: str
    implementing_department: str
    subject_code: str
    measure: str
    matter: str
    reference: str | None
    stage: Stage
    initiated_at: datetime
    responded_at: datetime | None
    fed_back_at: datetime | None
    executed: bool | None
    lag_hours: float
    due_at: datetime | None
    overdue: bool


@dataclass
class Initiated:
    """The cases one initiation opened, and what checking its targets read (for the receipt)."""

    cases: list[CaseView]
    disclosures: list[object] = field(default_factory=list)
    enterprises_read: dict[str, set[str]] = field(default_factory=dict)


def _bad(message: str, fix: str) -> HubError:
    return HubError(ErrorCode.BAD_USER_INPUT, message, fix=fix)


class CaseService:
    """Opens, acknowledges and reports on cases; every target is checked before a case is opened."""

    def __init__(
        self, measures: MeasuresList, checks: CheckService, repository: CaseRepository, departments: Collection[str]
    ) -> None:
        self.measures = measures
        self.checks = checks
        self.repository = repository
        self.departments = frozenset(departments)

    def _chosen(self, department: str, matter: str, codes: Sequence[str], implementers: Sequence[str]) -> list[Measure]:
        self.measures.for_matter(matter)
        if not 1 <= len(codes) <= MAX_MEASURES or len(set(codes)) != len(codes):
            raise _bad(f"name 1 to {MAX_MEASURES} different measures", "name each measure once")
        chosen = [self.measures.get(code) for code in codes]
        for measure in chosen:
            if matter not in measure.matters:
                raise _bad(f"measure '{measure.code}' does not concern {matter}", "name measures of this matter")
            if not self.measures.initiates(department, measure):
                raise HubError(
                    ErrorCode.FORBIDDEN,
                    f"department '{department}' does not initiate measure '{measure.code}' "
                    f"(initiated by {'、'.join(measure.initiating)})",
                    fix="initiate only measures whose initiating departments include yours (policies/measures.yaml)",
                )
        unknown = [d for d in implementers if d not in self.departments]
        if not implementers or len(set(implementers)) != len(implementers) or unknown:
            raise _bad(
                f"unknown or repeated implementing departments: {', '.join(unknown[:3]) or 'none named'}",
                f"name each implementing department once, from: {', '.join(sorted(self.departments))}",
            )
        return chosen

    async def initiate(
        self, initiator: Initiator, targets: Sequence[SubjectCode], matter: str, measure_codes: Sequence[str],
        implementers: Sequence[str], reference: str | None, now: datetime,
    ) -> Initiated:  # fmt: skip
        """Answers the opened cases; refused (nothing stored) unless every measure applies to every target today."""
        chosen = self._chosen(initiator.department, matter, measure_codes, implementers)
        limit = initiator.policy.limits.subjects_per_request
        if not 1 <= len(targets) <= limit or len(targets) * len(chosen) * len(implementers) > MAX_CASES:
            raise _bad(
                f"name 1 to {limit} targets and at most {MAX_CASES} cases (targets × measures × departments)",
                "split the initiation",
            )
        if reference is not None and len(reference) > 100:
            raise _bad("reference is longer than 100 characters", "send the initiating document's number only")
        batch = await self.checks.check(initiator.policy, initiator.org, initiator.purpose, targets, matter, now.date())
        initiative = str(uuid.uuid4())
        rows: list[CaseRow] = []
        for position, (target, found) in enumerate(zip(targets, batch.results, strict=True), start=1):
            if isinstance(found, Refusal):
                raise HubError(ErrorCode(str(found.code)), f"target {position}: {found.message}")
            for measure in chosen:
                try:
                    refuse_unless_applied(measure, Execution(measure.code, True), found)
                except HubError as error:
                    raise HubError(error.code, f"target {position}: {error.message}", fix=error.fix) from None
                rows += [
                    CaseRow(
                        id=str(uuid.uuid4()), initiative_id=initiative, initiating_department=initiator.department,
                        implementing_department=department, subject_code=target.value, measure_code=measure.code,
                        matter=matter, reference=reference, stage=Stage.INITIATED.value, initiated_at=now,
                        client_id=initiator.client_id, operator=initiator.operator,
                    )
                    for department in implementers
                ]  # fmt: skip
        await self.repository.add(rows)
        return Initiated([self.view(row, now) for row in rows], list(batch.disclosures), batch.enterprises_read)

    async def respond(self, case_id: str, department: str, now: datetime) -> CaseView:
        """Answers the acknowledged case; NOT_FOUND unless it is assigned to `department`, refused once answered."""
        found = await self.repository.get(case_id)
        if found is None or found.implementing_department != department:
            raise HubError(ErrorCode.NOT_FOUND, "no case with this id is assigned to your department")
        if not await self.repository.respond(case_id, department, now):
            raise _bad(f"the case is already {found.stage}", "a case is acknowledged once")
        return self.view(await self.repository.get(case_id) or found, now)

    async def cases(self, department: str | None, stage: Stage | None, first: int, now: datetime) -> list[CaseView]:
        """Answers the newest cases a department initiated or implements (every case for None)."""
        if not 1 <= first <= LISTED_AT_MOST:
            raise _bad(f"first must be 1 to {LISTED_AT_MOST}", f"ask for at most {LISTED_AT_MOST} cases")
        rows = await self.repository.listed(department, stage.value if stage else None, first)
        return [self.view(row, now) for row in rows]

    async def monitoring(self, since: datetime, until: datetime, now: datetime) -> list[DepartmentCounts]:
        """Answers per department what was initiated, responded, executed and fed back in the window, and overdue."""
        if since >= until:
            raise _bad("since must be before until", "give a window such as the last 30 days")
        at = min(until, now)
        limits = self.measures.monitoring
        return await self.repository.counts(
            since,
            until,
            at - timedelta(days=limits.respond_within_days),
            at - timedelta(days=limits.feed_back_within_days),
        )

    def view(self, row: CaseRow, now: datetime) -> CaseView:
        """Answers a stored case with its lag (hours from initiation to feedback, or until now) and deadline."""
        stage = Stage(row.stage)
        limits = self.measures.monitoring
        respond_by = row.initiated_at + timedelta(days=limits.respond_within_days)
        feed_back_by = row.initiated_at + timedelta(days=limits.feed_back_within_days)
        due = None if stage is Stage.FED_BACK else respond_by if stage is Stage.INITIATED else feed_back_by
        late = stage is not Stage.FED_BACK and (now > feed_back_by or (stage is Stage.INITIATED and now > respond_by))
        ended = row.fed_back_at or now
        return CaseView(
            id=row.id, initiating_department=row.initiating_department,
            implementing_department=row.implementing_department, subject_code=_shown_code(row.subject_code),
            measure=row.measure_code, matter=row.matter, reference=row.reference, stage=stage,
            initiated_at=row.initiated_at, responded_at=row.responded_at, fed_back_at=row.fed_back_at,
            executed=row.executed, lag_hours=round((ended - row.initiated_at).total_seconds() / 3600, 2),
            due_at=due, overdue=late,
        )  # fmt: skip


def _shown_code(code: str) -> str:
    """Answers the code as a case list shows it: a USCC in clear, a resident ID masked (110101********1234)."""
    try:
        kind = parse_subject_code(code).kind
    except HubError:
        kind = SubjectKind.NATURAL_PERSON
    return code if kind is SubjectKind.LEGAL_ENTITY else mask_resident_id(code)
