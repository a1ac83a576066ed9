"""ProbeGuard: fruitless look-ups of natural persons counted per client, throttled, then suspended."""

from __future__ import annotations

import pytest

from hub.errors import ErrorCode, HubError
from hub.identity.codes import parse_subject_code
from hub.privacy.disclose import Disclosure
from hub.records.probes import ProbeGuard, ProbeLimits, fruitless

PERSON = parse_subject_code("11010519491231002X")
OTHER = parse_subject_code("110105194912310062")
ENTERPRISE = parse_subject_code("91110000600037341L")


def test_a_person_counts_when_nothing_of_it_was_disclosed() -> None:
    shown = Disclosure(PERSON.value, clear={"registration.name"})
    refused = Disclosure(OTHER.value, denied={"registration.name"})
    assert fruitless([PERSON, OTHER, ENTERPRISE], [shown, refused, Disclosure(ENTERPRISE.value)]) == 1
    assert fruitless([PERSON], [Disclosure(PERSON.value, masked={"registration.name"})]) == 0


async def test_past_the_limit_within_the_window_persons_are_rate_limited_and_enterprises_are_not() -> None:
    guard = ProbeGuard(ProbeLimits(limit=3, window_seconds=60, suspend_after=100, suspend_window_seconds=3600))
    guard.admit("c", [PERSON], now=0.0)
    await guard.note("c", 3, now=1.0)
    with pytest.raises(HubError) as caught:
        guard.admit("c", [PERSON], now=2.0)
    assert caught.value.code is ErrorCode.RATE_LIMITED
    guard.admit("c", [ENTERPRISE], now=2.0)
    guard.admit("other", [PERSON], now=2.0)
    guard.admit("c", [PERSON], now=61.5)  # the window has passed


async def test_past_the_threshold_the_client_is_suspended_once_with_the_reason() -> None:
    suspended: list[tuple[str, str]] = []

    async def suspend(client_id: str, reason: str) -> bool:
        suspended.append((client_id, reason))
        return True

    guard = ProbeGuard(ProbeLimits(limit=100, window_seconds=60, suspend_after=5, suspend_window_seconds=3600), suspend)
    await guard.note("c", 4, now=0.0)
    assert suspended == []
    await guard.note("c", 0, now=1.0)
    await guard.note("c", 1, now=3000.0)
    reason = "suspended for review: 5 look-ups of natural persons refused or not found within 3600 s"
    assert suspended == [("c", reason)]
    await guard.note("c", 1, now=3001.0)
    assert len(suspended) == 1, "counting starts over once suspended"


async def test_old_fruitless_look_ups_fall_out_of_the_suspension_window() -> None:
    suspended: list[str] = []

    async def suspend(client_id: str, reason: str) -> bool:
        suspended.append(client_id)
        return True

    guard = ProbeGuard(ProbeLimits(limit=100, window_seconds=60, suspend_after=5, suspend_window_seconds=3600), suspend)
    await guard.note("c", 4, now=0.0)
    await guard.note("c", 1, now=3600.5)
    assert suspended == []
