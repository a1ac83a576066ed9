"""Walks the whole chain page by page against the signed checkpoints and names the first bad event."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from hub.audit import tamper
from hub.audit.chain import GENESIS_HASH, link_hash
from hub.audit.checkpoints import signature_valid
from hub.audit.ports import AuditStore
from hub.audit.tamper import ChainBroken
from hub.store.audit_rows import CheckpointRow, EventRow


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    """The outcome of a verification: counts, and the first broken event with the reason."""

    verified: bool
    events_checked: int
    checkpoints_checked: int = 0
    last_seq: int = 0
    anchor_seq: int = 0
    first_bad_event_id: str | None = None
    first_bad_seq: int | None = None
    reason: str | None = None
    detail: str | None = None


async def verify_chain(
    store: AuditStore,
    *,
    trusted_keys: Collection[str] = (),
    published: Sequence[CheckpointRow] = (),
    secret: str | None = None,
    now: datetime | None = None,
    page_size: int = 1000,
) -> IntegrityReport:
    """Answers whether the stored chain is intact, checked against stored and published checkpoints.

    `trusted_keys` (base64 raw Ed25519) and the keys of `published` checkpoints are the only keys
    accepted when any is given; otherwise each checkpoint is checked against its own key. `secret`
    adds a check of the subject index; `now` adds the three-year minimum retention check.
    """
    stored = await store.checkpoints()
    walk = _Walk(store, stored, list(published), secret, now, page_size)
    try:
        _check_signatures([*stored, *published], {*trusted_keys, *(cp.public_key for cp in published)})
        await walk.run()
    except ChainBroken as bad:
        return replace(
            walk.report(False),
            first_bad_seq=bad.seq,
            first_bad_event_id=bad.event_id,
            reason=bad.reason,
            detail=bad.detail,
        )
    return walk.report(True)


def _check_signatures(checkpoints: list[CheckpointRow], trusted: set[str]) -> None:
    for cp in sorted(checkpoints, key=lambda row: row.seq):
        key_ok = not trusted or cp.public_key in trusted
        if not key_ok or not signature_valid(cp, cp.public_key):
            raise ChainBroken(cp.seq, cp.event_id, tamper.BAD_SIGNATURE, f"checkpoint at seq {cp.seq}")


class _Walk:
    def __init__(
        self,
        store: AuditStore,
        stored: list[CheckpointRow],
        published: list[CheckpointRow],
        secret: str | None,
        now: datetime | None,
        page_size: int,
    ) -> None:
        self.store, self.stored, self.secret, self.now, self.page_size = store, stored, secret, now, page_size
        self.expected: dict[int, list[CheckpointRow]] = {}
        for cp in [*stored, *published]:
            self.expected.setdefault(cp.seq, []).append(cp)
        self.last_cp_seq = max(self.expected, default=0)
        self.checked = self.cp_checked = self.anchor = 0
        self.last_seq = 0
        self.prev_hash = GENESIS_HASH
        self.previous: EventRow | None = None

    def report(self, ok: bool) -> IntegrityReport:
        return IntegrityReport(ok, self.checked, self.cp_checked, self.last_seq, self.anchor)

    async def run(self) -> None:
        page = await self.store.event_page(0, self.page_size)
        self._anchor_at(page[0] if page else None)
        while page:
            await self._check_page(page)
            page = await self.store.event_page(page[-1].seq, self.page_size)
        beyond = [cp for group in self.expected.values() for cp in group if cp.seq > self.last_seq]
        if beyond:
            cp = min(beyond, key=lambda row: row.seq)
            raise ChainBroken(
                cp.seq,
                cp.event_id,
                tamper.TAIL_MISSING,
                f"chain ends at seq {self.last_seq}; a checkpoint signs seq {cp.seq}",
            )

    def _anchor_at(self, first: EventRow | None) -> None:
        anchor = tamper.find_anchor(first, self.stored, self.now)
        if anchor is not None:
            self.anchor = self.last_seq = anchor.seq
            self.prev_hash = anchor.hash
            for cp in self.expected.pop(anchor.seq, []):
                self.cp_checked += 1
                if cp.hash != anchor.hash:
                    raise ChainBroken(cp.seq, cp.event_id, tamper.CHECKPOINT_MISMATCH, "anchor differs")
        for seq in [seq for seq in self.expected if seq < self.anchor]:
            del self.expected[seq]  # published before a legitimate prune

    async def _check_page(self, page: list[EventRow]) -> None:
        subjects = await self.store.subject_rows(page[0].seq, page[-1].seq) if self.secret else []
        index = tamper.subject_index_by_seq(subjects)
        for row in page:
            data = self._check_row(row)
            if self.secret is not None:
                tamper.check_subjects(row, data, index.get(row.seq, set()), self.secret)
            self._check_checkpoints(row)
            self.checked += 1
            self.previous, self.prev_hash, self.last_seq = row, row.hash, row.seq

    def _check_row(self, row: EventRow) -> dict[str, Any]:
        if row.seq != self.last_seq + 1:
            raise ChainBroken(row.seq, row.event_id, tamper.GAP, f"seq {self.last_seq + 1} to {row.seq - 1} missing")
        if link_hash(self.prev_hash, row.body, row.seq) == row.hash and row.prev_hash == self.prev_hash:
            return tamper.check_columns(row)
        origin = tamper.moved_from(row)
        if origin is not None:
            raise ChainBroken(row.seq, row.event_id, tamper.ORDER, f"row was made for seq {origin}")
        if self.previous is not None and link_hash(row.prev_hash, row.body, row.seq) == row.hash:
            prev = self.previous  # this row is intact: the one before it was rewritten with a new hash
            raise ChainBroken(prev.seq, prev.event_id, tamper.HASH_MISMATCH, "rewritten; next link broken")
        raise ChainBroken(row.seq, row.event_id, tamper.HASH_MISMATCH, "content differs from its hash")

    def _check_checkpoints(self, row: EventRow) -> None:
        for cp in self.expected.pop(row.seq, []):
            self.cp_checked += 1
            if cp.hash != row.hash or cp.event_id != row.event_id:
                reason = tamper.TAIL_MISSING if cp.seq == self.last_cp_seq else tamper.CHECKPOINT_MISMATCH
                raise ChainBroken(row.seq, row.event_id, reason, f"chain differs from checkpoint at seq {cp.seq}")
