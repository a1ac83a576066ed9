"""When the writer signs a checkpoint: each time seq crosses a multiple of K, or T seconds went by."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from hub.audit.checkpoints import CheckpointSigner
from hub.audit.witness import DirectoryWitness
from hub.store.audit_rows import CheckpointRow, EventRow


@dataclass(frozen=True, slots=True)
class CheckpointPolicy:
    """Checkpoint every `every_events` events (seq multiples, the same in every worker) or seconds."""

    every_events: int = 1000
    every_seconds: float = 60.0

    def __post_init__(self) -> None:
        if self.every_events < 1 or self.every_seconds <= 0:
            raise ValueError("checkpoint policy needs every_events >= 1 and every_seconds > 0")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Checkpointer:
    """Signs checkpoints for one writer according to a policy; it keeps per-process timing only."""

    def __init__(
        self,
        signer: CheckpointSigner,
        policy: CheckpointPolicy | None = None,
        clock: Callable[[], datetime] = _utc_now,
        witness: DirectoryWitness | None = None,
    ) -> None:
        self.signer = signer
        self.witness = witness
        self.policy = policy or CheckpointPolicy()
        self._clock = clock
        self._last_signed = time.monotonic()
        self._not_before = 0.0
        self._unanchored = False

    def for_batch(self, first_seq: int, last: EventRow) -> CheckpointRow | None:
        """Answers the checkpoint to commit with a batch spanning first_seq..last.seq, if one is due."""
        every = self.policy.every_events
        crossed = (first_seq - 1) // every != last.seq // every
        if crossed or self.due_in() == 0.0:
            return self.sign(last)
        return None

    def sign(self, event: EventRow) -> CheckpointRow:
        """Answers a checkpoint over the committed or committing `event`."""
        return self.signer.sign(event.seq, event.hash, event.event_id, self._clock())

    def committed(self, checkpoint: CheckpointRow | None) -> None:
        """Answers nothing; records that a batch (with or without a checkpoint) is durable."""
        if checkpoint is None:
            self._unanchored = True
        else:
            self._last_signed = time.monotonic()
            self._unanchored = False
            if self.witness is not None:
                self.witness.publish(checkpoint)

    def settled(self) -> None:
        """Answers nothing; records that there is nothing left to anchor."""
        self._unanchored = False

    def retry_later(self, seconds: float) -> None:
        """Answers nothing; holds time-based checkpoints back for `seconds` after a store failure."""
        self._not_before = time.monotonic() + seconds

    def due_in(self) -> float | None:
        """Answers seconds until a time-based checkpoint is due, 0.0 if overdue, None if nothing to anchor."""
        if not self._unanchored:
            return None
        now = time.monotonic()
        return max(0.0, self.policy.every_seconds - (now - self._last_signed), self._not_before - now)
