"""Plain rows of the rights tables, and the typed JSON in which corrected values are kept."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

HIDDEN_REVOKED = "REVOKED"
HIDDEN_REPAIRED = "REPAIRED"


@dataclass(frozen=True, slots=True)
class ItemMark:
    """What the hub's overlay says about one source item: hidden, corrected, under objection, clock extended."""

    item_id: str
    subject_code: str
    record_type: str
    hidden_by: str | None = None
    corrections: dict[str, Any] = field(default_factory=dict)
    open_objection: bool = False
    extension_days: int = 0
    hidden_at: datetime | None = None

    @property
    def hidden(self) -> bool:
        """Answers whether the item stops being shared and disclosed (revoked or repaired)."""
        return self.hidden_by is not None


@dataclass(frozen=True, slots=True)
class NoticeRow:
    """A notice to the department that corrects an item at its source: what was decided, and its delivery."""

    id: str
    source: str
    item_id: str
    kind: str  # OBJECTION_UPHELD | REPAIR_APPROVED
    payload: dict[str, Any]
    created_at: datetime
    department: str | None
    subject_code: str | None
    deliveries: int = 0
    delivered_at: datetime | None = None
    acknowledged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of a repair application's evidence."""

    kind: str
    description: str


@dataclass(frozen=True, slots=True)
class ObjectionRow:
    """An objection as stored, with `overdue` computed for the day it was read."""

    id: str
    subject_code: str
    item_id: str
    record_type: str
    source: str
    department: str
    reason: str
    status: str
    filed_at: datetime
    due_on: date
    outcome: str | None = None
    corrections: dict[str, Any] = field(default_factory=dict)
    decision_note: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    suspended_days: int = 0
    overdue: bool = False


@dataclass(frozen=True, slots=True)
class RepairRow:
    """A credit repair application as stored, with `overdue` computed for the day it was read."""

    id: str
    subject_code: str
    item_id: str
    record_type: str
    source: str
    department: str
    evidence: tuple[Evidence, ...]
    status: str
    applied_at: datetime
    due_on: date
    decision_note: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    published_at: datetime | None = None
    overdue: bool = False


def encode_values(values: dict[str, Any]) -> str:
    """Answers typed JSON for corrected values: dates and decimals keep their type."""
    tagged: dict[str, list[str]] = {}
    for name, value in values.items():
        if isinstance(value, date):
            tagged[name] = ["date", value.isoformat()]
        elif isinstance(value, Decimal):
            tagged[name] = ["decimal", str(value)]
        elif isinstance(value, bool) or not isinstance(value, int):
            tagged[name] = ["str", str(value)]
        else:
            tagged[name] = ["int", str(value)]
    return json.dumps(tagged, ensure_ascii=False, sort_keys=True)


def decode_values(text: str | None) -> dict[str, Any]:
    """Answers the values `encode_values` wrote."""
    if not text:
        return {}
    decoded: dict[str, Any] = {}
    for name, (tag, raw) in json.loads(text).items():
        if tag == "date":
            decoded[name] = date.fromisoformat(raw)
        elif tag == "decimal":
            decoded[name] = Decimal(raw)
        elif tag == "int":
            decoded[name] = int(raw)
        else:
            decoded[name] = raw
    return decoded


def encode_evidence(evidence: tuple[Evidence, ...]) -> str:
    """Answers the JSON of a repair application's evidence."""
    return json.dumps([{"kind": e.kind, "description": e.description} for e in evidence], ensure_ascii=False)


def decode_evidence(text: str) -> tuple[Evidence, ...]:
    """Answers the evidence `encode_evidence` wrote."""
    return tuple(Evidence(str(e["kind"]), str(e["description"])) for e in json.loads(text))
