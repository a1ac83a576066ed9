"""Anomalies in the register for privacy officers: configurable thresholds, each finding links its events."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from hub.audit import anomaly_rules as rules
from hub.audit.anomaly_types import Anomaly, AnomalyThresholds, Severity
from hub.audit.events import AuditEvent
from hub.audit.ports import AuditStore
from hub.audit.review import AuditFilter, iter_records

__all__ = ["Anomaly", "AnomalyThresholds", "Severity", "detect", "find_anomalies"]


def detect(
    events: Sequence[AuditEvent],
    *,
    secret: str,
    thresholds: AnomalyThresholds | None = None,
    department_purposes: Mapping[str, Collection[str]] | None = None,
) -> list[Anomaly]:
    """Answers every anomaly the rules find in `events`, most severe first, then oldest first."""
    limits = thresholds or AnomalyThresholds()
    found = [
        *rules.bulk_lookups(events, limits),
        *rules.out_of_hours(events, limits),
        *rules.repeated_denials(events, limits),
        *rules.subject_by_many_orgs(events, limits, secret),
    ]
    if department_purposes is not None:
        found.extend(rules.foreign_purpose(events, department_purposes))
    order = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
    return sorted(found, key=lambda item: (order[item.severity], item.window_start, item.rule))


async def find_anomalies(
    store: AuditStore,
    secret: str,
    since: datetime,
    until: datetime | None = None,
    *,
    thresholds: AnomalyThresholds | None = None,
    department_purposes: Mapping[str, Collection[str]] | None = None,
) -> list[Anomaly]:
    """Answers the anomalies among events registered in [since, until) (the ratio rule's history too)."""
    where = AuditFilter(since=since, until=until)
    events = [record.event async for record in iter_records(store, secret, where)]
    events.reverse()
    return detect(events, secret=secret, thresholds=thresholds, department_purposes=department_purposes)
