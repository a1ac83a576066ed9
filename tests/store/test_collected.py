"""The collected store lands a chunk's changes of existing items in one statement, each conditional on its version."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.collected import (
    ACTIVE,
    WITHDRAWN,
    ChunkPlan,
    CollectedStore,
    Conflict,
    ItemState,
    Submission,
    VersionWrite,
)
from hub.store.collected_tables import items, versions

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
DECIDED = date(2026, 11, 18)
ITEMS = 300


def _write(n: int, version: int, status: str = ACTIVE, amount: int = 1000) -> VersionWrite:
    action = "submit" if version == 1 else ("withdraw" if status == WITHDRAWN else "correct")
    payload = {"decision_number": f"并税罚〔2026〕{n}号", "amount": str(amount), "note": "更正后内容"}
    return VersionWrite(
        f"key-{n:04d}", "91140100000000202H", version, action, status, None if version == 1 else "笔误",
        payload, f"hash-{n}-{amount}", DECIDED, NOW, 3, n + 2,
    )  # fmt: skip


async def _land(store: CollectedStore, sub: Submission, writes: list[VersionWrite]) -> ChunkPlan:
    def decide(states: dict[str, ItemState]) -> ChunkPlan:
        return ChunkPlan(writes=list(writes), rows=len(writes))

    return await store.land(sub, [w.item_key for w in writes], decide, NOW)


async def test_many_corrections_and_a_withdrawal_land_at_once_with_their_history(engine: AsyncEngine) -> None:
    store = CollectedStore(engine)
    first, second = (Submission(f"sub-{n}", "tax", "tax-client", "penalty", "f.csv") for n in (1, 2))
    for sub in (first, second):
        await store.open_submission(sub, NOW)
    await _land(store, first, [_write(n, 1) for n in range(ITEMS)])
    changes = [_write(n, 2, amount=2000) for n in range(1, ITEMS)] + [_write(0, 2, status=WITHDRAWN, amount=9)]
    await _land(store, second, changes)
    async with engine.connect() as conn:
        rows = {r.item_key: r for r in (await conn.execute(select(items))).all()}
        counted = await conn.scalar(select(func.count()).select_from(versions))
    assert counted == 2 * ITEMS, "every version is kept"
    corrected = rows["key-0007"]
    assert (corrected.version, corrected.status, corrected.content_hash) == (2, ACTIVE, "hash-7-2000")
    assert (corrected.payload["amount"], corrected.payload["note"]) == ("2000", "更正后内容")
    withdrawn = rows["key-0000"]
    assert (withdrawn.version, withdrawn.status) == (2, WITHDRAWN)
    assert (withdrawn.content_hash, withdrawn.payload["amount"]) == ("hash-0-1000", "1000"), "fields kept"
    history = await store.history("penalty", "key-0007")
    assert [(v.version, v.action, v.reason) for v in history] == [(1, "submit", None), (2, "correct", "笔误")]


async def test_a_change_decided_on_a_stale_version_conflicts_and_writes_nothing(engine: AsyncEngine) -> None:
    store = CollectedStore(engine)
    sub = Submission("sub-1", "tax", "tax-client", "penalty", "f.csv")
    await store.open_submission(sub, NOW)
    await _land(store, sub, [_write(n, 1) for n in range(3)])
    await _land(store, sub, [_write(1, 2, amount=2000)])
    # version 3 of key-0001 is free in the history, so only the items' version condition can catch it
    stale = [_write(0, 2, amount=3000), _write(1, 3, amount=3000), _write(2, 2, amount=3000)]

    def decide(states: dict[str, ItemState]) -> ChunkPlan:
        states["key-0001"] = ItemState("key-0001", ACTIVE, 1, "hash-1-1000", NOW, 3)  # as read before the change
        return ChunkPlan(writes=stale, rows=3)

    with pytest.raises(Conflict):
        await store.land(sub, ["key-0000", "key-0001", "key-0002"], decide, NOW)
    async with engine.connect() as conn:
        found = {r.item_key: (r.version, r.content_hash) for r in (await conn.execute(select(items))).all()}
    assert found == {"key-0000": (1, "hash-0-1000"), "key-0001": (2, "hash-1-2000"), "key-0002": (1, "hash-2-1000")}
