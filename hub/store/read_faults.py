"""Items of pulled sources that reads found failing the collection checks (no subject code, no value kept)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.tables import read_faults

_F = read_faults.c
_AGAIN = timedelta(hours=1)
_REMEMBERED = 100_000  # items this process remembers writing down; past it, it starts again


@dataclass(frozen=True, slots=True)
class ReadFault:
    """An item a read found failing the collection checks: where it is and the checks' codes (no value, no code)."""

    item_id: str
    source: str
    record_type: str
    codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReadFaultCount:
    """What reads found in one pulled source's items of one record type: items flagged, by check, and when."""

    source: str
    record_type: str
    items: int
    by_code: tuple[tuple[str, int], ...]  # check code -> items failing it, most first
    first_seen: datetime
    last_seen: datetime


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)  # SQLite: naive UTC


class ReadFaultRepository:
    """Notes the faulty items reads meet (each at most once an hour per process) and counts them per source."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._noted: dict[str, tuple[datetime, tuple[str, ...]]] = {}  # item id -> when written, and its codes

    def due(self, faults: Sequence[ReadFault], now: datetime) -> list[ReadFault]:
        """Answers the faults not written down in the last hour by this process (or whose codes changed since)."""
        due: dict[str, ReadFault] = {}
        for fault in faults:
            noted = self._noted.get(fault.item_id)
            if noted is None or now - noted[0] > _AGAIN or noted[1] != fault.codes:
                due[fault.item_id] = fault
        return list(due.values())

    async def note(self, faults: Sequence[ReadFault], now: datetime) -> None:
        """Answers nothing; stores the faulty items with when they were read (at most once an hour per item)."""
        fresh = self.due(faults, now)
        if not fresh:
            return
        insert = sqlite_insert if self.engine.dialect.name == "sqlite" else pg_insert
        async with self.engine.begin() as conn:
            for fault in fresh:  # a few per read at most, and only the first read of an hour
                codes = ",".join(fault.codes)[:200]
                statement = insert(read_faults).values(
                    item_id=fault.item_id, source=fault.source, record_type=fault.record_type, codes=codes,
                    first_seen_at=now, last_seen_at=now,
                )  # fmt: skip
                await conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=["item_id"], set_={"codes": codes, "last_seen_at": now}
                    )
                )
        if len(self._noted) > _REMEMBERED:
            self._noted.clear()
        self._noted.update((fault.item_id, (now, fault.codes)) for fault in fresh)

    async def counts(self, since: datetime) -> list[ReadFaultCount]:
        """Answers, per source and record type, the faulty items read since `since`."""
        stmt = (
            select(
                _F.source, _F.record_type, _F.codes, func.count(), func.min(_F.first_seen_at), func.max(_F.last_seen_at)
            )
            .where(_F.last_seen_at >= since)
            .group_by(_F.source, _F.record_type, _F.codes)
        )
        async with self.engine.connect() as conn:
            grouped = (await conn.execute(stmt)).all()
        items: Counter[tuple[str, str]] = Counter()
        codes: dict[tuple[str, str], Counter[str]] = {}
        seen: dict[tuple[str, str], tuple[datetime, datetime]] = {}
        for source, record_type, joined, count, first, last in grouped:
            key = (source, record_type)
            items[key] += int(count)
            codes.setdefault(key, Counter()).update({code: int(count) for code in joined.split(",") if code})
            first, last = _utc(first), _utc(last)
            known = seen.get(key)
            seen[key] = (min(known[0], first), max(known[1], last)) if known else (first, last)
        return [
            ReadFaultCount(
                source, record_type, items[(source, record_type)],
                tuple(sorted(codes[(source, record_type)].items(), key=lambda pair: (-pair[1], pair[0]))),
                *seen[(source, record_type)],
            )
            for source, record_type in sorted(items)
        ]  # fmt: skip
