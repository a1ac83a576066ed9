"""Closed cases, in the audit database: a department's closure reveals what it concealed until then."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.store.audit_rows import ClosedCaseRow
from hub.store.tables import audit_events, closed_cases

_C = closed_cases.c


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)  # SQLite: naive UTC


async def closures_among(conn: AsyncConnection, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], datetime]:
    """Answers (department, case number) -> closed_at for those of `keys` that are closed."""
    if not keys:
        return {}
    stmt = select(_C.department, _C.case_number, _C.closed_at).where(
        tuple_(_C.department, _C.case_number).in_(list(keys))
    )
    rows = (await conn.execute(stmt)).all()
    return {(row.department, row.case_number): _utc(row.closed_at) for row in rows}


class ClosedCaseRepository:
    """Closures of cases and the register entries they reveal, over the audit database's engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def concealed_events(self, department: str, case_number: str) -> int:
        """Answers how many register events of `department` are concealed until `case_number` closes."""
        e = audit_events.c  # case_number is indexed; concealed_case equals it when the case conceals
        stmt = select(func.count()).where(
            e.case_number == case_number, e.concealed_case == case_number, e.department == department
        )
        async with self.engine.connect() as conn:
            return int((await conn.execute(stmt)).scalar_one())

    async def close(self, closure: ClosedCaseRow) -> ClosedCaseRow:
        """Answers the stored closure of the case: `closure` when new, the earlier one when it was closed before."""
        insert = sqlite_insert if self.engine.dialect.name == "sqlite" else pg_insert
        values = {"department": closure.department, "case_number": closure.case_number, "closed_at": closure.closed_at}
        stmt = insert(closed_cases).values(values).on_conflict_do_nothing(index_elements=["department", "case_number"])
        async with self.engine.connect() as conn:
            await conn.execute(stmt)
            await conn.commit()
            stored = await closures_among(conn, [(closure.department, closure.case_number)])
        return ClosedCaseRow(closure.department, closure.case_number, stored[closure.department, closure.case_number])
