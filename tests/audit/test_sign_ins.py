"""The authorisation server's refusals reach the register over real HTTP; successes, throttled attempts and
claimed ids that name no client do not."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from hub.audit.events import EventType, Outcome
from hub.audit.sign_ins import auth_failure
from hub.identity.service import AuthEvent
from tests.graphql.audit_hub import PRIVACY, backends, running_hub
from tests.support.server import HubFixture

REFUSALS = """query($f: AuditFilter) { auditEvents(filter: $f, first: 100) {
  edges { node { type outcome clientId operationName errorCodes } } } }"""
RESIDENT_ID = "11010519491231002X"


@pytest.fixture(scope="module", params=backends())
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    """Answers a hub of this module's own (it floods the token endpoint), throttling after three failures."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    with running_hub(request.param, tmp_path_factory.mktemp("sign-ins"), auth_failure_limit=3) as running:
        yield running


def _token(hub: HubFixture, client_id: str, secret: str, **form: str) -> httpx.Response:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return httpx.post(
        f"{hub.base_url}/oauth/token",
        data={"grant_type": "client_credentials", **form},
        headers={"Authorization": f"Basic {basic}"},
        timeout=30,
    )


def _refusals(hub: HubFixture) -> list[dict[str, Any]]:
    body = hub.graphql(PRIVACY, REFUSALS, {"f": {"type": "AUTH_FAILURE"}}).json()
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["auditEvents"]["edges"] if edge["node"]["operationName"]]


def test_a_wrong_secret_is_registered_naming_the_client_and_a_claimed_id_that_names_none_is_not(
    hub: HubFixture,
) -> None:
    client = hub.clients["tax"]
    before = len(_refusals(hub))
    assert _token(hub, client["client_id"], "not-the-secret").status_code == 401
    assert _token(hub, RESIDENT_ID, "guess").status_code == 401
    refusals = _refusals(hub)
    assert len(refusals) == before + 2
    named, unnamed = refusals[1], refusals[0]  # newest first
    assert named == {
        "type": "AUTH_FAILURE", "outcome": "UNAUTHENTICATED", "clientId": client["client_id"],
        "operationName": "oauth.token", "errorCodes": ["UNAUTHENTICATED", "invalid_client"],
    }  # fmt: skip
    assert unnamed["clientId"] is None
    assert RESIDENT_ID not in str(refusals)


def test_a_scope_the_client_may_not_hold_is_registered_as_refused_for_that_client(hub: HubFixture) -> None:
    client = hub.clients["tax"]
    response = _token(hub, client["client_id"], client["client_secret"], scope="audit:read")
    assert response.status_code == 400, response.text
    newest = _refusals(hub)[0]
    assert newest["clientId"] == client["client_id"]
    assert newest["outcome"] == "DENIED"
    assert newest["errorCodes"] == ["FORBIDDEN", response.json()["error"]]


def test_a_token_issued_is_not_a_refusal_and_throttled_attempts_do_not_flood_the_register(hub: HubFixture) -> None:
    client = hub.clients["court"]
    before = len(_refusals(hub))
    assert _token(hub, client["client_id"], client["client_secret"]).status_code == 200
    statuses = [_token(hub, client["client_id"], "wrong").status_code for _ in range(8)]
    assert statuses.count(429) >= 4, statuses
    assert len(_refusals(hub)) - before == statuses.count(401)


@pytest.mark.parametrize("outcome", ["ok", "rate_limited"])
def test_successes_and_throttled_attempts_make_no_event(outcome: str) -> None:
    assert auth_failure(AuthEvent("token", outcome, "c1", outcome == "ok")) is None


def test_an_authenticated_client_refused_is_denied_not_unauthenticated() -> None:
    event = auth_failure(AuthEvent("revoke", "unauthorized_client", "c1", True))
    assert event is not None
    assert (event.type, event.outcome, event.operation_name) == (EventType.AUTH_FAILURE, Outcome.DENIED, "oauth.revoke")
    assert event.error_codes == ("FORBIDDEN", "unauthorized_client")
