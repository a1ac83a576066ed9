"""执行反馈: what an approval system did with each measure, and per-measure statistics for officers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectCode
from hub.measures.check import CheckService
from hub.measures.facts import Refusal
from hub.measures.model import Measure, MeasureKind, MeasuresList
from hub.measures.results import AppliedMeasure, CreditCheck
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose
from hub.store.executions import ExecutionRepository, ExecutionRow
from hub.store.measure_cases import CaseRepository

MAX_RESULTS = 50
MAX_NOTE = 500


class NotExecutedReason(StrEnum):
    """Why a measure was not executed (002 §10 過懲相當, 000 #47 suspension during verification)."""

    SUSPENDED_BY_OBJECTION = "SUSPENDED_BY_OBJECTION"
    INFORMATION_DISPUTED = "INFORMATION_DISPUTED"
    LENIENCY = "LENIENCY"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    CREDIT_REPAIRED = "CREDIT_REPAIRED"
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True)
class Execution:
    """One measure's outcome as reported."""

    measure: str
    executed: bool
    reason: NotExecutedReason | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Reporter:
    """Who reports: department, client and the operating clerk; the policy and purpose the re-check reads under."""

    department: str
    client_id: str | None
    operator: str | None
    policy: Policy | None = None
    org: str | None = None
    purpose: Purpose = Purpose.ADMINISTRATIVE_APPROVAL


@dataclass
class Accepted:
    """A stored report: its id, how many outcomes, and what the re-check read (for the receipt)."""

    report_id: str
    count: int
    disclosures: list[object] = field(default_factory=list)
    enterprises_read: dict[str, set[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReasonCount:
    """How often a measure was not executed for one reason."""

    reason: str
    count: int


@dataclass(frozen=True, slots=True)
class MeasureStatistic:
    """Per measure: how often reported, executed and not, why not, and by how many departments."""

    measure: str
    content: str
    mandatory: bool
    reported: int
    executed: int
    not_executed: int
    reasons: tuple[ReasonCount, ...]
    departments: int

    @property
    def execution_rate(self) -> float | None:
        """Answers executed / reported, or None before any report."""
        return round(self.executed / self.reported, 4) if self.reported else None


def _bad(message: str, fix: str) -> HubError:
    return HubError(ErrorCode.BAD_USER_INPUT, message, fix=fix)


@dataclass
class CheckBatchAnswer:
    """One subject's re-check and what it read."""

    check: CreditCheck
    disclosures: list[object]
    enterprises_read: dict[str, set[str]]


def refuse_unless_applied(measure: Measure, result: Execution, check: CreditCheck) -> AppliedMeasure:
    """Answers the applied measure an outcome reports on; FORBIDDEN when it did not apply to the subject today."""
    found = next((m for m in check.measures if m.code == measure.code), None)
    if found is None and not check.complete:
        raise HubError(
            ErrorCode.SOURCE_UNAVAILABLE,
            f"measure '{measure.code}': whether it applies cannot be confirmed now "
            f"({', '.join(check.incomplete)} could not be read)",
            fix="report again when the sources answer",
        )
    if found is None:
        raise HubError(
            ErrorCode.FORBIDDEN,
            f"measure '{measure.code}' did not apply to this subject for {check.matter} on {check.checked_on}: "
            f"{_why_not(measure, check)}",
            fix="report only the measures creditCheck returned for this subject and matter (002 §10)",
        )
    if found.suspended and result.executed:
        raise HubError(
            ErrorCode.FORBIDDEN,
            f"measure '{measure.code}' is suspended while an objection to its entry is verified",
            fix="report it with executed: false and reason SUSPENDED_BY_OBJECTION",
        )
    return found


def _why_not(measure: Measure, check: CreditCheck) -> str:
    status = check.list_status.value
    if measure.kind is MeasureKind.REWARD:
        return f"it rewards the red list and the subject's list status is {status}"
    if check.kind not in measure.subject_kinds and not measure.reaches_representatives:
        return f"it does not concern a {check.kind.value}"
    lists = ", ".join(m.value for m in measure.lists)
    return f"it rests on {lists} and the subject has no current such entry (list status {status})"


class FeedbackService:
    """Validates and stores execution reports; nothing outside the measures list is accepted."""

    def __init__(
        self, measures: MeasuresList, repository: ExecutionRepository, checks: CheckService,
        cases: CaseRepository | None = None,
    ) -> None:  # fmt: skip
        self.measures = measures
        self.repository = repository
        self.checks = checks
        self.cases = cases

    def _validate(self, matter: str, results: Sequence[Execution], case_reference: str | None) -> None:
        self.measures.for_matter(matter)
        if not 1 <= len(results) <= MAX_RESULTS:
            raise _bad(f"report 1 to {MAX_RESULTS} measures", "send one entry per measure the check returned")
        if len({r.measure for r in results}) != len(results):
            raise _bad("a measure is reported twice", "report each measure once")
        if case_reference is not None and len(case_reference) > 100:
            raise _bad("caseReference is longer than 100 characters", "send the approval case number only")
        for result in results:
            measure = self.measures.get(result.measure)
            if matter not in measure.matters:
                raise _bad(
                    f"measure '{measure.code}' does not concern {matter}",
                    f"report the measures creditCheck returned for {matter}",
                )
            if result.executed == (result.reason is not None):
                raise _bad(
                    f"measure '{measure.code}': give a reason exactly when it was not executed",
                    "set reason only with executed: false",
                )
            if result.note is not None and len(result.note) > MAX_NOTE:
                raise _bad(f"a note is longer than {MAX_NOTE} characters", "shorten the note")

    async def applied(self, reporter: Reporter, code: SubjectCode, matter: str, today: date) -> CheckBatchAnswer:
        """Answers the credit check of `code` for `matter` today, read as the reporter's own check would be."""
        if reporter.policy is None:
            raise HubError(ErrorCode.FORBIDDEN, "feedback comes from a department's client", fix="use its token")
        batch = await self.checks.check(reporter.policy, reporter.org, reporter.purpose, [code], matter, today)
        [found] = batch.results
        if isinstance(found, Refusal):
            if str(found.code) == ErrorCode.NOT_FOUND.value:
                raise _bad(
                    "no source holds a record for this subject, so no measure applied to it",
                    "report only on subjects your credit check found",
                )
            raise HubError(ErrorCode(str(found.code)), f"the subject cannot be checked: {found.message}")
        return CheckBatchAnswer(found, list(batch.disclosures), batch.enterprises_read)

    async def report(
        self, reporter: Reporter, code: SubjectCode, matter: str, results: Sequence[Execution],
        case_reference: str | None, now: datetime,
    ) -> Accepted:  # fmt: skip
        """Answers the stored report; refused (nothing stored) unless each measure applied to the subject today.

        Nothing outside the list may be applied (002 §10): the subject is checked again for the matter, as the
        reporter's own credit check would read it, and an outcome for a measure that did not apply is refused.
        """
        self._validate(matter, results, case_reference)
        answer = await self.applied(reporter, code, matter, now.date())
        for result in results:
            refuse_unless_applied(self.measures.get(result.measure), result, answer.check)
        report_id = str(uuid.uuid4())
        rows = [
            ExecutionRow(
                id=str(uuid.uuid4()), report_id=report_id, measure_code=r.measure, subject_code=code.value,
                matter=matter, executed=r.executed, reason=r.reason.value if r.reason else None, note=r.note,
                case_reference=case_reference, department=reporter.department, client_id=reporter.client_id,
                operator=reporter.operator, reported_at=now, verified=True,
            )
            for r in results
        ]  # fmt: skip
        await self.repository.add(rows)
        if self.cases is not None:
            for r in results:
                await self.cases.feed_back(code.value, r.measure, reporter.department, r.executed, report_id, now)
        return Accepted(report_id, len(rows), answer.disclosures, answer.enterprises_read)

    async def statistics(
        self, since: datetime | None, until: datetime | None, department: str | None
    ) -> list[MeasureStatistic]:
        """Answers every measure of the list with its execution figures (zero when never reported)."""
        counts, departments = await self.repository.counts(since, until, department)
        stats: list[MeasureStatistic] = []
        for measure in self.measures.measures.values():
            mine = [c for c in counts if c.measure_code == measure.code]
            executed = sum(c.count for c in mine if c.executed)
            missed = [c for c in mine if not c.executed]
            reasons = sorted(((c.reason or "OTHER", c.count) for c in missed), key=lambda pair: (-pair[1], pair[0]))
            stats.append(
                MeasureStatistic(
                    measure=measure.code, content=measure.content, mandatory=measure.mandatory,
                    reported=executed + sum(c.count for c in missed), executed=executed,
                    not_executed=sum(c.count for c in missed),
                    reasons=tuple(ReasonCount(reason, count) for reason, count in reasons),
                    departments=departments.get(measure.code, 0),
                )
            )  # fmt: skip
        return stats
