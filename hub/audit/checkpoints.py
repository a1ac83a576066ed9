"""Signed checkpoints: Ed25519 over (seq, hash, event id, time), exportable as JSON lines."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hub.audit.events import canonical_json
from hub.identity.secret_file import create_once
from hub.store.audit_rows import CheckpointRow

_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def checkpoint_message(seq: int, hash_: str, event_id: str, at: datetime) -> bytes:
    """Answers the exact bytes a checkpoint signature covers."""
    return canonical_json({"seq": seq, "hash": hash_, "event_id": event_id, "at": _iso(at)}).encode()


def key_id(public_key: str) -> str:
    """Answers the short identifier of a base64 raw Ed25519 public key."""
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:16]


def _public_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(*_RAW)).decode()


class CheckpointSigner:
    """Signs checkpoints with one Ed25519 private key."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public_key = _public_b64(private_key.public_key())
        self.key_id = key_id(self.public_key)

    @classmethod
    def load(cls, path: Path) -> CheckpointSigner:
        """Answers the signer whose unencrypted PKCS#8 PEM private key is at `path`."""
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("checkpoint key must be an Ed25519 private key")
        return cls(key)

    @classmethod
    def load_or_create(cls, path: Path) -> CheckpointSigner:
        """Answers the signer at `path`, first generating and persisting a key (mode 0600) if absent."""
        if not path.exists():
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            create_once(path, pem)
        return cls.load(path)

    def sign(self, seq: int, hash_: str, event_id: str, at: datetime) -> CheckpointRow:
        """Answers the signed checkpoint for the chain link (seq, hash) of event `event_id`."""
        signature = self._key.sign(checkpoint_message(seq, hash_, event_id, at))
        return CheckpointRow(
            seq=seq,
            hash=hash_,
            event_id=event_id,
            at=at.astimezone(UTC),
            key_id=self.key_id,
            public_key=self.public_key,
            signature=base64.b64encode(signature).decode(),
        )


def signature_valid(row: CheckpointRow, public_key: str) -> bool:
    """Answers whether `row` carries a valid signature by the base64 raw Ed25519 `public_key`."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        key.verify(base64.b64decode(row.signature), checkpoint_message(row.seq, row.hash, row.event_id, row.at))
    except (InvalidSignature, ValueError):
        return False
    return True


def load_public_key(path: Path) -> str:
    """Answers the base64 raw public key of a PEM file holding an Ed25519 private or public key."""
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        return CheckpointSigner.load(path).public_key
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("checkpoint key must be an Ed25519 key")
    return _public_b64(key)


def export_lines(rows: Iterable[CheckpointRow]) -> Iterator[str]:
    """Answers one JSON line per checkpoint, each with its public key, for publication elsewhere."""
    for row in rows:
        yield canonical_json(
            {
                "seq": row.seq,
                "hash": row.hash,
                "event_id": row.event_id,
                "at": _iso(row.at),
                "alg": "Ed25519",
                "key_id": row.key_id,
                "public_key": row.public_key,
                "signature": row.signature,
            }
        )


def parse_lines(lines: Iterable[str]) -> list[CheckpointRow]:
    """Answers the checkpoints of an exported JSON lines file; ValueError names the bad line."""
    rows: list[CheckpointRow] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            rows.append(
                CheckpointRow(
                    seq=int(data["seq"]),
                    hash=str(data["hash"]),
                    event_id=str(data["event_id"]),
                    at=datetime.fromisoformat(str(data["at"]).replace("Z", "+00:00")),
                    key_id=str(data["key_id"]),
                    public_key=str(data["public_key"]),
                    signature=str(data["signature"]),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"line {number}: not a checkpoint ({type(exc).__name__})") from None
    return rows
