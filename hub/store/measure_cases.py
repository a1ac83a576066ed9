"""The cases of joint reward and punishment (发起 → 响应 → 执行 → 反馈): stored, moved on, counted per department."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.tables import measure_cases

INITIATED, RESPONDED, FED_BACK = "INITIATED", "RESPONDED", "FED_BACK"


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One target subject, one measure, one implementing department of an initiation, and how far it got."""

    id: str
    initiative_id: str
    initiating_department: str
    implementing_department: str
    subject_code: str
    measure_code: str
    matter: str
    reference: str | None
    stage: str
    initiated_at: datetime
    responded_at: datetime | None = None
    fed_back_at: datetime | None = None
    executed: bool | None = None
    report_id: str | None = None
    client_id: str | None = None
    operator: str | None = None


@dataclass(frozen=True, slots=True)
class DepartmentCounts:
    """Per department: cases it initiated; of those assigned to it: responded, executed, fed back, open, overdue."""

    department: str
    initiated: int = 0
    responded: int = 0
    executed: int = 0
    fed_back: int = 0
    pending: int = 0
    overdue: int = 0


class CaseRepository:
    """Stores cases and moves them from stage to stage; each step is one statement."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, rows: Sequence[CaseRow]) -> None:
        """Answers nothing; stores one initiation's cases in one transaction."""
        async with self.engine.begin() as conn:
            await conn.execute(insert(measure_cases), [_values(row) for row in rows])

    async def get(self, case_id: str) -> CaseRow | None:
        """Answers the case with `case_id`, or None."""
        async with self.engine.connect() as conn:
            found = (await conn.execute(select(measure_cases).where(measure_cases.c.id == case_id))).mappings().first()
        return _row(found) if found else None

    async def respond(self, case_id: str, department: str, now: datetime) -> bool:
        """Answers whether the case, still INITIATED and assigned to `department`, is now RESPONDED."""
        table = measure_cases
        statement = (
            update(table)
            .where(table.c.id == case_id, table.c.implementing_department == department, table.c.stage == INITIATED)
            .values(stage=RESPONDED, responded_at=now)
        )
        async with self.engine.begin() as conn:
            return bool((await conn.execute(statement)).rowcount)

    async def feed_back(
        self, subject_code: str, measure_code: str, department: str, executed: bool, report_id: str, now: datetime
    ) -> int:
        """Answers how many open cases of this subject, measure and implementing department the report closed."""
        table = measure_cases
        where = (
            table.c.subject_code == subject_code,
            table.c.measure_code == measure_code,
            table.c.implementing_department == department,
            table.c.stage != FED_BACK,
        )
        statement = (
            update(table)
            .where(*where)
            .values(
                stage=FED_BACK,
                fed_back_at=now,
                executed=executed,
                report_id=report_id,
                responded_at=func.coalesce(table.c.responded_at, now),
            )
        )
        async with self.engine.begin() as conn:
            return int((await conn.execute(statement)).rowcount or 0)

    async def listed(self, department: str | None, stage: str | None, limit: int) -> list[CaseRow]:
        """Answers the newest cases (of `department` as initiator or implementer, in `stage`), at most `limit`."""
        table = measure_cases
        conditions: list[Any] = []
        if department is not None:
            conditions.append(
                or_(table.c.initiating_department == department, table.c.implementing_department == department)
            )
        if stage is not None:
            conditions.append(table.c.stage == stage)
        statement = select(table).where(*conditions).order_by(table.c.initiated_at.desc(), table.c.id).limit(limit)
        async with self.engine.connect() as conn:
            return [_row(found) for found in (await conn.execute(statement)).mappings().all()]

    async def counts(
        self, since: datetime, until: datetime, respond_by: datetime, feed_back_by: datetime
    ) -> list[DepartmentCounts]:
        """Answers per department the steps taken in [since, until) and the cases overdue at the deadlines given.

        A case is overdue when it was initiated before `respond_by` and is not yet acknowledged, or before
        `feed_back_by` and not yet fed back.
        """
        table = measure_cases

        def within(column: Any) -> Any:
            return and_(column >= since, column < until)

        overdue = or_(
            and_(table.c.stage == INITIATED, table.c.initiated_at < respond_by),
            and_(table.c.stage != FED_BACK, table.c.initiated_at < feed_back_by),
        )
        implementing = table.c.implementing_department
        queries = {
            "initiated": select(table.c.initiating_department, func.count()).where(within(table.c.initiated_at))
            .group_by(table.c.initiating_department),
            "responded": select(implementing, func.count()).where(within(table.c.responded_at)).group_by(implementing),
            "fed_back": select(implementing, func.count()).where(within(table.c.fed_back_at)).group_by(implementing),
            "executed": select(implementing, func.count())
            .where(within(table.c.fed_back_at), table.c.executed.is_(True)).group_by(implementing),
            "pending": select(implementing, func.count()).where(table.c.stage != FED_BACK).group_by(implementing),
            "overdue": select(implementing, func.count()).where(overdue).group_by(implementing),
        }  # fmt: skip
        found: dict[str, dict[str, int]] = {}
        async with self.engine.connect() as conn:
            for name, statement in queries.items():
                for department, count in (await conn.execute(statement)).all():
                    found.setdefault(str(department), {})[name] = int(count)
        return [DepartmentCounts(department, **found[department]) for department in sorted(found)]


def _values(row: CaseRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in CaseRow.__slots__}


def _row(found: Any) -> CaseRow:
    values = {name: found[name] for name in CaseRow.__slots__}
    for name in ("initiated_at", "responded_at", "fed_back_at"):
        moment = values[name]
        if moment is not None:  # SQLite hands back naive UTC
            values[name] = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return CaseRow(**values)
