"""Faulty pulled items noted as reads meet them: once an hour per item unless its checks change; counted per source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.read_faults import ReadFault, ReadFaultRepository
from hub.store.tables import read_faults

NOW = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
LICENCE = ReadFault("datong:7", "datong", "licence", ("NOT_ALLOWED", "FUTURE_DATE"))
PENALTY = ReadFault("datong:8", "datong", "penalty", ("FUTURE_DATE",))


async def _writes(engine: AsyncEngine) -> datetime:
    async with engine.connect() as conn:
        return (await conn.execute(select(func.max(read_faults.c.last_seen_at)))).scalar_one()  # type: ignore[no-any-return]


async def test_faulty_items_are_counted_per_source_and_record_type_by_check(engine: AsyncEngine) -> None:
    faults = ReadFaultRepository(engine)
    other = ReadFault("taiyuan:3", "taiyuan", "licence", ("NOT_ALLOWED",))
    await faults.note([LICENCE, PENALTY, other, ReadFault("datong:9", "datong", "licence", ("NOT_ALLOWED",))], NOW)
    counted = {(c.source, c.record_type): c for c in await faults.counts(NOW - timedelta(days=1))}
    assert set(counted) == {("datong", "licence"), ("datong", "penalty"), ("taiyuan", "licence")}
    licences = counted[("datong", "licence")]
    assert (licences.items, licences.by_code) == (2, (("NOT_ALLOWED", 2), ("FUTURE_DATE", 1)))
    assert licences.first_seen == licences.last_seen == NOW
    assert await faults.counts(NOW + timedelta(seconds=1)) == [], "only what was read since"


async def test_an_item_is_written_once_an_hour_unless_its_checks_change(engine: AsyncEngine) -> None:
    faults = ReadFaultRepository(engine)
    await faults.note([LICENCE], NOW)
    await faults.note([LICENCE], NOW + timedelta(minutes=30))
    assert _utc(await _writes(engine)) == NOW, "read again within the hour: not written again"
    changed = ReadFault(LICENCE.item_id, "datong", "licence", (*LICENCE.codes, "PERSONAL_DATA"))
    await faults.note([changed], NOW + timedelta(minutes=40))
    [count] = await ReadFaultRepository(engine).counts(NOW - timedelta(days=1))  # another worker reads it
    assert dict(count.by_code) == {"NOT_ALLOWED": 1, "FUTURE_DATE": 1, "PERSONAL_DATA": 1}
    assert count.last_seen == NOW + timedelta(minutes=40)
    await ReadFaultRepository(engine).note([LICENCE], NOW + timedelta(minutes=50))  # another worker: an upsert
    [count] = await faults.counts(NOW - timedelta(days=1))
    assert (count.items, count.first_seen) == (1, NOW)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
