"""The JWT attack set against the whole hub over HTTP: every forged, altered, foreign, stale or revoked token is
refused with 401 and a Bearer challenge, and the refusal is in the query register with its reason.

The attacks are built once, in tests/identity/support.py (`credential_attacks`), and also run against the bare
authorisation server in tests/web/test_oauth.py.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from tests.graphql.audit_hub import EVENTS, run_apart
from tests.identity.support import build_stack, credential_attacks
from tests.security.conftest import PRIVACY, post, token_for
from tests.support.server import HubFixture

QUERY = {"query": "{ me { department } }"}


@pytest.fixture(scope="module")
def attacks(hub: HubFixture) -> dict[str, tuple[str | None, str]]:
    """Answers the attack set, signed where needed with the running hub's own key."""

    async def build() -> dict[str, tuple[str | None, str]]:
        stack = build_stack(hub.settings)
        try:
            return await credential_attacks(stack, time.time())
        finally:
            await stack.engine.dispose()

    built: dict[str, tuple[str | None, str]] = run_apart(build())
    return built


def _newest_refusal(hub: HubFixture) -> dict[str, Any]:
    body = hub.graphql(PRIVACY, EVENTS, {"f": {"type": "AUTH_FAILURE"}, "first": 1}).json()
    assert "errors" not in body, body
    node: dict[str, Any] = body["data"]["auditEvents"]["edges"][0]["node"]
    return node


def _refused(hub: HubFixture, authorization: str | None) -> httpx.Response:
    headers = {"X-Request-Id": str(uuid.uuid4())}
    if authorization is not None:
        headers["Authorization"] = authorization
    return post(hub, None, QUERY, headers=headers)


def _assert_refused(hub: HubFixture, response: httpx.Response, reason: str, authorization: str | None) -> None:
    assert response.status_code == 401, response.text
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="credit-hub"')
    if reason not in {"missing", "not_bearer"}:
        assert 'error="invalid_token"' in challenge
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    if authorization and " " in authorization:
        assert authorization.split(" ", 1)[1] not in response.text, "token echoed back"
    registered = _newest_refusal(hub)
    assert registered["outcome"] == "UNAUTHENTICATED"
    assert registered["errorCodes"] == ["UNAUTHENTICATED", reason]


def test_every_attack_is_401_with_a_challenge_and_registered(
    hub: HubFixture, attacks: dict[str, tuple[str | None, str]]
) -> None:
    assert len(attacks) >= 30
    for case, (authorization, reason) in attacks.items():
        try:
            _assert_refused(hub, _refused(hub, authorization), reason, authorization)
        except AssertionError as failure:
            raise AssertionError(f"{case}: {failure}") from None


def test_a_revoked_token_is_refused_on_its_next_use_and_registered(hub: HubFixture) -> None:
    client = hub.clients["bank"]
    token = token_for(hub, client).json()["access_token"]
    assert post(hub, token, QUERY).status_code == 200
    revoked = httpx.post(
        f"{hub.base_url}/oauth/revoke", data={"token": token}, auth=(client["client_id"], client["client_secret"])
    )
    assert revoked.status_code == 200
    _assert_refused(hub, _refused(hub, f"Bearer {token}"), "revoked", f"Bearer {token}")
    assert _newest_refusal(hub)["clientId"] == client["client_id"]


def test_a_200_kb_token_is_refused_like_any_other_and_registered(hub: HubFixture) -> None:
    authorization = "Bearer " + "A" * 100_000 + "." + "A" * 100_000 + ".AAAA"
    _assert_refused(hub, _refused(hub, authorization), "malformed", authorization)
