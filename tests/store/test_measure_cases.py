"""measure_cases: stages move once, feedback closes the reporting department's open cases, counts per window."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.measure_cases import FED_BACK, INITIATED, CaseRepository, CaseRow, DepartmentCounts

NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
FIRM = "91140200MA0L000011"


def case(implementer: str, days_ago: float, measure: str = "GP-01") -> CaseRow:
    return CaseRow(
        id=str(uuid.uuid4()), initiative_id="i-1", initiating_department="market-regulation",
        implementing_department=implementer, subject_code=FIRM, measure_code=measure,
        matter="GOVERNMENT_PROCUREMENT", reference=None, stage=INITIATED, initiated_at=NOW - timedelta(days=days_ago),
    )  # fmt: skip


async def test_a_case_is_acknowledged_once_and_closed_by_its_own_departments_feedback(engine: AsyncEngine) -> None:
    cases = CaseRepository(engine)
    mine, other = case("approval-bureau", 1), case("bank", 1)
    await cases.add([mine, other])
    assert await cases.respond(mine.id, "bank", NOW) is False, "only the implementing department responds"
    assert await cases.respond(mine.id, "approval-bureau", NOW) is True
    assert await cases.respond(mine.id, "approval-bureau", NOW) is False
    assert await cases.feed_back(FIRM, "GP-01", "approval-bureau", True, "r-1", NOW) == 1
    closed = await cases.get(mine.id)
    assert closed is not None
    assert (closed.stage, closed.executed, closed.report_id, closed.fed_back_at) == (FED_BACK, True, "r-1", NOW)
    untouched = await cases.get(other.id)
    assert untouched is not None
    assert untouched.stage == INITIATED


async def test_counts_per_department_with_overdue_at_the_deadlines(engine: AsyncEngine) -> None:
    cases = CaseRepository(engine)
    fresh, unanswered, unreported = case("approval-bureau", 1), case("approval-bureau", 4), case("bank", 20)
    await cases.add([fresh, unanswered, unreported])
    await cases.respond(unreported.id, "bank", NOW - timedelta(days=19))
    found = await cases.counts(NOW - timedelta(days=30), NOW, NOW - timedelta(days=3), NOW - timedelta(days=15))
    assert found == [
        DepartmentCounts("approval-bureau", pending=2, overdue=1),
        DepartmentCounts("bank", responded=1, pending=1, overdue=1),
        DepartmentCounts("market-regulation", initiated=3),
    ]
    window = await cases.counts(NOW - timedelta(days=2), NOW, NOW - timedelta(days=3), NOW - timedelta(days=15))
    assert next(c for c in window if c.department == "market-regulation").initiated == 1
