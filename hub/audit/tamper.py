"""The kinds of tampering verify names, and the checks that tell them apart."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from hub.audit.chain import index_columns, link_hash, subject_index
from hub.audit.retention import retention_cutoff
from hub.store.audit_rows import CheckpointRow, EventRow, SubjectRow

HASH_MISMATCH = "hash mismatch"
GAP = "gap"
ORDER = "order"
TAIL_MISSING = "tail missing"
BAD_SIGNATURE = "bad checkpoint signature"
CHECKPOINT_MISMATCH = "checkpoint mismatch"
INDEX_MISMATCH = "index mismatch"
PREMATURE_PRUNE = "pruned before retention"

ORDER_WINDOW = 2048


class ChainBroken(Exception):
    """The first bad event found: its seq, id (when known), the reason and a detail without personal data."""

    def __init__(self, seq: int, event_id: str | None, reason: str, detail: str) -> None:
        super().__init__(reason)
        self.seq, self.event_id, self.reason, self.detail = seq, event_id, reason, detail


def find_anchor(first: EventRow | None, stored: list[CheckpointRow], now: datetime | None) -> CheckpointRow | None:
    """Answers the checkpoint a pruned chain starts from (None: from genesis), or raises ChainBroken."""
    if first is not None and first.seq == 1:
        return None
    if first is None:
        if not stored:
            return None
        anchor = stored[-1]
    else:
        candidates = [cp for cp in stored if cp.seq == first.seq - 1]
        if not candidates:
            raise ChainBroken(first.seq, first.event_id, GAP, f"events before seq {first.seq} missing")
        anchor = candidates[0]
    if any(cp.seq < anchor.seq for cp in stored):
        raise ChainBroken(anchor.seq, anchor.event_id, GAP, "events deleted below a remaining checkpoint")
    if now is not None and anchor.at > retention_cutoff(now, 3):
        raise ChainBroken(anchor.seq, anchor.event_id, PREMATURE_PRUNE, f"chain starts after seq {anchor.seq}")
    return anchor


def moved_from(row: EventRow, window: int = ORDER_WINDOW) -> int | None:
    """Answers the seq a row's own hash was made for, when that is another seq nearby (a moved row)."""
    for seq in range(max(1, row.seq - window), row.seq + window + 1):
        if seq != row.seq and link_hash(row.prev_hash, row.body, seq) == row.hash:
            return seq
    return None


def check_columns(row: EventRow) -> dict[str, Any]:
    """Answers the parsed body; raises ChainBroken when a searchable column differs from the body."""
    try:
        data: dict[str, Any] = json.loads(row.body)
        derived = index_columns(data)
    except (ValueError, KeyError, TypeError):
        raise ChainBroken(row.seq, row.event_id, HASH_MISMATCH, "body is not an event") from None
    for name, value in derived.items():
        if getattr(row, name) != value:
            raise ChainBroken(row.seq, row.event_id, HASH_MISMATCH, f"column {name} differs from the body")
    return data


def subject_index_by_seq(rows: Iterable[SubjectRow]) -> dict[int, set[tuple[str, date | None]]]:
    """Answers the stored subject index grouped by event seq."""
    grouped: dict[int, set[tuple[str, date | None]]] = {}
    for row in rows:
        grouped.setdefault(row.seq, set()).add((row.subject_key, row.concealed_until))
    return grouped


def check_subjects(row: EventRow, data: dict[str, Any], stored: set[tuple[str, date | None]], secret: str) -> None:
    """Answers nothing; raises ChainBroken when the subject index of an event differs from its body."""
    if set(subject_index(secret, data).items()) != stored:
        raise ChainBroken(row.seq, row.event_id, INDEX_MISMATCH, "subject index differs from the body")
