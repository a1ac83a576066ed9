"""Checkpoint keys, signatures, the JSON lines export, and the writer's checkpoint cadence."""

from __future__ import annotations

import json
import stat
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from hub.audit.cadence import Checkpointer, CheckpointPolicy
from hub.audit.checkpoints import CheckpointSigner, export_lines, load_public_key, parse_lines, signature_valid
from hub.store.audit_rows import EventRow

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _row(seq: int) -> EventRow:
    return EventRow(seq, f"id-{seq}", "query", AT, None, None, None, None, None, "ok", "{}", "0" * 64, "f" * 64)


def test_a_key_is_created_once_with_owner_only_rights(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "checkpoint.pem"
    first = CheckpointSigner.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert CheckpointSigner.load_or_create(path).key_id == first.key_id
    assert list(path.parent.iterdir()) == [path]


def test_signatures_cover_every_signed_field(tmp_path: Path) -> None:
    signer = CheckpointSigner.load_or_create(tmp_path / "k.pem")
    row = signer.sign(10, "a" * 64, "id-10", AT)
    assert signature_valid(row, signer.public_key)
    forgeries = [replace(row, seq=11), replace(row, hash="b" * 64), replace(row, event_id="x"),
                 replace(row, at=datetime.now(UTC)), replace(row, signature=row.signature[:-4] + "AAA=")]  # fmt: skip
    assert not any(signature_valid(forged, signer.public_key) for forged in forgeries)
    other = CheckpointSigner.load_or_create(tmp_path / "other.pem")
    assert not signature_valid(row, other.public_key)


def test_export_lines_round_trip_with_the_public_key(tmp_path: Path) -> None:
    signer = CheckpointSigner.load_or_create(tmp_path / "k.pem")
    rows = [signer.sign(seq, "c" * 64, f"id-{seq}", AT) for seq in (10, 20)]
    lines = list(export_lines(rows))
    assert json.loads(lines[0])["public_key"] == signer.public_key
    assert json.loads(lines[0])["alg"] == "Ed25519"
    assert parse_lines(lines) == rows
    with pytest.raises(ValueError, match="line 2"):
        parse_lines([lines[0], "{not json"])


def test_public_keys_load_from_private_or_public_pem(tmp_path: Path) -> None:
    signer = CheckpointSigner.load_or_create(tmp_path / "k.pem")
    public = serialization.load_pem_private_key((tmp_path / "k.pem").read_bytes(), None).public_key()
    (tmp_path / "pub.pem").write_bytes(
        public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert load_public_key(tmp_path / "k.pem") == load_public_key(tmp_path / "pub.pem") == signer.public_key


def test_cadence_signs_when_seq_crosses_a_multiple_or_time_runs_out(tmp_path: Path) -> None:
    signer = CheckpointSigner.load_or_create(tmp_path / "k.pem")
    cadence = Checkpointer(signer, CheckpointPolicy(every_events=10, every_seconds=3600), clock=lambda: AT)
    assert cadence.for_batch(1, _row(9)) is None
    cadence.committed(None)
    assert cadence.due_in() == pytest.approx(3600, abs=5)
    signed = cadence.for_batch(10, _row(12))
    assert signed is not None
    assert signed.seq == 12
    assert signed.at == AT
    cadence.committed(signed)
    assert cadence.due_in() is None
    quick = Checkpointer(signer, CheckpointPolicy(every_events=10, every_seconds=0.001))
    quick.committed(None)
    time.sleep(0.01)
    assert quick.due_in() == 0.0
    assert quick.for_batch(2, _row(3)) is not None
    with pytest.raises(ValueError, match="every_events"):
        CheckpointPolicy(every_events=0)
