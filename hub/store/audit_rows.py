"""Plain records the audit repository reads and writes; no SQLAlchemy, so hub.audit may import them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

GENESIS_HASH = "0" * 64
# Columns the database derives from an event's body (generated columns, migration 0004): read, never written.
DERIVED_EVENT_COLUMNS = ("case_number", "concealed_case")


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The newest link of the chain (or the genesis/anchor values when the chain is empty)."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class EventRow:
    """One stored audit event: the canonical body, its chain link and the columns derived from it.

    `case_number` is the case the operation named; `concealed_case` the same number when the
    subjects' access logs hide the event until that case closes. The database derives both.
    """

    seq: int
    event_id: str
    type: str
    at: datetime
    client_id: str | None
    org: str | None
    department: str | None
    operator: str | None
    purpose: str | None
    outcome: str
    body: str
    prev_hash: str
    hash: str
    case_number: str | None = None
    concealed_case: str | None = None


@dataclass(frozen=True, slots=True)
class SubjectRow:
    """One subject an event touched, by keyed hash, with the date its access may be shown to it."""

    seq: int
    subject_key: str
    concealed_until: date | None


@dataclass(frozen=True, slots=True)
class CheckpointRow:
    """A signed statement that the chain had `hash` at `seq` (the event `event_id`) at time `at`."""

    seq: int
    hash: str
    event_id: str
    at: datetime
    key_id: str
    public_key: str
    signature: str


@dataclass(frozen=True, slots=True)
class Batch:
    """What one group commit adds: events, their subject index rows and perhaps a checkpoint."""

    events: tuple[EventRow, ...]
    subjects: tuple[SubjectRow, ...]
    checkpoint: CheckpointRow | None = None


@dataclass(frozen=True, slots=True)
class ClosedCaseRow:
    """A case its department closed: accesses it concealed until then show in subjects' access logs."""

    department: str
    case_number: str
    closed_at: datetime


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Filters over the register, newest first below `before_seq`; None means no filter.

    `visible_on` (a local date) keeps only what the subject may see then: entries whose concealment
    date has come, or whose case was closed by `visible_at`. `exclude_actor` leaves out what a
    subject did itself (events without a department whose organisation is that code).
    """

    limit: int = 50
    before_seq: int | None = None
    subject_key: str | None = None
    client_id: str | None = None
    org: str | None = None
    department: str | None = None
    operator: str | None = None
    purpose: str | None = None
    outcome: str | None = None
    type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    exclude_purposes: tuple[str, ...] = ()
    visible_on: date | None = None
    visible_at: datetime | None = None
    case_number: str | None = None
    exclude_actor: str | None = None
    event_id: str | None = None  # one event, by its id (a receipt another hub handed out names it)
