"""Retention: whole segments older than the period (never under three years) go, up to a checkpoint.

The checkpoint the pruned segment ends at stays and becomes the anchor the remaining chain starts
from, so `verify` still checks every remaining link. Deleting needs the privileged path described in
hub.store.audit_repo.AuditRepository.prune (PostgreSQL: `credit_hub.audit_prune = 'on'`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.audit.ports import AuditStore
from hub.errors import ConfigError

MIN_RETENTION_YEARS = 3


def retention_cutoff(now: datetime, years: int) -> datetime:
    """Answers the instant `years` calendar years before `now` (29 February falls back to the 28th)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long the register is kept; shorter than three years is refused."""

    years: int = MIN_RETENTION_YEARS

    def __post_init__(self) -> None:
        if self.years < MIN_RETENTION_YEARS:
            raise ConfigError(
                f"audit retention of {self.years} years is below the legal minimum",
                place="audit retention",
                fix=f"use {MIN_RETENTION_YEARS} years or more",
            )


@dataclass(frozen=True, slots=True)
class PruneResult:
    """What a prune did: events removed, the new anchor checkpoint's seq, and the cutoff used."""

    pruned_events: int
    anchor_seq: int | None
    cutoff: datetime


async def prune(store: AuditStore, policy: RetentionPolicy, now: datetime) -> PruneResult:
    """Answers what was pruned: every event up to the newest checkpoint older than the retention cutoff."""
    cutoff = retention_cutoff(now, policy.years)
    eligible = [cp for cp in await store.checkpoints() if cp.at <= cutoff]
    while eligible:
        anchor = eligible.pop()
        event = await store.event_page(anchor.seq - 1, 1)
        if event and event[0].seq == anchor.seq and event[0].at <= cutoff:
            return PruneResult(await store.prune(anchor.seq), anchor.seq, cutoff)
    return PruneResult(0, None, cutoff)
