"""The hash chain: hash(n) = sha256(hash(n-1) || canonical body(n) || seq(n)), genesis 64 zeros."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from hub.audit.events import AuditEvent, record_json, subject_key
from hub.store.audit_rows import GENESIS_HASH, ChainHead, EventRow, SubjectRow

__all__ = ["GENESIS_HASH", "PreparedEvent", "index_columns", "link", "link_hash", "prepare"]


def link_hash(prev_hash: str, body: str, seq: int) -> str:
    """Answers an event's chain hash: sha256 over prev hash (hex), body (UTF-8), seq (decimal)."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(body.encode("utf-8"))
    digest.update(str(seq).encode("ascii"))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class PreparedEvent:
    """An event serialised and indexed before it reaches the writer's critical section."""

    event_id: str
    body: str
    columns: dict[str, Any]
    subjects: tuple[tuple[str, date | None], ...]


def index_columns(data: dict[str, Any], at: datetime | None = None) -> dict[str, Any]:
    """Answers the searchable columns derived from an event body (what verify re-derives)."""
    if at is None:
        at = datetime.fromisoformat(str(data["at"]).replace("Z", "+00:00")).astimezone(UTC)
    return {
        "event_id": data["event_id"],
        "type": data["type"],
        "at": at,
        "client_id": data.get("client_id"),
        "org": data.get("org"),
        "department": data.get("department"),
        "operator": data.get("operator"),
        "purpose": data.get("purpose"),
        "outcome": data["outcome"],
        "case_number": data.get("case_number"),
        "concealed_case": data.get("case_number") if data.get("concealed_until_case_closes") else None,
    }


def subject_index(secret: str, data: dict[str, Any]) -> dict[str, date | None]:
    """Answers keyed hash -> concealed-until for a body's subjects (longest concealment wins)."""
    keys: dict[str, date | None] = {}
    for subject in data.get("subjects", ()):
        key = subject_key(secret, str(subject["code"]))
        raw = subject.get("concealed_until")
        until = date.fromisoformat(raw) if raw else None
        if key in keys:
            known = keys[key]
            until = max(known, until) if known and until else (known or until)
        keys[key] = until
    return keys


def prepare(event: AuditEvent, secret: str) -> PreparedEvent:
    """Answers the event's canonical body, index columns and keyed subject hashes."""
    data = event.to_dict()
    return PreparedEvent(
        event_id=event.event_id,
        body=record_json(data, event.latency_ms),
        columns=index_columns(data, event.at),
        subjects=tuple(subject_index(secret, data).items()),
    )


def link(head: ChainHead, events: Sequence[PreparedEvent]) -> tuple[list[EventRow], list[SubjectRow]]:
    """Answers the rows that extend the chain at `head` by `events`, in order, gap-free."""
    rows: list[EventRow] = []
    subjects: list[SubjectRow] = []
    prev, seq = head.hash, head.seq
    for event in events:
        seq += 1
        digest = link_hash(prev, event.body, seq)
        rows.append(EventRow(seq=seq, body=event.body, prev_hash=prev, hash=digest, **event.columns))
        subjects.extend(SubjectRow(seq, key, until) for key, until in event.subjects)
        prev = digest
    return rows, subjects
