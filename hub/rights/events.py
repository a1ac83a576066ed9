"""What a rights or feedback step did, as plain data the audit register records (no free text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RightsEvent:
    """One step: an objection filed or decided, a repair applied or decided, a measure execution reported."""

    type: str  # hub.audit.events.EventType value: objection | repair | measure_feedback
    action: str  # filed | upheld | rejected | applied | approved | refused | reported
    record_id: str
    subject_code: str
    at: datetime
    item_id: str | None = None
    department: str | None = None
