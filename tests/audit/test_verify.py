"""Verify names every kind of tampering: edit, delete, reorder, deleted tail, forged checkpoints.
Each tamper is first tried plainly (the append-only triggers refuse it), then forced."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from hub.audit.cadence import Checkpointer, CheckpointPolicy
from hub.audit.chain import link_hash
from hub.audit.checkpoints import CheckpointSigner, export_lines, parse_lines
from hub.audit.verify import IntegrityReport, verify_chain
from hub.audit.writer import AuditWriter
from hub.store.audit_repo import AuditRepository
from tests.audit.support import SECRET, event, execute, tamper


async def _chain(repo: AuditRepository, key: Path, n: int = 30) -> CheckpointSigner:
    signer = CheckpointSigner.load_or_create(key)
    checkpointer = Checkpointer(signer, CheckpointPolicy(every_events=10, every_seconds=3600))
    async with AuditWriter(repo, secret=SECRET, checkpointer=checkpointer) as writer:
        for _ in range(n // 5):
            await asyncio.gather(*(writer.append(event()) for _ in range(5)))
    return signer


async def _event_id(repo: AuditRepository, seq: int) -> str:
    return (await repo.event_page(seq - 1, 1))[0].event_id


async def _refused_then_forced(url: str, *statements: str) -> None:
    with pytest.raises(DBAPIError):
        await execute(url, *statements)
    await tamper(url, *statements)


def _broken(report: IntegrityReport, seq: int, reason: str) -> None:
    assert not report.verified
    assert (report.first_bad_seq, report.reason) == (seq, reason), report


async def test_an_untouched_chain_verifies_page_by_page(repo: AuditRepository, tmp_path: Path) -> None:
    signer = await _chain(repo, tmp_path / "key.pem")
    report = await verify_chain(repo, trusted_keys=[signer.public_key], secret=SECRET, page_size=4)
    assert report.verified
    assert report.events_checked == 30
    assert report.checkpoints_checked == 3


async def test_an_edited_body_is_a_hash_mismatch(repo: AuditRepository, audit_url: str, tmp_path: Path) -> None:
    await _chain(repo, tmp_path / "key.pem")
    await _refused_then_forced(
        audit_url, "UPDATE audit_events SET body = replace(body, 'loan-officer-7', 'x') WHERE seq = 5"
    )
    report = await verify_chain(repo)
    _broken(report, 5, "hash mismatch")
    assert report.first_bad_event_id == await _event_id(repo, 5)


async def test_an_edited_column_is_a_hash_mismatch(repo: AuditRepository, audit_url: str, tmp_path: Path) -> None:
    await _chain(repo, tmp_path / "key.pem")
    await _refused_then_forced(audit_url, "UPDATE audit_events SET org = '91000000000000000X' WHERE seq = 7")
    _broken(await verify_chain(repo), 7, "hash mismatch")


async def test_a_rewritten_row_with_a_fresh_hash_is_named(
    repo: AuditRepository, audit_url: str, tmp_path: Path
) -> None:
    await _chain(repo, tmp_path / "key.pem")
    row = (await repo.event_page(3, 1))[0]
    body = row.body.replace("loan-officer-7", "someone-else")
    await tamper(
        audit_url,
        "UPDATE audit_events SET body = :body, operator = 'someone-else', hash = :hash WHERE seq = 4",
        params={"body": body, "hash": link_hash(row.prev_hash, body, 4)},
    )
    _broken(await verify_chain(repo), 4, "hash mismatch")


async def test_a_deleted_row_is_a_gap(repo: AuditRepository, audit_url: str, tmp_path: Path) -> None:
    await _chain(repo, tmp_path / "key.pem")
    await _refused_then_forced(audit_url, "DELETE FROM audit_events WHERE seq = 12")
    report = await verify_chain(repo)
    _broken(report, 13, "gap")
    assert report.first_bad_event_id == await _event_id(repo, 13)


async def test_reordered_rows_are_named(repo: AuditRepository, audit_url: str, tmp_path: Path) -> None:
    await _chain(repo, tmp_path / "key.pem")
    await _refused_then_forced(
        audit_url,
        "UPDATE audit_events SET seq = -1 WHERE seq = 15",
        "UPDATE audit_events SET seq = 15 WHERE seq = 16",
        "UPDATE audit_events SET seq = 16 WHERE seq = -1",
    )
    _broken(await verify_chain(repo), 15, "order")


async def test_a_deleted_tail_is_named(repo: AuditRepository, audit_url: str, tmp_path: Path) -> None:
    await _chain(repo, tmp_path / "key.pem")
    await _refused_then_forced(audit_url, "DELETE FROM audit_events WHERE seq >= 25")
    report = await verify_chain(repo)
    _broken(report, 30, "tail missing")
    assert report.events_checked == 24
    assert report.first_bad_event_id is not None


async def test_a_tail_deleted_with_its_checkpoints_is_caught_by_the_published_ones(
    repo: AuditRepository, audit_url: str, tmp_path: Path
) -> None:
    signer = await _chain(repo, tmp_path / "key.pem")
    published = parse_lines(export_lines(await repo.checkpoints()))
    await tamper(audit_url, "DELETE FROM audit_events WHERE seq >= 15", "DELETE FROM audit_checkpoints WHERE seq >= 20")
    assert (await verify_chain(repo)).verified  # nothing inside the database can tell
    report = await verify_chain(repo, published=published, trusted_keys=[signer.public_key])
    _broken(report, 20, "tail missing")


async def test_a_replaced_tail_mismatches_the_last_checkpoint(
    repo: AuditRepository, audit_url: str, tmp_path: Path
) -> None:
    await _chain(repo, tmp_path / "key.pem")
    await tamper(audit_url, "DELETE FROM audit_events WHERE seq >= 25", "DELETE FROM audit_subjects WHERE seq >= 25")
    async with AuditWriter(repo, secret=SECRET) as writer:
        for _ in range(8):
            await writer.append(event())
    _broken(await verify_chain(repo), 30, "tail missing")


async def test_an_altered_checkpoint_has_a_bad_signature(repo: AuditRepository, audit_url: str, tmp_path: Path) -> None:
    await _chain(repo, tmp_path / "key.pem")
    await _refused_then_forced(audit_url, "UPDATE audit_checkpoints SET hash = event_id WHERE seq = 20")
    _broken(await verify_chain(repo), 20, "bad checkpoint signature")


async def test_a_checkpoint_signed_by_another_key_is_refused(
    repo: AuditRepository, audit_url: str, tmp_path: Path
) -> None:
    await _chain(repo, tmp_path / "key.pem")
    forger = CheckpointSigner.load_or_create(tmp_path / "forger.pem")
    assert (await verify_chain(repo, trusted_keys=[forger.public_key])).reason == "bad checkpoint signature"


async def test_a_deleted_subject_index_row_is_an_index_mismatch(
    repo: AuditRepository, audit_url: str, tmp_path: Path
) -> None:
    await _chain(repo, tmp_path / "key.pem")
    await _refused_then_forced(audit_url, "DELETE FROM audit_subjects WHERE seq = 9")
    assert (await verify_chain(repo)).verified  # the chain itself is intact ...
    _broken(await verify_chain(repo, secret=SECRET), 9, "index mismatch")  # ... its index is not
