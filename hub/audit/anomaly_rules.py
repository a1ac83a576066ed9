"""The anomaly rules, each a pure function from events (oldest first) to findings."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hub.audit.anomaly_types import Anomaly, AnomalyThresholds, Severity, make_anomaly
from hub.audit.events import AuditEvent, EventType, Outcome, subject_key
from hub.catalog.workdays import is_working_day
from hub.policy.purposes import Purpose

DISCLOSED = (Outcome.OK, Outcome.PARTIAL)
REFUSED = (Outcome.DENIED, Outcome.UNAUTHENTICATED)


def _lookups(events: Sequence[AuditEvent]) -> list[AuditEvent]:
    return [event for event in events if event.type is EventType.QUERY]


def bulk_lookups(events: Sequence[AuditEvent], limits: AnomalyThresholds) -> Iterator[Anomaly]:
    """Answers department-hours with far more look-ups or subjects than the department's median hour."""
    hours: dict[str, dict[datetime, list[AuditEvent]]] = defaultdict(lambda: defaultdict(list))
    for event in _lookups(events):
        if event.department:
            hours[event.department][event.at.replace(minute=0, second=0, microsecond=0)].append(event)
    for department, buckets in sorted(hours.items()):
        counts = {hour: len(items) for hour, items in buckets.items()}
        for hour, items in sorted(buckets.items()):
            subjects = len({subject.code for event in items for subject in event.subjects})
            others = [count for other, count in counts.items() if other != hour]
            ratio = len(others) >= limits.bulk_min_history and len(items) > limits.bulk_factor * statistics.median(
                others
            )
            ceiling = len(items) > limits.bulk_event_ceiling or subjects > limits.bulk_subject_ceiling
            if ratio or ceiling:
                text = f"department {department}: {len(items)} look-ups about {subjects} subjects in one hour"
                if others:
                    text += f" (median hour: {statistics.median(others):g})"
                yield make_anomaly("bulk_lookups", Severity.HIGH if ceiling else Severity.MEDIUM, text,
                                   f"department:{department}", items)  # fmt: skip


def out_of_hours(events: Sequence[AuditEvent], limits: AnomalyThresholds) -> Iterator[Anomaly]:
    """Answers, per department and local day, disclosures made at night or (if configured) at weekends; a
    citizen's or enterprise's reading of its own record is no department's look-up and never counts, nor is a
    privacy officer's review of the register (registered and charted apart)."""
    zone = ZoneInfo(limits.local_zone)
    found: dict[tuple[str, str], list[AuditEvent]] = defaultdict(list)
    for event in _lookups(events):
        if event.purpose in (Purpose.SELF_ACCESS, Purpose.AUDIT_REVIEW) or not event.department:
            continue
        local = event.at.astimezone(zone)
        night = not limits.office_opens <= local.time() < limits.office_closes
        weekend = limits.weekends_out_of_hours and not is_working_day(local.date())
        if event.outcome in DISCLOSED and (night or weekend):
            found[(event.department or "-", local.date().isoformat())].append(event)
    for (department, day), items in sorted(found.items()):
        text = f"department {department}: {len(items)} look-ups outside office hours on {day} (local time)"
        yield make_anomaly("out_of_hours", Severity.LOW, text, f"department:{department}", items)


def foreign_purpose(events: Sequence[AuditEvent], allowed: Mapping[str, Collection[str]]) -> Iterator[Anomaly]:
    """Answers look-ups made for a purpose the department's policy does not list."""
    found: dict[tuple[str, str], list[AuditEvent]] = defaultdict(list)
    for event in events:
        department, purpose = event.department, event.purpose
        if department is not None and department in allowed and purpose and purpose not in allowed[department]:
            found[(department, purpose)].append(event)
    for (department, purpose), items in sorted(found.items()):
        text = f"department {department}: {len(items)} operations for purpose {purpose}, foreign to it"
        yield make_anomaly("foreign_purpose", Severity.HIGH, text, f"department:{department}", items)


def _bursts(
    items: Sequence[AuditEvent], window: timedelta, enough: Callable[[Sequence[AuditEvent]], bool]
) -> Iterator[list[AuditEvent]]:
    """Answers maximal runs of events (oldest first) where some `window` holds `enough` of them."""
    current: deque[AuditEvent] = deque()
    burst: list[AuditEvent] = []
    for event in items:
        if burst and event.at - burst[-1].at <= window:
            burst.append(event)
            continue
        if burst:
            yield burst
            burst = []
        current.append(event)
        while event.at - current[0].at > window:
            current.popleft()
        if enough(current):
            burst = list(current)
            current.clear()
    if burst:
        yield burst


def _grouped(pairs: Iterator[tuple[Hashable, AuditEvent]]) -> dict[Hashable, list[AuditEvent]]:
    groups: dict[Hashable, list[AuditEvent]] = defaultdict(list)
    for key, event in pairs:
        groups[key].append(event)
    return groups


def repeated_denials(events: Sequence[AuditEvent], limits: AnomalyThresholds) -> Iterator[Anomaly]:
    """Answers bursts of denied or unauthenticated operations by one client."""
    groups = _grouped((event.client_id, event) for event in events if event.client_id and event.outcome in REFUSED)
    for client, items in sorted(groups.items(), key=lambda pair: str(pair[0])):
        ordered = sorted(items, key=lambda event: event.at)
        for burst in _bursts(ordered, limits.denial_window, lambda run: len(run) >= limits.denials):
            text = f"client {client}: {len(burst)} refused operations in a burst"
            yield make_anomaly("repeated_denials", Severity.MEDIUM, text, f"client:{client}", burst)


def subject_by_many_orgs(events: Sequence[AuditEvent], limits: AnomalyThresholds, secret: str) -> Iterator[Anomaly]:
    """Answers subjects looked up by unusually many organisations within the window (by keyed hash only)."""
    pairs = ((subject_key(secret, subject.code), event) for event in _lookups(events) for subject in event.subjects)
    groups = _grouped(pair for pair in pairs if pair[1].org)

    def many(run: Sequence[AuditEvent]) -> bool:
        return len({event.org for event in run}) >= limits.subject_orgs

    for key, items in sorted(groups.items(), key=lambda pair: str(pair[0])):
        ordered = sorted(dict.fromkeys(items), key=lambda event: event.at)
        for burst in _bursts(ordered, limits.subject_window, many):
            orgs = Counter(event.org for event in burst)
            text = f"one subject looked up by {len(orgs)} organisations ({len(burst)} look-ups) in a burst"
            yield make_anomaly("subject_by_many_orgs", Severity.MEDIUM, text, f"subject:{key}", burst)
