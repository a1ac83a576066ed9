"""Audit events: typed, versioned, canonical JSON, keyed subject hashes."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.audit.events import (
    AuditEvent,
    EventType,
    Outcome,
    SubjectDisclosure,
    canonical_json,
    maybe_unstorable,
    query_hash,
    record_json,
    subject_key,
)
from tests.audit.support import SECRET, event


def test_canonical_json_is_sorted_compact_utf8_and_stable() -> None:
    item = event(org_name="示例银行", subjects=[SubjectDisclosure("X1", ("b", "a"), (), (), date(2027, 1, 1))])
    text = item.canonical()
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert "示例银行" in text
    assert " " not in text.replace("示例银行", "")
    assert AuditEvent.from_json(text) == item
    assert AuditEvent.from_json(text).canonical() == text


def test_time_is_utc_and_must_be_aware() -> None:
    beijing = timezone(timedelta(hours=8))
    item = event(at=datetime(2026, 3, 2, 9, 0, tzinfo=beijing))
    assert item.at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert '"at":"2026-03-02T01:00:00.000000Z"' in item.canonical()
    with pytest.raises(ValueError, match="timezone-aware"):
        AuditEvent(type=EventType.QUERY, outcome=Outcome.OK, at=datetime(2026, 3, 2))


def test_type_and_outcome_are_checked() -> None:
    assert AuditEvent(type="auth_failure", outcome="unauthenticated").type is EventType.AUTH_FAILURE  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'lookup'"):
        AuditEvent(type="lookup", outcome="ok")  # type: ignore[arg-type]
    assert event().version == 1
    assert len(event().event_id) == 36


def test_subject_key_is_an_hmac_of_the_normalised_code() -> None:
    expected = hmac.new(SECRET.encode(), b"11010119900307123X", hashlib.sha256).hexdigest()
    assert subject_key(SECRET, " 11010119900307123x ") == expected
    assert subject_key("another-secret-0123456789", "11010119900307123X") != expected


def test_query_hash_ignores_layout_only() -> None:
    assert query_hash("{ subject(code: $c) {\n  name } }") == query_hash("{ subject(code: $c) { name } }")
    assert query_hash("{ a }") != query_hash("{ b }")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())), st.text())
def test_a_body_passed_as_storable_holds_no_refused_character(operator: str, org_name: str) -> None:
    sample = AuditEvent(type=EventType.QUERY, outcome=Outcome.OK, operator=operator, org_name=org_name)
    body = canonical_json(sample.to_dict())
    if not maybe_unstorable(body):
        assert sample.unstorable() is None


@pytest.mark.parametrize("text", ["\x00", "\x1f", "\x7f", "\x9f", "\ud800", "tab\there", "中文\x85"])
def test_every_refused_character_sends_the_body_to_the_closer_look(text: str) -> None:
    sample = AuditEvent(type=EventType.QUERY, outcome=Outcome.OK, operator=text)
    assert maybe_unstorable(canonical_json(sample.to_dict()))
    assert sample.unstorable() is not None


def test_an_ordinary_body_needs_no_closer_look() -> None:
    sample = AuditEvent(type=EventType.QUERY, outcome=Outcome.OK, org_name="示例银行", operator="clerk-7")
    assert not maybe_unstorable(canonical_json(sample.to_dict()))


_ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()))


@settings(max_examples=400, deadline=None)
@given(
    operator=_ANY_TEXT,
    org_name=_ANY_TEXT,
    code=_ANY_TEXT,
    latency=st.none() | st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(2**70), 2**70),
    upstream=st.none() | st.dictionaries(_ANY_TEXT, _ANY_TEXT, max_size=3),
)
def test_the_record_is_written_as_canonical_json_writes_it(
    operator: str, org_name: str, code: str, latency: float | None, upstream: dict[str, str] | None
) -> None:
    sample = AuditEvent(
        type=EventType.QUERY, outcome=Outcome.OK, operator=operator, org_name=org_name,
        subjects=(SubjectDisclosure(code, ("name",)),), latency_ms=latency, upstream=upstream,
    )  # fmt: skip
    data = sample.to_dict()
    try:
        expected = canonical_json(data)
    except ValueError:  # NaN and infinity are refused either way
        with pytest.raises(ValueError, match="not JSON compliant"):
            record_json(data, sample.latency_ms)
        return
    assert record_json(data, sample.latency_ms) == expected == sample.canonical()


@pytest.mark.parametrize("latency", [1e-05, 2.5e-07, 9.999e-05, 0.0001, 12.5, 1e16, 0.0, -3e-06])
def test_floats_json_pads_are_padded_in_the_record(latency: float) -> None:
    sample = AuditEvent(type=EventType.QUERY, outcome=Outcome.OK, latency_ms=latency)
    assert f'"latency_ms":{latency!r}' in sample.canonical()
