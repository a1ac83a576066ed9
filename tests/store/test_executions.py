"""measure_executions: statistics count verified outcomes only (rows from before the check read unverified)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.executions import ExecutionRepository, ExecutionRow

NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def row(verified: bool) -> ExecutionRow:
    return ExecutionRow(
        id=str(uuid.uuid4()), report_id="r", measure_code="GP-01", subject_code="91140200MA0L000011",
        matter="GOVERNMENT_PROCUREMENT", executed=True, reason=None, note=None, case_reference=None,
        department="approval-bureau", client_id=None, operator=None, reported_at=NOW, verified=verified,
    )  # fmt: skip


async def test_unverified_outcomes_are_not_counted(engine: AsyncEngine) -> None:
    executions = ExecutionRepository(engine)
    await executions.add([row(True), row(False)])
    counts, departments = await executions.counts(None, None, None)
    assert [(c.measure_code, c.executed, c.count) for c in counts] == [("GP-01", True, 1)]
    assert departments == {"GP-01": 1}
