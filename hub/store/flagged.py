"""List entries that failed the catalogue's entry checks, as the read path met them (no subject code kept)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.tables import flagged_entries

_F = flagged_entries.c
_AGAIN = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class FlaggedEntry:
    """A list entry that failed entry checks: its id, source, deciding department and the checks' codes."""

    item_id: str
    source: str
    department: str
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FlaggedCount:
    """How many flagged entries of one department were read in a span, which checks failed, and when."""

    department: str
    entries: int
    flags: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)  # SQLite: naive UTC


class FlaggedEntryRepository:
    """Notes flagged entries once and counts them per department, in the hub's own database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._noted: dict[str, datetime] = {}  # item id -> when this process last wrote it down

    async def note(self, entries: Sequence[FlaggedEntry], now: datetime) -> None:
        """Answers nothing; stores the entries with when they were read (at most once an hour per entry)."""
        due = [e for e in entries if e.item_id not in self._noted or now - self._noted[e.item_id] > _AGAIN]
        fresh = {e.item_id: e for e in due}
        if not fresh:
            return
        insert = sqlite_insert if self.engine.dialect.name == "sqlite" else pg_insert
        rows = [
            {"item_id": e.item_id, "source": e.source, "department": e.department, "flags": ",".join(e.flags),
             "first_seen_at": now, "last_seen_at": now}
            for e in fresh.values()
        ]  # fmt: skip
        async with self.engine.begin() as conn:
            await conn.execute(insert(flagged_entries).values(rows).on_conflict_do_nothing(index_elements=["item_id"]))
            await conn.execute(update(flagged_entries).where(_F.item_id.in_(list(fresh))).values(last_seen_at=now))
        self._noted.update(dict.fromkeys(fresh, now))

    async def counts(self, since: datetime) -> list[FlaggedCount]:
        """Answers, per deciding department, the flagged entries read since `since`."""
        stmt = (
            select(_F.department, func.count(), func.min(_F.first_seen_at), func.max(_F.last_seen_at))
            .where(_F.last_seen_at >= since)
            .group_by(_F.department)
            .order_by(_F.department)
        )
        flags_stmt = select(_F.department, _F.flags).where(_F.last_seen_at >= since)
        async with self.engine.connect() as conn:
            grouped = (await conn.execute(stmt)).all()
            codes: dict[str, set[str]] = {}
            for department, flags in (await conn.execute(flags_stmt)).all():
                codes.setdefault(department, set()).update(flags.split(","))
        return [
            FlaggedCount(department, int(count), tuple(sorted(codes.get(department, ()))), _utc(first), _utc(last))
            for department, count, first, last in grouped
        ]
