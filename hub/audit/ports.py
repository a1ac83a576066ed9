"""What hub.audit needs from a storage backend (hub.store.audit_repo.AuditRepository provides it)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Protocol

from hub.store.audit_rows import Batch, ChainHead, CheckpointRow, EventQuery, EventRow, SubjectRow


class AuditStore(Protocol):
    """The register's storage: chain extension under a database lock, and reads."""

    async def extend(self, build: Callable[[ChainHead], Batch]) -> Batch:
        """Answers the batch `build` made from the chain head, committed durably under the chain lock."""
        ...

    async def writable(self) -> None:
        """Answers nothing; raises when the register could not take a batch now (unreachable or write-locked)."""
        ...

    async def head_event(self) -> EventRow | None:
        """Answers the newest stored event, if any."""
        ...

    async def add_checkpoint(self, checkpoint: CheckpointRow) -> None:
        """Answers nothing; stores a checkpoint unless one for that seq exists."""
        ...

    async def event_page(self, after_seq: int, limit: int) -> list[EventRow]:
        """Answers up to `limit` events with seq > after_seq, oldest first."""
        ...

    async def subject_rows(self, first_seq: int, last_seq: int) -> list[SubjectRow]:
        """Answers the subject index rows for seq in [first_seq, last_seq]."""
        ...

    async def checkpoints(self) -> list[CheckpointRow]:
        """Answers every stored checkpoint, by seq."""
        ...

    async def search(self, query: EventQuery) -> list[EventRow]:
        """Answers the events matching `query`, newest first."""
        ...

    async def case_closures(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], datetime]:
        """Answers (department, case number) -> closed_at for those of `keys` that are closed."""
        ...

    async def prune(self, through_seq: int) -> int:
        """Answers how many events were deleted: all with seq <= through_seq, and older checkpoints."""
        ...
