"""What an anomaly is and the thresholds the rules use; no clear personal data in any finding."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum

from hub.audit.events import AuditEvent
from hub.config import AnomalySettings


class Severity(StrEnum):
    """How urgently a privacy officer should look."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class AnomalyThresholds:
    """The rules' knobs; the defaults suit a mid-sized deployment."""

    bulk_factor: float = 5.0  # a department-hour above this many times its median hour
    bulk_min_history: int = 3  # other busy hours needed before the ratio applies
    bulk_event_ceiling: int = 500  # events per department-hour, whatever the history
    bulk_subject_ceiling: int = 1000  # subjects per department-hour, whatever the history
    office_opens: time = time(7, 0)
    office_closes: time = time(22, 0)
    weekends_out_of_hours: bool = True
    local_zone: str = "Asia/Shanghai"
    denials: int = 5  # denied or unauthenticated events by one client ...
    denial_window: timedelta = timedelta(minutes=10)  # ... within this window
    subject_orgs: int = 5  # distinct organisations querying one subject ...
    subject_window: timedelta = timedelta(hours=24)  # ... within this window

    @classmethod
    def from_settings(cls, settings: AnomalySettings) -> AnomalyThresholds:
        """Answers the thresholds a deployment configured (`audit_anomalies.*`, HUB_AUDIT_ANOMALIES__*)."""
        values = settings.model_dump(exclude={"denial_window_minutes", "subject_window_hours"})
        return cls(
            **values,
            denial_window=timedelta(minutes=settings.denial_window_minutes),
            subject_window=timedelta(hours=settings.subject_window_hours),
        )


@dataclass(frozen=True, slots=True)
class Anomaly:
    """One finding: which rule, how severe, what (no clear personal data), when, and the events."""

    rule: str
    severity: Severity
    description: str
    scope: str  # "department:<key>", "client:<id>" or "subject:<keyed hash>"
    window_start: datetime
    window_end: datetime
    event_ids: tuple[str, ...] = field(default=())

    @property
    def anomaly_id(self) -> str:
        """Answers a stable identifier of this finding (same rule and events, same id)."""
        digest = hashlib.sha256("|".join((self.rule, self.scope, *self.event_ids)).encode())
        return digest.hexdigest()[:24]


def make_anomaly(rule: str, severity: Severity, description: str, scope: str, events: Sequence[AuditEvent]) -> Anomaly:
    """Answers the anomaly of `rule` linking `events` (non-empty), its window spanning them."""
    times = [event.at for event in events]
    ids = tuple(event.event_id for event in events)
    return Anomaly(rule, severity, description, scope, min(times), max(times), ids)
