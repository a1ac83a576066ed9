"""What approval systems reported doing with each measure (执行反馈), and the counts officers review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.tables import measure_executions


@dataclass(frozen=True, slots=True)
class ExecutionRow:
    """One measure's outcome in one report."""

    id: str
    report_id: str
    measure_code: str
    subject_code: str
    matter: str
    executed: bool
    reason: str | None
    note: str | None
    case_reference: str | None
    department: str
    client_id: str | None
    operator: str | None
    reported_at: datetime
    verified: bool = True  # re-checked against the subject's standing when reported (rows from before: false)


@dataclass(frozen=True, slots=True)
class ExecutionCount:
    """How often a measure was reported executed or not (and why), and by how many departments."""

    measure_code: str
    executed: bool
    reason: str | None
    count: int


class ExecutionRepository:
    """Stores execution reports and counts them per measure."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, rows: Sequence[ExecutionRow]) -> None:
        """Answers nothing; stores one report's rows in one transaction."""
        async with self.engine.begin() as conn:
            await conn.execute(insert(measure_executions), [_values(row) for row in rows])

    async def counts(
        self, since: datetime | None, until: datetime | None, department: str | None
    ) -> tuple[list[ExecutionCount], dict[str, int]]:
        """Answers counts of verified outcomes by measure, outcome and reason, and the departments reporting each."""
        table = measure_executions
        conditions: list[Any] = [table.c.verified.is_(True)]
        if since is not None:
            conditions.append(table.c.reported_at >= since)
        if until is not None:
            conditions.append(table.c.reported_at < until)
        if department is not None:
            conditions.append(table.c.department == department)
        grouped = (
            select(table.c.measure_code, table.c.executed, table.c.reason, func.count())
            .where(*conditions)
            .group_by(table.c.measure_code, table.c.executed, table.c.reason)
        )
        departments = (
            select(table.c.measure_code, func.count(func.distinct(table.c.department)))
            .where(*conditions)
            .group_by(table.c.measure_code)
        )
        async with self.engine.connect() as conn:
            counts = [
                ExecutionCount(code, bool(executed), reason, int(count))
                for code, executed, reason, count in (await conn.execute(grouped)).all()
            ]
            reporting = {code: int(count) for code, count in (await conn.execute(departments)).all()}
        return counts, reporting


def _values(row: ExecutionRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ExecutionRow.__slots__}
