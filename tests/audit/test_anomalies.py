"""Each anomaly rule fires on a crafted event set and stays silent on a normal one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hub.audit.anomalies import AnomalyThresholds, detect, find_anomalies
from hub.audit.events import AuditEvent, Outcome, subject_key
from hub.audit.writer import AuditWriter
from hub.store.audit_repo import AuditRepository
from tests.audit.support import SECRET, event

MONDAY_9AM = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
PURPOSES = {"bank": {"CREDIT_LENDING", "POST_LOAN_MONITORING"}, "tax": {"ADMINISTRATIVE_APPROVAL"}}
PERSON = "11010119900307123X"


def normal_week() -> list[AuditEvent]:
    """A bank and a tax office at work: 5 look-ups an hour, office hours, own purposes, own subjects."""
    events = []
    for day in range(5):
        for hour in range(9):
            for n in range(5):
                at = MONDAY_9AM + timedelta(days=day, hours=hour, minutes=10 * n)
                events.append(event(at=at, subjects=[f"9111000060003{day}{hour}{n}X"]))
                tax = {"department": "tax", "org": "91110000200000000B", "client_id": "client-tax"}
                subjects = [f"9111000060004{day}{hour}{n}X"]
                events.append(event(at=at, purpose="ADMINISTRATIVE_APPROVAL", subjects=subjects, **tax))
    return events


def rules_fired(events: list[AuditEvent], **limits: object) -> dict[str, int]:
    found = detect(events, secret=SECRET, thresholds=AnomalyThresholds(**limits), department_purposes=PURPOSES)  # type: ignore[arg-type]
    counts: dict[str, int] = {}
    for anomaly in found:
        counts[anomaly.rule] = counts.get(anomaly.rule, 0) + 1
    return counts


def test_a_normal_week_raises_nothing() -> None:
    assert rules_fired(normal_week()) == {}


def test_bulk_lookups_beyond_the_departments_median_hour() -> None:
    burst = [event(at=MONDAY_9AM + timedelta(days=1, hours=3, seconds=n), subjects=[f"S{n}"]) for n in range(40)]
    found = detect(normal_week() + burst, secret=SECRET)
    bulk = [anomaly for anomaly in found if anomaly.rule == "bulk_lookups"]
    assert len(bulk) == 1
    assert bulk[0].severity == "medium"
    assert bulk[0].scope == "department:bank"
    assert {item.event_id for item in burst} <= set(bulk[0].event_ids)


def test_bulk_lookups_above_the_ceiling_without_history() -> None:
    burst = [event(at=MONDAY_9AM + timedelta(seconds=n), subjects=[f"S{n}"]) for n in range(40)]
    assert rules_fired(burst, bulk_event_ceiling=30) == {"bulk_lookups": 1}
    assert rules_fired(burst, bulk_subject_ceiling=30) == {"bulk_lookups": 1}
    assert rules_fired(burst) == {}


def test_out_of_hours_at_night_and_at_weekends() -> None:
    night = event(at=datetime(2026, 3, 3, 15, 30, tzinfo=UTC))  # Tuesday 23:30 in Beijing
    saturday = event(at=datetime(2026, 3, 7, 4, 0, tzinfo=UTC))  # Saturday noon in Beijing
    refused = event(at=datetime(2026, 3, 3, 15, 30, tzinfo=UTC), outcome=Outcome.DENIED)  # nothing disclosed
    assert rules_fired([night, saturday, refused]) == {"out_of_hours": 2}
    assert rules_fired([night, saturday], weekends_out_of_hours=False) == {"out_of_hours": 1}


def test_out_of_hours_never_counts_a_citizen_reading_its_own_record() -> None:
    night = datetime(2026, 3, 3, 15, 30, tzinfo=UTC)  # Tuesday 23:30 in Beijing
    own = {"department": None, "org": None, "client_id": PERSON, "purpose": "SELF_ACCESS", "operator": None}
    reads = [event(at=night + timedelta(minutes=n), subjects=[PERSON], **own) for n in range(3)]
    assert rules_fired(reads) == {}
    assert rules_fired([*reads, event(at=night)]) == {"out_of_hours": 1}


def test_out_of_hours_never_counts_an_officers_review_of_the_register() -> None:
    night = datetime(2026, 3, 3, 15, 30, tzinfo=UTC)  # Tuesday 23:30 in Beijing
    office = {"department": "privacy-office", "org": "91110000300000000C", "client_id": "client-po"}
    reviews = [event(at=night + timedelta(minutes=n), purpose="AUDIT_REVIEW", subjects=[], **office) for n in range(3)]
    assert rules_fired(reviews) == {}
    assert rules_fired([*reviews, event(at=night)]) == {"out_of_hours": 1}


def test_a_purpose_foreign_to_the_department() -> None:
    odd = event(at=MONDAY_9AM, purpose="LAW_ENFORCEMENT")
    found = [a for a in detect([odd], secret=SECRET, department_purposes=PURPOSES) if a.rule == "foreign_purpose"]
    assert len(found) == 1
    assert found[0].severity == "high"
    assert found[0].event_ids == (odd.event_id,)
    assert detect([odd], secret=SECRET) == []  # no mapping given: the rule is off


@pytest.mark.parametrize(("count", "spacing", "fires"), [(6, 30, True), (4, 30, False), (6, 1800, False)])
def test_repeated_denials_by_one_client(count: int, spacing: int, fires: bool) -> None:
    denials = [
        event(
            at=MONDAY_9AM + timedelta(seconds=spacing * n), outcome=Outcome.UNAUTHENTICATED if n % 2 else Outcome.DENIED
        )
        for n in range(count)
    ]
    assert rules_fired(denials) == ({"repeated_denials": 1} if fires else {})


def test_one_subject_queried_by_many_organisations() -> None:
    looks = [
        event(at=MONDAY_9AM + timedelta(minutes=n), org=f"9111000010000000{n:02d}", subjects=[PERSON]) for n in range(6)
    ]
    found = [a for a in detect(looks, secret=SECRET) if a.rule == "subject_by_many_orgs"]
    assert len(found) == 1
    assert found[0].scope == f"subject:{subject_key(SECRET, PERSON)}"
    assert PERSON not in found[0].description
    assert len(found[0].event_ids) == 6
    assert rules_fired(looks[:4]) == {}


async def test_anomalies_are_read_from_the_register(repo: AuditRepository) -> None:
    async with AuditWriter(repo, secret=SECRET) as writer:
        for n in range(6):
            await writer.append(event(at=MONDAY_9AM + timedelta(minutes=n), outcome=Outcome.DENIED))
        await writer.append(event(at=MONDAY_9AM, purpose="LAW_ENFORCEMENT"))
    found = await find_anomalies(repo, SECRET, MONDAY_9AM - timedelta(hours=1), department_purposes=PURPOSES)
    assert [anomaly.rule for anomaly in found] == ["foreign_purpose", "repeated_denials"]
    assert len(found[1].event_ids) == 6
    assert len({a.anomaly_id for a in found}) == 2
