"""A request another hub sends again keeps the first sending's receipt; anything else is registered on its own."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable

import pytest

from hub.audit import AuditEvent, EventType, Outcome, SubjectDisclosure
from hub.errors import ErrorCode, HubError
from hub.graphql.repeats import KEPT_SECONDS, RepeatedRequests, repeat_key

UPSTREAM = {"hub": "http://province", "client_id": "ch_p", "event_id": "15741506-4206-4ca6-abb7-8d5d6e83e793"}
KEY = repeat_key({**UPSTREAM, "request": "1"})


def _event(*fields: str) -> AuditEvent:
    disclosed = (SubjectDisclosure("91140100MA0C00001X", tuple(fields)),)
    return AuditEvent(EventType.QUERY, Outcome.OK, upstream={**UPSTREAM, "request": "1"}, subjects=disclosed)


class _Register:
    """Stands for the writer: the events made durable, in order."""

    def __init__(self) -> None:
        self.durable: list[str] = []
        self.fail = False

    def of(self, event: AuditEvent) -> Callable[[], Awaitable[None]]:
        async def append() -> None:
            await asyncio.sleep(0)
            if self.fail:
                raise HubError(ErrorCode.AUDIT_UNAVAILABLE, "the register is down")
            self.durable.append(event.event_id)

        return append


async def test_a_request_sent_again_gets_the_first_receipt_and_no_second_event() -> None:
    repeats, register = RepeatedRequests(), _Register()
    assert KEY is not None
    first, again = _event("name"), _event("name")
    answers = await asyncio.gather(
        repeats.receipt(KEY, first, register.of(first)),
        repeats.receipt(KEY, again, register.of(again)),
    )
    assert answers == [first.event_id, first.event_id], "the second sending waits for the first's receipt"
    later = _event("name")
    assert await repeats.receipt(KEY, later, register.of(later)) == first.event_id
    assert register.durable == [first.event_id]


async def test_a_sending_that_discloses_more_or_another_request_is_registered_on_its_own() -> None:
    repeats, register = RepeatedRequests(), _Register()
    assert KEY is not None
    first, more = _event("name"), _event("name", "phone")
    await repeats.receipt(KEY, first, register.of(first))
    assert await repeats.receipt(KEY, more, register.of(more)) == more.event_id
    other_key = repeat_key({**UPSTREAM, "request": "2"})
    assert other_key is not None
    second = dataclasses.replace(_event("name"), event_id="00000000-0000-4000-8000-000000000002")
    assert await repeats.receipt(other_key, second, register.of(second)) == second.event_id
    assert register.durable == [first.event_id, more.event_id, second.event_id]


async def test_a_first_sending_the_register_refused_leaves_the_next_to_register() -> None:
    repeats, register = RepeatedRequests(), _Register()
    assert KEY is not None
    register.fail = True
    first = _event("name")
    with pytest.raises(HubError):
        await repeats.receipt(KEY, first, register.of(first))
    register.fail = False
    again = _event("name")
    assert await repeats.receipt(KEY, again, register.of(again)) == again.event_id
    assert register.durable == [again.event_id]


async def test_a_sending_long_after_the_first_is_registered_on_its_own() -> None:
    now = [0.0]
    repeats, register = RepeatedRequests(clock=lambda: now[0]), _Register()
    assert KEY is not None
    first = _event("name")
    await repeats.receipt(KEY, first, register.of(first))
    now[0] = KEPT_SECONDS + 1
    late = _event("name")
    assert await repeats.receipt(KEY, late, register.of(late)) == late.event_id


def test_only_a_request_another_hub_sent_has_a_key() -> None:
    assert repeat_key(None) is None
    assert repeat_key(UPSTREAM) == (UPSTREAM["hub"], "ch_p", UPSTREAM["event_id"], "1")
