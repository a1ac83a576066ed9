"""Wrong client secrets at /oauth/token are throttled per client id and per address, for a short window only."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.support.server import HubFixture

WINDOW = 3.0


@pytest.fixture(scope="module")
def hub_settings() -> dict[str, Any]:
    """Three failures per client id or address within three seconds."""
    return {"auth_failure_limit": 3, "auth_failure_window_seconds": WINDOW}


def _token(hub: HubFixture, client_id: str, secret: str, address: str) -> httpx.Response:
    transport = httpx.HTTPTransport(local_address=address)  # the loopback network is 127.0.0.0/8
    with httpx.Client(transport=transport, timeout=30) as client:
        form = {"grant_type": "client_credentials"}
        return client.post(f"{hub.base_url}/oauth/token", data=form, auth=(client_id, secret))


def test_wrong_secrets_for_one_client_from_many_addresses_throttle_that_client(hub: HubFixture) -> None:
    bank = hub.clients["bank"]
    for n in range(3):
        assert _token(hub, bank["client_id"], f"guess-{n}", f"127.0.0.{10 + n}").status_code == 401
    refused = _token(hub, bank["client_id"], bank["client_secret"], "127.0.0.20")
    assert refused.status_code == 429
    assert refused.json()["code"] == "RATE_LIMITED"
    assert "retry in" in refused.json()["error_description"]
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= WINDOW
    other = hub.clients["tax"]
    assert _token(hub, other["client_id"], other["client_secret"], "127.0.0.20").status_code == 200
    time.sleep(wait + 0.2)
    assert _token(hub, bank["client_id"], bank["client_secret"], "127.0.0.20").status_code == 200


def test_wrong_secrets_from_one_address_throttle_that_address(hub: HubFixture) -> None:
    for n in range(3):
        assert _token(hub, f"unknown-{n}", "guess", "127.0.0.30").status_code == 401
    court = hub.clients["court"]
    refused = _token(hub, court["client_id"], court["client_secret"], "127.0.0.30")
    assert refused.status_code == 429
    assert refused.headers["Cache-Control"] == "no-store"
    assert _token(hub, court["client_id"], court["client_secret"], "127.0.0.31").status_code == 200
    time.sleep(int(refused.headers["Retry-After"]) + 0.2)
    assert _token(hub, court["client_id"], court["client_secret"], "127.0.0.30").status_code == 200
