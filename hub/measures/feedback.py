"""执行反馈: what an approval system did with each measure, and per-measure statistics for officers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectCode
from hub.measures.model import MeasuresList
from hub.store.executions import ExecutionRepository, ExecutionRow

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
    """Who reports: department, client and the operating clerk."""

    department: str
    client_id: str | None
    operator: str | None


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


class FeedbackService:
    """Validates and stores execution reports; nothing outside the measures list is accepted."""

    def __init__(self, measures: MeasuresList, repository: ExecutionRepository) -> None:
        self.measures = measures
        self.repository = repository

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

    async def report(
        self, reporter: Reporter, code: SubjectCode, matter: str, results: Sequence[Execution],
        case_reference: str | None, now: datetime,
    ) -> tuple[str, int]:  # fmt: skip
        """Answers the report's id and how many outcomes were stored; BAD_USER_INPUT and nothing stored if invalid."""
        self._validate(matter, results, case_reference)
        report_id = str(uuid.uuid4())
        rows = [
            ExecutionRow(
                id=str(uuid.uuid4()), report_id=report_id, measure_code=r.measure, subject_code=code.value,
                matter=matter, executed=r.executed, reason=r.reason.value if r.reason else None, note=r.note,
                case_reference=case_reference, department=reporter.department, client_id=reporter.client_id,
                operator=reporter.operator, reported_at=now,
            )
            for r in results
        ]  # fmt: skip
        await self.repository.add(rows)
        return report_id, len(rows)

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
