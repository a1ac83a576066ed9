"""The collected source's tables: landing checked items with their versions, and reading them back for reports.

A chunk of a submission lands in one transaction (its new versions, the items' current state, its refusals
and the submission's counts), so a crash never leaves half of it; item states are read in the same
transaction and every change of an existing item is conditional on the version read (a concurrent change
makes the chunk fail with `Conflict`, and the caller decides it again).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Integer,
    String,
    Text,
    Update,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.store.collected_tables import items, refusals, submissions, versions

_I, _V, _S, _R = items.c, versions.c, submissions.c, refusals.c
ACTIVE, WITHDRAWN = "ACTIVE", "WITHDRAWN"
REFUSED, AT_SOURCE = "REFUSED", "AT_SOURCE"  # why a decision is missing its publication (besides WITHDRAWN)


class Conflict(Exception):
    """Another submission changed one of the chunk's items between reading and writing it."""


@dataclass(frozen=True, slots=True)
class ItemState:
    """An item's current state, as a new version is decided against it."""

    item_key: str
    status: str
    version: int
    content_hash: str
    received_at: datetime
    lag_working_days: int


@dataclass(frozen=True, slots=True)
class VersionWrite:
    """One accepted change of an item: a first submission, a correction or a withdrawal."""

    item_key: str
    subject_code: str
    version: int
    action: str
    status: str
    reason: str | None
    payload: dict[str, Any]
    content_hash: str
    decided_on: date
    received_at: datetime
    lag_working_days: int
    row_number: int | None


@dataclass(frozen=True, slots=True)
class RefusalWrite:
    """A refused row: its number, the field and reason code, and the item it was for when that is known."""

    row_number: int
    field: str | None
    reason_code: str
    item_key: str | None = None
    decided_on: date | None = None


@dataclass
class ChunkPlan:
    """What deciding a chunk against the items' states produced."""

    writes: list[VersionWrite] = field(default_factory=list)
    refusals: list[RefusalWrite] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0


@dataclass(frozen=True, slots=True)
class Submission:
    """Who submits what: one file or one single item."""

    id: str
    department: str
    client_id: str | None
    record_type: str
    source_name: str | None


@dataclass(frozen=True, slots=True)
class TimedItem:
    """An item's timing for the timeliness report."""

    department: str
    record_type: str
    decided_on: date
    received_at: datetime
    lag_working_days: int


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One version of an item, as its history shows it."""

    version: int
    action: str
    reason: str | None
    payload: dict[str, Any]
    department: str
    client_id: str | None
    at: datetime
    personal_data: tuple[str, ...]


# A new version of existing items (corrections, withdrawals), each only if still at the version it was decided on;
# a withdrawal (status other than ACTIVE) keeps the fields the item had.
_CHANGE_COLUMNS = ("key", "before", "status", "version", "subject", "hash", "payload", "decided", "lag")
_KEPT_UNLESS_ACTIVE = {"subject_code": "subject", "content_hash": "hash", "payload": "payload",
                       "decided_on": "decided", "lag_working_days": "lag"}  # fmt: skip
_ARRAY_TYPES: tuple[ARRAY[Any], ...] = tuple(
    ARRAY(kind) for kind in (String, Integer, String, Integer, String, String, Text, Date, Integer)
)


def _change_all() -> Update:
    """Answers the PostgreSQL statement changing every item of a chunk at once: its arrays joined by unnest."""
    arrays = [bindparam(f"a_{name}", type_=kind) for name, kind in zip(_CHANGE_COLUMNS, _ARRAY_TYPES, strict=True)]
    v = func.unnest(*arrays).table_valued(*_CHANGE_COLUMNS).render_derived(name="v").c
    active = v.status == ACTIVE
    kept = {
        column: case((active, cast(v[name], JSON) if name == "payload" else v[name]), else_=items.c[column])
        for column, name in _KEPT_UNLESS_ACTIVE.items()
    }
    return (
        update(items)
        .where(_I.record_type == bindparam("rt"), _I.item_key == v.key, _I.version == v.before)
        .values(status=v.status, version=v.version, updated_at=bindparam("now"), **kept)
        .returning(_I.item_key)
    )


def _change_one() -> Update:
    """Answers the statement changing one item, run with executemany (SQLite counts the rows of all)."""
    status = bindparam("b_status", type_=String())
    kept = {
        column: case((status == ACTIVE, bindparam(f"b_{name}", type_=items.c[column].type)), else_=items.c[column])
        for column, name in _KEPT_UNLESS_ACTIVE.items()
    }
    return (
        update(items)
        .where(
            _I.record_type == bindparam("rt"), _I.item_key == bindparam("b_key"), _I.version == bindparam("b_before")
        )
        .values(status=status, version=bindparam("b_version"), updated_at=bindparam("now"), **kept)
    )


_CHANGE_ALL, _CHANGE_ONE = _change_all(), _change_one()


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)  # SQLite: naive UTC


def _payload(value: Any) -> dict[str, Any]:
    loaded = json.loads(value) if isinstance(value, str) else value
    return dict(loaded or {})


class CollectedStore:
    """Reads and writes the collected source (migrations/collected)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def open_submission(self, submission: Submission, now: datetime) -> None:
        """Answers nothing; registers a submission before its first chunk lands."""
        async with self.engine.begin() as conn:
            await conn.execute(
                submissions.insert().values(
                    id=submission.id,
                    department=submission.department,
                    client_id=submission.client_id,
                    record_type=submission.record_type,
                    source_name=submission.source_name,
                    started_at=now,
                )
            )

    async def land(
        self,
        submission: Submission,
        keys: Sequence[str],
        decide: Callable[[dict[str, ItemState]], Awaitable[ChunkPlan] | ChunkPlan],
        now: datetime,
    ) -> ChunkPlan:
        """Answers the chunk's plan once it landed whole: the states of `keys` are read, `decide` plans the
        versions against them, and versions, items, refusals and counts are written in one transaction."""
        try:
            async with self.engine.begin() as conn:
                states = await self._states(conn, submission.record_type, keys)
                planned = decide(states)
                plan = planned if isinstance(planned, ChunkPlan) else await planned
                await self._write(conn, submission, plan, states, now)
                return plan
        except IntegrityError:
            raise Conflict() from None

    async def _states(self, conn: AsyncConnection, record_type: str, keys: Sequence[str]) -> dict[str, ItemState]:
        found: dict[str, ItemState] = {}
        unique = sorted(set(keys))
        # PostgreSQL: one array parameter, so the cached generic plan probes the primary key per key; an IN list
        # of bound parameters let it scan every item of the record type and compare each with the whole list
        # (seconds per chunk once the table holds 100,000 items).
        postgres = conn.dialect.name == "postgresql"
        step = (len(unique) or 1) if postgres else 500
        for start in range(0, len(unique), step):
            batch = unique[start : start + step]
            wanted = (
                _I.item_key == any_(bindparam("keys", batch, type_=ARRAY(String)))
                if postgres
                else _I.item_key.in_(batch)
            )
            statement = select(
                _I.item_key, _I.status, _I.version, _I.content_hash, _I.received_at, _I.lag_working_days
            ).where(_I.record_type == record_type, wanted)
            for row in (await conn.execute(statement)).all():
                found[row.item_key] = ItemState(
                    row.item_key,
                    row.status,
                    row.version,
                    row.content_hash,
                    _utc(row.received_at),
                    row.lag_working_days,
                )
        return found

    async def _write(
        self, conn: AsyncConnection, sub: Submission, plan: ChunkPlan, states: dict[str, ItemState], now: datetime
    ) -> None:
        rt = sub.record_type
        if plan.writes:
            await conn.execute(
                versions.insert(),
                [
                    {
                        "record_type": rt,
                        "item_key": w.item_key,
                        "version": w.version,
                        "action": w.action,
                        "reason": w.reason,
                        "content_hash": w.content_hash,
                        "payload": w.payload,
                        "department": sub.department,
                        "client_id": sub.client_id,
                        "submission_id": sub.id,
                        "row_number": w.row_number,
                        "at": now,
                    }
                    for w in plan.writes
                ],
            )
        latest: dict[str, VersionWrite] = {}
        for write in plan.writes:
            latest[write.item_key] = write
        fresh = [w for key, w in latest.items() if key not in states]
        if fresh:
            await conn.execute(
                items.insert(),
                [
                    {
                        "record_type": rt,
                        "item_key": w.item_key,
                        "subject_code": w.subject_code,
                        "department": sub.department,
                        "status": w.status,
                        "version": w.version,
                        "content_hash": w.content_hash,
                        "payload": w.payload,
                        "decided_on": w.decided_on,
                        "received_at": w.received_at,
                        "lag_working_days": w.lag_working_days,
                        "updated_at": now,
                    }
                    for w in fresh
                ],
            )
        changed = [(w, states[key].version) for key, w in latest.items() if key in states]
        if changed and await self._change(conn, rt, changed, now) != len(changed):
            raise Conflict()
        if plan.refusals:
            await conn.execute(
                refusals.insert(),
                [
                    {
                        "submission_id": sub.id,
                        "department": sub.department,
                        "record_type": rt,
                        "row_number": r.row_number,
                        "field": r.field,
                        "reason_code": r.reason_code,
                        "item_key": r.item_key,
                        "decided_on": r.decided_on,
                        "at": now,
                    }
                    for r in plan.refusals
                ],
            )
        await conn.execute(
            update(submissions)
            .where(_S.id == sub.id)
            .values(
                rows=_S.rows + plan.rows,
                accepted=_S.accepted + len(plan.writes),
                unchanged=_S.unchanged + plan.unchanged,
                refused=_S.refused + len(plan.refusals),
            )
        )

    @staticmethod
    async def _change(conn: AsyncConnection, rt: str, changed: list[tuple[VersionWrite, int]], now: datetime) -> int:
        """Answers how many items took their new version: all of `changed` in one statement (PostgreSQL: arrays
        joined with unnest; SQLite: executemany), each only if it is still at the version it was decided on."""
        rows = [
            (w.item_key, before, w.status, w.version, w.subject_code, w.content_hash, w.payload, w.decided_on,
             w.lag_working_days)
            for w, before in changed
        ]  # fmt: skip
        if conn.dialect.name == "postgresql":
            columns = zip(*rows, strict=True)
            arrays = {f"a_{name}": list(column) for name, column in zip(_CHANGE_COLUMNS, columns, strict=True)}
            arrays["a_payload"] = [json.dumps(payload, ensure_ascii=False) for payload in arrays["a_payload"]]
            result = await conn.execute(_CHANGE_ALL, {**arrays, "rt": rt, "now": now})
            return len(result.all())
        params = [{f"b_{name}": value for name, value in zip(_CHANGE_COLUMNS, row, strict=True)} for row in rows]
        result = await conn.execute(_CHANGE_ONE, [p | {"rt": rt, "now": now} for p in params])
        return int(result.rowcount)

    async def close_submission(self, submission_id: str, now: datetime) -> None:
        """Answers nothing; marks a submission finished."""
        async with self.engine.begin() as conn:
            await conn.execute(update(submissions).where(_S.id == submission_id).values(finished_at=now))

    async def unscanned(self, limit: int) -> list[tuple[int, str, dict[str, Any]]]:
        """Answers up to `limit` versions whose free text was not yet run through the detector, oldest first."""
        statement = (
            select(_V.id, _V.record_type, _V.payload).where(_V.personal_data.is_(None)).order_by(_V.id).limit(limit)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        return [(r[0], r[1], _payload(r[2])) for r in rows]

    async def note_scanned(self, found: dict[int, Sequence[str]]) -> None:
        """Answers nothing; notes per version the kinds of personal data found in its free text ('' for none)."""
        if not found:
            return
        async with self.engine.begin() as conn:
            await conn.execute(
                update(versions).where(_V.id == bindparam("vid")).values(personal_data=bindparam("kinds")),
                [{"vid": vid, "kinds": ",".join(sorted(set(kinds)))} for vid, kinds in found.items()],
            )

    async def history(self, record_type: str, item_key: str) -> list[VersionRow]:
        """Answers every version of one item, oldest first."""
        statement = select(versions).where(_V.record_type == record_type, _V.item_key == item_key).order_by(_V.version)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(statement)).mappings().all()
        return [
            VersionRow(
                r["version"],
                r["action"],
                r["reason"],
                _payload(r["payload"]),
                r["department"],
                r["client_id"],
                _utc(r["at"]),
                tuple(filter(None, (r["personal_data"] or "").split(","))),
            )
            for r in rows
        ]

    async def timed_items(self, since: date, until: date, departments: Iterable[str] | None = None) -> list[TimedItem]:
        """Answers the timing of every item decided from `since` to `until` (a department's, when named)."""
        statement = select(_I.department, _I.record_type, _I.decided_on, _I.received_at, _I.lag_working_days).where(
            _I.decided_on >= since, _I.decided_on <= until
        )
        if departments is not None:
            statement = statement.where(_I.department.in_(list(departments)))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        return [TimedItem(r[0], r[1], r[2], _utc(r[3]), r[4]) for r in rows]

    async def missing(self, since: date, until: date, departments: Iterable[str] | None = None) -> list[MissingItem]:
        """Answers the decisions of the span the collected source knows and does not publish: refused and never
        accepted since (REFUSED), and withdrawn and not published again (WITHDRAWN)."""
        landed = select(_I.item_key).where(and_(_I.record_type == _R.record_type, _I.item_key == _R.item_key))
        refused = (
            select(_R.department, _R.record_type, _R.item_key, func.min(_R.decided_on))
            .where(_R.item_key.is_not(None), _R.decided_on >= since, _R.decided_on <= until, ~landed.exists())
            .group_by(_R.department, _R.record_type, _R.item_key)
        )
        withdrawn = select(_I.department, _I.record_type, _I.item_key, _I.decided_on).where(
            _I.status == WITHDRAWN, _I.decided_on >= since, _I.decided_on <= until
        )
        if departments is not None:
            refused = refused.where(_R.department.in_(list(departments)))
            withdrawn = withdrawn.where(_I.department.in_(list(departments)))
        async with self.engine.connect() as conn:
            found = [MissingItem(r[0], r[1], r[2], r[3], REFUSED) for r in (await conn.execute(refused)).all()]
            found += [MissingItem(r[0], r[1], r[2], r[3], WITHDRAWN) for r in (await conn.execute(withdrawn)).all()]
        return found

    async def known_keys(self, record_type: str, keys: Sequence[str]) -> set[str]:
        """Answers which of `keys` the collected source holds an item of `record_type` for, in any state."""
        async with self.engine.connect() as conn:
            return set(await self._states(conn, record_type, keys))

    async def quality(self, departments: Iterable[str] | None = None) -> QualityRows:
        """Answers the counts the quality report is made of, per department and record type."""
        wanted = list(departments) if departments is not None else None
        subs = select(
            _S.department,
            _S.record_type,
            func.sum(_S.rows),
            func.sum(_S.accepted),
            func.sum(_S.unchanged),
            func.sum(_S.refused),
            func.count(),
        ).group_by(_S.department, _S.record_type)
        reasons = select(_R.department, _R.record_type, _R.reason_code, func.count()).group_by(
            _R.department, _R.record_type, _R.reason_code
        )
        actions = select(_V.department, _V.record_type, _V.action, func.count()).group_by(
            _V.department, _V.record_type, _V.action
        )
        flagged = (
            select(_V.department, _V.record_type, _V.personal_data, func.count())
            .where(_V.personal_data.is_not(None), _V.personal_data != "")
            .group_by(_V.department, _V.record_type, _V.personal_data)
        )
        current = select(_I.department, _I.record_type, _I.payload).where(_I.status == ACTIVE)
        if wanted is not None:
            subs = subs.where(_S.department.in_(wanted))
            reasons = reasons.where(_R.department.in_(wanted))
            actions = actions.where(_V.department.in_(wanted))
            flagged = flagged.where(_V.department.in_(wanted))
            current = current.where(_I.department.in_(wanted))
        out = QualityRows()
        async with self.engine.connect() as conn:
            for r in (await conn.execute(subs)).all():
                out.submissions[(r[0], r[1])] = (int(r[2] or 0), int(r[3] or 0), int(r[4] or 0), int(r[5] or 0), r[6])
            for r in (await conn.execute(reasons)).all():
                out.reasons[(r[0], r[1], r[2])] = r[3]
            for r in (await conn.execute(actions)).all():
                out.actions[(r[0], r[1], r[2])] = r[3]
            for r in (await conn.execute(flagged)).all():
                for kind in str(r[2]).split(","):
                    out.personal_data[(r[0], r[1], kind)] = out.personal_data.get((r[0], r[1], kind), 0) + r[3]
            stream = await conn.stream(current.execution_options(yield_per=2000))
            async for r in stream:
                filled = out.filled.setdefault((r[0], r[1]), {})
                out.items[(r[0], r[1])] = out.items.get((r[0], r[1]), 0) + 1
                for name, value in _payload(r[2]).items():
                    if value not in (None, ""):
                        filled[name] = filled.get(name, 0) + 1
        return out

    async def has_items(self) -> bool:
        """Answers whether anything was ever submitted."""
        async with self.engine.connect() as conn:
            return (await conn.scalar(select(_I.item_key).limit(1))) is not None


@dataclass(frozen=True, slots=True)
class MissingItem:
    """A decision known to the platform and not published by it: whose, which, decided when, and why it is known."""

    department: str
    record_type: str
    item_key: str
    decided_on: date | None
    why: str  # REFUSED, WITHDRAWN or AT_SOURCE (hub.collection.unpublished)


@dataclass
class QualityRows:
    """Counts per (department, record type): submissions, refusals by reason, actions, personal data, filled fields."""

    submissions: dict[tuple[str, str], tuple[int, int, int, int, int]] = field(default_factory=dict)
    reasons: dict[tuple[str, str, str], int] = field(default_factory=dict)
    actions: dict[tuple[str, str, str], int] = field(default_factory=dict)
    personal_data: dict[tuple[str, str, str], int] = field(default_factory=dict)
    items: dict[tuple[str, str], int] = field(default_factory=dict)
    filled: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
