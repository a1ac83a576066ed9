"""Anomalies over real HTTP: one anomaly with its events in one operation, reviews kept and registered (once per
submission), refused look-ups naming their target; officers of the development identity provider named by token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.graphql.audit_hub import PRIVACY, all_events, backends, codes, event_id, running_hub
from tests.support.server import HubFixture

SUBJECT = "query($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) { code name } }"
ANOMALIES = "{ auditAnomalies { id rule eventIds review { note reviewer reviewedAt requestId } } }"
ONE = """query($id: ID!) { auditAnomaly(id: $id) { id rule eventIds review { note reviewer }
  events { eventId outcome subjects { code } } } }"""
REVIEW = """mutation($i: ReviewAnomalyInput!) { reviewAnomaly(input: $i) { anomalyId note reviewer requestId } }"""


@pytest.fixture(scope="module", params=backends())
def anomaly_hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    """A hub of this module's own (dev login on) with a burst of refused look-ups, on each backend."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    with running_hub(request.param, tmp_path_factory.mktemp("anomaly-hub"), dev_login=True) as hub:
        for _ in range(6):
            hub.graphql("public", SUBJECT, {"c": hub.samples["enterprise"], "p": "LAW_ENFORCEMENT"})
        yield hub


def _burst(hub: HubFixture) -> dict[str, Any]:
    found = hub.graphql(PRIVACY, ANOMALIES).json()["data"]["auditAnomalies"]
    return next(a for a in found if a["rule"] == "repeated_denials")


def _officer_token(hub: HubFixture, account: str) -> str:
    response = httpx.post(f"{hub.base_url}/dev/login", json={"officer": account}, timeout=30)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _as(hub: HubFixture, token: str, query: str, variables: dict[str, Any] | None = None, **headers: str) -> Any:
    sent = {"Authorization": f"Bearer {token}", **headers}
    body = {"query": query, "variables": variables or {}}
    return httpx.post(f"{hub.base_url}/graphql", json=body, headers=sent, timeout=30).json()


def test_a_refused_look_up_names_its_target_subject(anomaly_hub: HubFixture) -> None:
    refused = anomaly_hub.graphql("public", SUBJECT, {"c": anomaly_hub.samples["enterprise"], "p": "LAW_ENFORCEMENT"})
    receipt = event_id(refused.json())
    events = all_events(anomaly_hub, {"department": "public", "outcome": "DENIED"})
    mine = next(e for e in events if e["eventId"] == receipt)
    assert [s["code"] for s in mine["subjects"]] == [anomaly_hub.samples["enterprise"]]


def test_one_anomaly_comes_with_its_events(anomaly_hub: HubFixture) -> None:
    burst = _burst(anomaly_hub)
    body = anomaly_hub.graphql(PRIVACY, ONE, {"id": burst["id"]}).json()
    one = body["data"]["auditAnomaly"]
    assert one["id"] == burst["id"]
    assert {e["eventId"] for e in one["events"]} == set(burst["eventIds"])
    assert {e["outcome"] for e in one["events"]} == {"DENIED"}
    assert anomaly_hub.graphql(PRIVACY, ONE, {"id": "0" * 24}).json()["data"]["auditAnomaly"] is None


def test_officers_of_the_identity_provider_are_listed_and_named_by_their_token(anomaly_hub: HubFixture) -> None:
    listed = httpx.get(f"{anomaly_hub.base_url}/dev/officers", timeout=30).json()["officers"]
    assert {"account": "wangmin", "name": "王敏", "department": "privacy-office"} in listed
    token = _officer_token(anomaly_hub, "wangmin")
    body = _as(anomaly_hub, token, "{ me { department scopes } auditIntegrity { verified } }", **{
        "X-Hub-Operator": "someone-else"})  # fmt: skip
    assert body["data"]["me"]["department"] == PRIVACY
    receipt = event_id(body)
    events = all_events(anomaly_hub, {"department": PRIVACY, "operator": "王敏（wangmin）"})
    assert receipt in {e["eventId"] for e in events}, "the token names the officer; a header cannot rename them"
    unknown = httpx.post(f"{anomaly_hub.base_url}/dev/login", json={"officer": "nobody"}, timeout=30)
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "NOT_FOUND"
    assert "wangmin" in unknown.json()["fix"]


def test_a_review_is_kept_registered_and_made_once_per_submission(anomaly_hub: HubFixture) -> None:
    burst = _burst(anomaly_hub)
    token = _officer_token(anomaly_hub, "zhaoli")
    review = {"anomalyId": burst["id"], "note": "误用执法用途，已通知整改。", "submissionId": "form-0123456789"}
    first = _as(anomaly_hub, token, REVIEW, {"i": review})
    again = _as(anomaly_hub, token, REVIEW, {"i": {**review, "note": "第二次发送"}})
    assert first["data"]["reviewAnomaly"] == again["data"]["reviewAnomaly"], "the same form sent twice is one review"
    assert first["data"]["reviewAnomaly"]["reviewer"] == "赵丽（zhaoli）"
    shown = _burst(anomaly_hub)["review"]
    assert (shown["note"], shown["reviewer"]) == ("误用执法用途，已通知整改。", "赵丽（zhaoli）")
    registered = all_events(anomaly_hub, {"type": "AUDIT_REVIEW", "operator": "赵丽（zhaoli）"})
    assert event_id(first) in {e["eventId"] for e in registered}


@pytest.mark.parametrize(
    ("change", "code", "names"),
    [
        ({"note": "  "}, "BAD_USER_INPUT", "input.note"),
        ({"note": "x" * 2001}, "BAD_USER_INPUT", "input.note"),
        ({"submissionId": "short"}, "BAD_USER_INPUT", "input.submissionId"),
        ({"anomalyId": "0" * 24}, "NOT_FOUND", "no anomaly"),
    ],
)
def test_a_bad_review_is_refused_naming_the_input(
    anomaly_hub: HubFixture, change: dict[str, str], code: str, names: str
) -> None:
    review = {"anomalyId": _burst(anomaly_hub)["id"], "note": "已核查", **change}
    body = anomaly_hub.graphql(PRIVACY, REVIEW, {"i": review}).json()
    assert codes(body) == [code]
    assert names in body["errors"][0]["message"]


def test_a_review_names_its_officer_and_needs_audit_read(anomaly_hub: HubFixture) -> None:
    review = {"anomalyId": _burst(anomaly_hub)["id"], "note": "已核查"}
    unnamed = anomaly_hub.graphql(PRIVACY, REVIEW, {"i": review}, operator=None).json()
    assert codes(unnamed) == ["FORBIDDEN"]
    assert codes(anomaly_hub.graphql("bank", REVIEW, {"i": review}).json()) == ["FORBIDDEN"]
