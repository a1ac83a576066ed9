"""Repositories of the rights tables: objections, overlay marks, repairs, source feedback, executions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.engine import make_engine
from hub.store.executions import ExecutionRepository, ExecutionRow
from hub.store.repairs import APPROVED, PENDING, RepairRepository
from hub.store.rights import OPEN, RightsRepository
from hub.store.rights_rows import HIDDEN_REPAIRED, HIDDEN_REVOKED, Evidence, ObjectionRow, RepairRow
from tests.store.conftest import trusted

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
FIRM = "91140200MA0L000011"
ITEM = "datong:listing:17"


def objection(item: str = ITEM, due: date = TODAY + timedelta(days=21), **extra: object) -> ObjectionRow:
    values: dict[str, object] = {
        "id": f"obj-{item}", "subject_code": FIRM, "item_id": item, "record_type": "listing", "source": "datong",
        "department": "market-regulation", "reason": "列入依据的处罚决定已被撤销", "status": OPEN,
        "filed_at": NOW, "due_on": due, **extra,
    }  # fmt: skip
    return ObjectionRow(**values)  # type: ignore[arg-type]


async def test_an_objection_suspends_the_item_and_only_one_is_taken(engine: AsyncEngine) -> None:
    rights = RightsRepository(engine)
    assert await rights.add_objection(objection())
    assert not await rights.add_objection(objection(id="obj-2"))
    marks = await rights.marks([FIRM, "91140100MA0L000022"])
    assert set(marks) == {ITEM}
    assert marks[ITEM].open_objection
    assert not marks[ITEM].hidden
    stored = await rights.objections(TODAY, subject_code=FIRM)
    assert [o.id for o in stored] == [f"obj-{ITEM}"]
    assert stored[0].filed_at == NOW
    assert not stored[0].overdue


async def test_rejection_ends_suspension_and_adds_the_days_up(engine: AsyncEngine) -> None:
    rights = RightsRepository(engine)
    await rights.add_objection(objection())
    first = (await rights.objections(TODAY, item_id=ITEM))[0]
    done = await rights.decide_objection(
        first, status="REJECTED", outcome=None, corrections={}, note="经核实无误", decided_at=NOW,
        decided_by="ch_market", suspended_days=9, mark_changes={"extend_days": 9}, feedback=None,
    )  # fmt: skip
    assert done
    again = await rights.decide_objection(
        first, status="UPHELD", outcome="REVOKE", corrections={}, note="x", decided_at=NOW, decided_by=None,
        suspended_days=0, mark_changes={"hidden_by": HIDDEN_REVOKED}, feedback={"outcome": "REVOKE"},
    )  # fmt: skip
    assert not again, "a decided objection stays decided"
    mark = (await rights.marks([FIRM]))[ITEM]
    assert (mark.open_objection, mark.extension_days, mark.hidden) == (False, 9, False)
    decided = await rights.objection(first.id, TODAY)
    assert decided is not None
    assert decided.status == "REJECTED"
    assert decided.suspended_days == 9
    assert await rights.pending_feedback("datong") == []


async def test_upheld_correction_keeps_value_types_and_queues_the_source(engine: AsyncEngine) -> None:
    rights = RightsRepository(engine)
    await rights.add_objection(objection("datong:penalty:5"))
    row = (await rights.objections(TODAY, item_id="datong:penalty:5"))[0]
    typed = {"amount": Decimal("1000.00"), "decided_on": date(2025, 1, 2)}
    await rights.decide_objection(
        row, status="UPHELD", outcome="CORRECT", corrections=typed, note="金额录入错误，已更正", decided_at=NOW,
        decided_by="ch_market", suspended_days=0, mark_changes={"corrections": typed},
        feedback={"outcome": "CORRECT", "corrections": {"amount": "1000.00"}},
    )  # fmt: skip
    mark = (await rights.marks([FIRM]))["datong:penalty:5"]
    assert mark.corrections == typed
    queued = await rights.pending_feedback("datong")
    assert [(q["item_id"], q["kind"], q["payload"]["outcome"]) for q in queued] == [
        ("datong:penalty:5", "OBJECTION_UPHELD", "CORRECT")
    ]
    decided = await rights.objection(row.id, TODAY)
    assert decided is not None
    assert decided.corrections == typed


async def test_overdue_objections_are_flagged(engine: AsyncEngine) -> None:
    rights = RightsRepository(engine)
    await rights.add_objection(objection(due=TODAY - timedelta(days=1)))
    await rights.add_objection(objection("datong:listing:18", id="obj-late-not"))
    late = await rights.objections(TODAY, department="market-regulation", overdue_only=True)
    assert [o.item_id for o in late] == [ITEM]
    assert late[0].overdue


def repair(item: str = ITEM, repair_id: str = "rep-1") -> RepairRow:
    return RepairRow(
        id=repair_id, subject_code=FIRM, item_id=item, record_type="listing", source="datong",
        department="market-regulation", evidence=(Evidence("RECTIFICATION", "已补缴全部税款及滞纳金"),),
        status=PENDING, applied_at=NOW, due_on=TODAY + timedelta(days=14),
    )  # fmt: skip


async def test_an_approved_repair_hides_the_item_and_is_published(engine: AsyncEngine) -> None:
    repairs, rights = RepairRepository(engine), RightsRepository(engine)
    assert await repairs.add(repair())
    assert not await repairs.add(repair(repair_id="rep-2")), "one pending application per item"
    row = await repairs.repair("rep-1", TODAY)
    assert row is not None
    assert row.evidence == (Evidence("RECTIFICATION", "已补缴全部税款及滞纳金"),)
    assert await repairs.decide(row, status=APPROVED, note="整改到位", decided_at=NOW, decided_by="ch_market")
    decided = await repairs.repair("rep-1", TODAY)
    assert decided is not None
    assert decided.status == APPROVED
    assert decided.published_at == NOW
    assert (await rights.marks([FIRM]))[ITEM].hidden_by == HIDDEN_REPAIRED
    assert [q["kind"] for q in await rights.pending_feedback("datong")] == ["REPAIR_APPROVED"]
    assert not await repairs.add(repair(repair_id="rep-3")), "an approved item is not repaired twice"


async def test_a_refused_repair_may_be_applied_for_again(engine: AsyncEngine) -> None:
    repairs = RepairRepository(engine)
    await repairs.add(repair())
    row = await repairs.repair("rep-1", TODAY)
    assert row is not None
    assert await repairs.decide(row, status="REFUSED", note="材料不全", decided_at=NOW, decided_by=None)
    assert await repairs.add(repair(repair_id="rep-2"))
    assert [r.status for r in await repairs.repairs(TODAY, subject_code=FIRM)] == ["REFUSED", PENDING]


async def test_execution_counts_by_measure_reason_and_department(engine: AsyncEngine) -> None:
    executions = ExecutionRepository(engine)

    def row(n: int, measure: str, executed: bool, reason: str | None, department: str) -> ExecutionRow:
        return ExecutionRow(
            f"e{n}",
            "r1",
            measure,
            FIRM,
            "GOVERNMENT_PROCUREMENT",
            executed,
            reason,
            None,
            "审批〔2026〕1号",
            department,
            "ch_1",
            "clerk-7",
            NOW + timedelta(minutes=n),
        )

    await executions.add([
        row(1, "GP-01", True, None, "approval-bureau"),
        row(2, "GP-01", False, "SUSPENDED_BY_OBJECTION", "approval-bureau"),
        row(3, "GP-01", True, None, "market-regulation"),
        row(4, "GP-02", False, "LENIENCY", "approval-bureau"),
    ])  # fmt: skip
    counts, departments = await executions.counts(None, None, None)
    assert sorted((c.measure_code, c.executed, c.reason, c.count) for c in counts) == [
        ("GP-01", False, "SUSPENDED_BY_OBJECTION", 1),
        ("GP-01", True, None, 2),
        ("GP-02", False, "LENIENCY", 1),
    ]
    assert departments == {"GP-01": 2, "GP-02": 1}
    mine, _ = await executions.counts(NOW + timedelta(minutes=2), None, "approval-bureau")
    assert sorted((c.measure_code, c.count) for c in mine) == [("GP-01", 1), ("GP-02", 1)]


@pytest.fixture
async def mirrored(pg_engine: AsyncEngine) -> AsyncIterator[RightsRepository]:
    """Answers a rights repository whose overlay is mirrored and trusted."""
    async with trusted(RightsRepository(pg_engine)) as rights:
        yield rights


async def test_marks_written_by_another_process_reach_the_mirror(
    pg_engine: AsyncEngine, mirrored: RightsRepository
) -> None:
    other = make_engine(pg_engine.url.render_as_string(hide_password=False))
    try:
        repairs = RepairRepository(other)
        await repairs.add(repair())
        row = await repairs.repair("rep-1", TODAY)
        assert row is not None
        assert await repairs.decide(row, status=APPROVED, note="整改到位", decided_at=NOW, decided_by=None)
        async with asyncio.timeout(5):
            while FIRM not in await mirrored.mirror.trusted():  # noqa: ASYNC110 - polls a copy
                await asyncio.sleep(0.01)
        assert (await mirrored.marks([FIRM]))[ITEM].hidden_by == HIDDEN_REPAIRED
        at_hand = mirrored.mirrored_marks([FIRM, "91140100MA0L000022"])
        assert at_hand is not None
        assert at_hand[ITEM].hidden_by == HIDDEN_REPAIRED
    finally:
        await other.dispose()


async def test_marks_are_at_hand_only_while_the_mirror_is_trusted(engine: AsyncEngine) -> None:
    rights = RightsRepository(engine)
    assert rights.mirrored_marks([FIRM]) is None  # not started (and never on SQLite): only the lookup can tell
    assert await rights.marks([FIRM]) == {}


async def test_this_process_s_objection_suspends_the_item_at_once(mirrored: RightsRepository) -> None:
    assert await mirrored.marks([FIRM]) == {}
    assert await mirrored.add_objection(objection())
    assert (await mirrored.marks([FIRM]))[ITEM].open_objection  # from the table until the mirror reloads
    async with asyncio.timeout(5):
        assert (await mirrored.mirror.trusted())[FIRM][0].open_objection
