"""Headers that reach the register: text it cannot hold or show is refused; no caller stops the others' receipts."""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any

import httpx
import pytest

from tests.graphql.audit_hub import all_events, codes, event_id
from tests.support.server import HubFixture

LOOKUP = "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name } }"
UNFIT_OPERATORS = [
    "%00",  # NUL: PostgreSQL refuses it, and it failed every receipt of its commit
    "%E2%80%8B",  # zero-width space: an invisible name that satisfied operator_required
    "clerk%E2%80%AE7-",  # right-to-left override: a name that reads otherwise
    "%EF%BB%BF",  # byte order mark
    "%EE%80%80clerk",  # private use
    "%E3%80%80",  # ideographic space alone
    "%E3%85%A4",  # Hangul filler: a letter that renders as nothing
    "clerk%0A7",  # line feed: a forged second line in any export
    "%ED%A0%80",  # a surrogate's bytes: not UTF-8
    "%FF",  # not UTF-8
    "-.-",  # no letter or digit
    "x" * 121,  # longer than a name
]


def _lookup(hub: HubFixture, headers: dict[str, Any]) -> httpx.Response:
    token = hub.token("approval-bureau")
    return httpx.post(
        f"{hub.base_url}/graphql",
        json={"query": LOOKUP, "variables": {"c": hub.samples["enterprise"]}},
        headers={"Authorization": f"Bearer {token}", **headers},
        timeout=30,
    )


@pytest.mark.parametrize("operator", UNFIT_OPERATORS)
def test_an_unfit_operator_is_refused_naming_the_header_and_registered(hub: HubFixture, operator: str) -> None:
    response = _lookup(hub, {"X-Hub-Operator": operator})
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert codes(body) == ["BAD_USER_INPUT"]
    error = body["errors"][0]
    assert error["message"].startswith("the X-Hub-Operator header holds ")
    assert "percent-encoded UTF-8" in error["extensions"]["fix"]
    registered = [e for e in all_events(hub, {"department": "approval-bureau"}) if e["eventId"] == event_id(body)]
    assert len(registered) == 1
    assert registered[0]["errorCodes"] == ["BAD_USER_INPUT"]
    assert registered[0]["operator"] is None
    assert registered[0]["subjects"] == []


@pytest.mark.parametrize("request_id", ["x" * 129, "two words", "id\tx", "请求-1"])
def test_an_unfit_request_id_is_refused_naming_the_header(hub: HubFixture, request_id: str) -> None:
    body = _lookup(hub, {"X-Request-Id": request_id.encode(), "X-Hub-Operator": "clerk-7"}).json()
    assert body["data"] is None
    assert codes(body) == ["BAD_USER_INPUT"]
    assert "X-Request-Id" in body["errors"][0]["message"]
    assert event_id(body)


def test_a_fit_operator_and_request_id_are_registered_as_sent(hub: HubFixture) -> None:
    body = _lookup(hub, {"X-Hub-Operator": "%E7%8E%8B%E5%AE%A1%E6%89%B9 07", "X-Request-Id": "req-42:a/b"}).json()
    assert body["data"]["subject"]["code"] == hub.samples["enterprise"]
    registered = next(e for e in all_events(hub, {"department": "approval-bureau"}) if e["eventId"] == event_id(body))
    assert registered["operator"] == "王审批 07"


def _forged_token(client_id: str) -> str:
    """An unsigned token claiming `client_id`: refused, and its claim reaches the auth-failure receipt."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'ES256', 'typ': 'at+jwt', 'kid': 'none'})}.{part({'client_id': client_id})}.c2ln"


def test_attackers_cannot_stop_the_other_callers_receipts(hub: HubFixture) -> None:
    """Two threads send what once failed every commit they shared; every legitimate request is served."""
    stop = threading.Event()
    attacks: list[int] = []
    token = hub.token("approval-bureau")
    forged = _forged_token("evil\x00")

    def attack(headers: dict[str, str]) -> None:
        with httpx.Client(base_url=hub.base_url, timeout=30) as client:
            while not stop.is_set():
                body = {"query": LOOKUP, "variables": {"c": hub.samples["enterprise"]}}
                response = client.post("/graphql", json=body, headers=headers)
                attacks.append(response.status_code)

    attackers = [
        threading.Thread(target=attack, args=({"Authorization": f"Bearer {token}", "X-Hub-Operator": "%00"},)),
        threading.Thread(target=attack, args=({"Authorization": f"Bearer {forged}"},)),
    ]
    for thread in attackers:
        thread.start()
    served, ready, refused = 0, [], []
    try:
        time.sleep(0.2)
        with httpx.Client(base_url=hub.base_url, timeout=30) as client:
            for n in range(80):
                body = _lookup(hub, {"X-Hub-Operator": f"clerk-{n}"}).json()
                if "errors" not in body and body["data"]["subject"] and event_id(body):
                    served += 1
                else:
                    refused.append(body)
                if n % 10 == 0:
                    ready.append(client.get("/readyz").status_code)
    finally:
        stop.set()
        for thread in attackers:
            thread.join()
    assert len(attacks) > 20
    assert served == 80, refused  # what a refused legitimate request answered, to tell why
    assert set(ready) == {200}
    assert httpx.get(f"{hub.base_url}/readyz", timeout=30).status_code == 200
