"""Retention: never under three years; pruning whole segments up to a checkpoint keeps the chain verifiable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.audit.cadence import Checkpointer, CheckpointPolicy
from hub.audit.checkpoints import CheckpointSigner
from hub.audit.retention import RetentionPolicy, prune, retention_cutoff
from hub.audit.verify import verify_chain
from hub.audit.writer import AuditWriter
from hub.errors import ConfigError
from hub.store.audit_repo import AuditRepository
from tests.audit.support import SECRET, event, tamper

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)  # a fixed instant: every clock the tests use is injected
LONG_AGO = NOW - timedelta(days=5 * 365)


async def _append(repo: AuditRepository, signer: CheckpointSigner, n: int, at: datetime) -> None:
    checkpointer = Checkpointer(signer, CheckpointPolicy(every_events=10, every_seconds=3600), clock=lambda: at)
    async with AuditWriter(repo, secret=SECRET, checkpointer=checkpointer) as writer:
        for _ in range(n):
            await writer.append(event(at=at))


def test_retention_shorter_than_three_years_is_refused() -> None:
    with pytest.raises(ConfigError, match="below the legal minimum"):
        RetentionPolicy(2)
    assert RetentionPolicy(5).years == 5


def test_the_cutoff_is_calendar_years_back() -> None:
    assert retention_cutoff(datetime(2028, 2, 29, tzinfo=UTC), 3) == datetime(2025, 2, 28, tzinfo=UTC)
    assert retention_cutoff(datetime(2027, 6, 1, tzinfo=UTC), 3) == datetime(2024, 6, 1, tzinfo=UTC)


async def test_pruning_keeps_the_rest_of_the_chain_verifiable(repo: AuditRepository, tmp_path: Path) -> None:
    signer = CheckpointSigner.load_or_create(tmp_path / "key.pem")
    await _append(repo, signer, 20, LONG_AGO)
    await _append(repo, signer, 15, NOW)
    result = await prune(repo, RetentionPolicy(), NOW)
    assert (result.pruned_events, result.anchor_seq) == (20, 20)
    report = await verify_chain(repo, trusted_keys=[signer.public_key], secret=SECRET, now=NOW)
    assert report.verified
    assert report.anchor_seq == 20
    assert report.events_checked == 15
    await _append(repo, signer, 3, NOW)
    assert (await verify_chain(repo, now=NOW)).last_seq == 38


async def test_nothing_younger_than_the_retention_is_pruned(repo: AuditRepository, tmp_path: Path) -> None:
    signer = CheckpointSigner.load_or_create(tmp_path / "key.pem")
    await _append(repo, signer, 20, NOW - timedelta(days=2 * 365))
    result = await prune(repo, RetentionPolicy(), NOW)
    assert (result.pruned_events, result.anchor_seq) == (0, None)
    assert len(await repo.event_page(0, 100)) == 20


async def test_a_fully_pruned_chain_continues_from_its_anchor(repo: AuditRepository, tmp_path: Path) -> None:
    signer = CheckpointSigner.load_or_create(tmp_path / "key.pem")
    await _append(repo, signer, 12, LONG_AGO)  # checkpoints at 10 and 12 (on stop)
    assert (await prune(repo, RetentionPolicy(), NOW)).anchor_seq == 12
    assert (await verify_chain(repo, now=NOW)).verified
    await _append(repo, signer, 4, NOW)
    report = await verify_chain(repo, now=NOW)
    assert report.verified
    assert report.anchor_seq == 12
    assert report.last_seq == 16


async def test_a_premature_prune_is_named(repo: AuditRepository, tmp_path: Path) -> None:
    signer = CheckpointSigner.load_or_create(tmp_path / "key.pem")
    await _append(repo, signer, 25, NOW)
    await repo.prune(10)  # the privileged path used out of policy
    assert (await verify_chain(repo)).verified
    report = await verify_chain(repo, now=NOW)
    assert (report.verified, report.reason, report.first_bad_seq) == (False, "pruned before retention", 10)


async def test_events_deleted_below_a_remaining_checkpoint_are_a_gap(
    repo: AuditRepository, audit_url: str, tmp_path: Path
) -> None:
    signer = CheckpointSigner.load_or_create(tmp_path / "key.pem")
    await _append(repo, signer, 25, LONG_AGO)
    await tamper(audit_url, "DELETE FROM audit_events WHERE seq <= 20")  # checkpoint 10 stays behind
    report = await verify_chain(repo, now=NOW)
    assert (report.verified, report.reason) == (False, "gap")
