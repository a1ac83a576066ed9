"""Corrections reach the sources: the deciding department pulls its notices until it acknowledges them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import BACKENDS
from tests.rights.support import DECIDE, FILE, RESOLVE, as_self, backdate_notices, codes, rights_hub
from tests.support.server import HubFixture

PULL = """query($first: Int, $after: String) { sourceFeedback(first: $first, after: $after) {
  edges { cursor node { id source itemId recordType kind action decisionId decidedOn corrections { field value }
    queuedAt deliveries acknowledgedAt } }
  pageInfo { hasNextPage endCursor } } }"""
ACK = "mutation($ids: [ID!]!) { acknowledgeSourceFeedback(ids: $ids) { id acknowledgedAt deliveries } }"
RECORD = """query($c: ID!) { subject(code: $c, purpose: SUPERVISION) {
  name legalRepresentative { name idNumber } listings { id list reason } penalties { id amount } } }"""
CHECK = """query($c: ID!) { creditCheck(code: $c, matter: "GOVERNMENT_PROCUREMENT", purpose: ADMINISTRATIVE_APPROVAL) {
  measures { code basisItemId } } }"""
ANOMALIES = "{ auditAnomalies { rule scope description windowStart } }"
REASON = "该名单列入依据与事实不符，申请核实"


@pytest.fixture(scope="module", params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    yield from rights_hub(request.param, tmp_path_factory.mktemp("source-feedback"))


APPLY_FOR = "mutation($i: CreditRepairInput!) { applyCreditRepair(input: $i) { id department } }"


def _decide(hub: HubFixture, department: str, query: str, decision: dict[str, Any]) -> None:
    body = hub.graphql(department, query, {"i": decision}).json()
    assert "errors" not in body, body


@pytest.fixture(scope="module")
def decided(hub: HubFixture) -> dict[str, Any]:
    """Answers, in the order decided, (item, deciding department) of an objection upheld by revocation, one upheld
    by correction and an approved repair, and the record they came from."""
    firm, black = hub.samples["enterprise"], hub.samples["blacklisted"]
    record = hub.graphql("market-regulation", RECORD, {"c": firm}).json()["data"]["subject"]
    listing = next(i["id"] for i in record["listings"] if i["list"] == "KEY_ATTENTION")
    penalty = record["penalties"][0]["id"]
    revoked = as_self(hub, firm, FILE, {"i": {"itemId": listing, "reason": REASON}})["data"]["fileObjection"]
    _decide(hub, revoked["department"], RESOLVE, {"id": revoked["id"], "decision": "UPHOLD", "outcome": "REVOKE",
                                                  "note": "核实有误，予以撤销"})  # fmt: skip
    corrected = as_self(hub, firm, FILE, {"i": {"itemId": penalty, "reason": "罚款金额登记错误"}})["data"]
    corrected = corrected["fileObjection"]
    _decide(hub, corrected["department"], RESOLVE, {
        "id": corrected["id"], "decision": "UPHOLD", "outcome": "CORRECT",
        "note": "金额录入有误", "corrections": [{"field": "amount", "value": "1000.00"}],
    })  # fmt: skip
    measures = hub.graphql("approval-bureau", CHECK, {"c": black}).json()["data"]["creditCheck"]["measures"]
    repaired = next(m["basisItemId"] for m in measures if m["code"] == "GP-01")
    evidence = [{"kind": "RECTIFICATION", "description": "已整改完毕并提交整改报告"}]
    applied = as_self(hub, black, APPLY_FOR, {"i": {"itemId": repaired, "evidence": evidence}})["data"]
    applied = applied["applyCreditRepair"]
    _decide(hub, applied["department"], DECIDE, {"id": applied["id"], "decision": "APPROVE", "note": "整改到位"})
    return {
        "decisions": [
            (listing, revoked["department"], "OBJECTION_UPHELD", "REVOKE"),
            (penalty, corrected["department"], "OBJECTION_UPHELD", "CORRECT"),
            (repaired, applied["department"], "REPAIR_APPROVED", "REPAIRED"),
        ],
        "record": record,
        "codes": [firm, black],
    }


def _pull(hub: HubFixture, department: str, **variables: Any) -> dict[str, Any]:
    body = hub.graphql(department, PULL, variables).json()
    assert "errors" not in body, body
    return body


def _nodes(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in body["data"]["sourceFeedback"]["edges"]]


def _expected(decided: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    by_department: dict[str, list[tuple[str, str, str]]] = {}
    for item, department, kind, action in decided["decisions"]:
        by_department.setdefault(department, []).append((item, kind, action))
    return by_department


def test_corrections_reach_the_deciding_department_until_acknowledged(hub: HubFixture, decided: dict[str, Any]) -> None:
    expected = _expected(decided)
    for department, items in expected.items():
        first = _pull(hub, department)
        assert first["extensions"]["audit"]["eventId"], "every pull is registered"
        notices = _nodes(first)
        assert [(n["itemId"], n["kind"], n["action"]) for n in notices] == items, department
        assert {n["deliveries"] for n in notices} == {1}
        assert all(n["decidedOn"] and n["decisionId"] and n["acknowledgedAt"] is None for n in notices)
        assert [n["source"] for n in notices] == [item.split(":")[0] for item, _, _ in items]
        again = _nodes(_pull(hub, department))
        assert [n["id"] for n in again] == [n["id"] for n in notices], "redelivered until acknowledged"
        assert {n["deliveries"] for n in again} == {2}
    corrected = next(n for d in expected for n in _nodes(_pull(hub, d)) if n["action"] == "CORRECT")
    assert corrected["corrections"] == [{"field": "amount", "value": "1000.00"}]

    department = decided["decisions"][0][1]
    notices = _nodes(_pull(hub, department))
    if len(notices) > 1:
        page = _pull(hub, department, first=1)["data"]["sourceFeedback"]
        assert [e["node"]["id"] for e in page["edges"]] == [notices[0]["id"]]
        assert page["pageInfo"]["hasNextPage"]
        rest = _nodes(_pull(hub, department, after=page["pageInfo"]["endCursor"]))
        assert [n["id"] for n in rest] == [n["id"] for n in notices[1:]]
    acknowledged = hub.graphql(department, ACK, {"ids": [notices[0]["id"]]}).json()
    assert "errors" not in acknowledged, acknowledged
    [done] = acknowledged["data"]["acknowledgeSourceFeedback"]
    assert done["acknowledgedAt"]
    twice = hub.graphql(department, ACK, {"ids": [notices[0]["id"]]}).json()
    assert twice["data"]["acknowledgeSourceFeedback"] == [done], "acknowledging is idempotent"
    assert [n["id"] for n in _nodes(_pull(hub, department))] == [n["id"] for n in notices[1:]]


def test_correction_notices_carry_no_personal_data(hub: HubFixture, decided: dict[str, Any]) -> None:
    text = json.dumps([_nodes(_pull(hub, d)) for d in _expected(decided)], ensure_ascii=False)
    record = decided["record"]
    personal = [*decided["codes"], record["name"], *(record["legalRepresentative"] or {}).values(), REASON]
    for value in personal:
        assert value
        assert value not in text, value


def test_a_department_sees_and_acknowledges_only_its_own_notices(hub: HubFixture, decided: dict[str, Any]) -> None:
    expected = _expected(decided)
    for department in ("market-regulation", "tax", "court"):
        shown = {n["itemId"] for n in _nodes(_pull(hub, department))}
        assert shown <= {item for item, _, _ in expected.get(department, [])}, department
    owner, *_ = (d for d in expected if _nodes(_pull(hub, d)))
    other = next(d for d in ("market-regulation", "tax", "court") if d != owner)
    pending = _nodes(_pull(hub, owner))
    foreign = hub.graphql(other, ACK, {"ids": [pending[0]["id"]]}).json()
    assert codes(foreign) == ["NOT_FOUND"]
    assert pending[0]["itemId"] not in foreign["errors"][0]["message"]
    assert [n["id"] for n in _nodes(_pull(hub, owner))] == [n["id"] for n in pending]


def test_only_a_department_holding_feedback_read_pulls_notices(hub: HubFixture, decided: dict[str, Any]) -> None:
    for department in ("bank", "approval-bureau", "public", "privacy-office"):
        assert codes(hub.graphql(department, PULL).json()) == ["FORBIDDEN"], department
    firm = decided["codes"][0]
    assert codes(as_self(hub, firm, PULL)) == ["FORBIDDEN"]
    assert codes(hub.graphql("market-regulation", PULL, {"after": "not-a-cursor"}).json()) == ["BAD_USER_INPUT"]
    assert codes(hub.graphql("market-regulation", PULL, {"first": 0}).json()) == ["BAD_USER_INPUT"]


def _console(hub: HubFixture) -> str:
    """Answers the console's page for the privacy office, an officer signed in through its form (the session cookie
    is Secure, so it is carried by hand over the test's plain HTTP)."""
    jar: dict[str, str] = {}

    def carry(response: httpx.Response) -> httpx.Response:
        jar.update(response.cookies)
        return response

    def cookie() -> dict[str, str]:
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in jar.items())}

    with httpx.Client(base_url=hub.base_url, timeout=30) as browser:
        form = carry(browser.get("/console")).text
        match = re.search(r'name="csrf" value="([^"]+)"', form)
        assert match is not None
        signed = carry(browser.post("/console/login", data={
            "csrf": match.group(1), "officer": "wangmin",
        }, headers={"Origin": hub.base_url, **cookie()}))  # fmt: skip
        assert signed.status_code == 303, signed.text[:500]
        return browser.get("/console", headers=cookie()).text


def test_notices_unacknowledged_too_long_raise_the_age_alarm(hub: HubFixture, decided: dict[str, Any]) -> None:
    def alarms() -> dict[str, str]:
        body = hub.graphql("privacy-office", ANOMALIES).json()
        assert "errors" not in body, body
        return {a["scope"]: a["description"] for a in body["data"]["auditAnomalies"]
                if a["rule"] == "feedback_unacknowledged"}  # fmt: skip

    assert alarms() == {}, "fresh notices raise no alarm"
    backdate_notices(hub, hub.settings.feedback_alarm_hours + 1)
    pending = {d: [n["id"] for n in _nodes(_pull(hub, d))] for d in _expected(decided)}
    raised = alarms()
    assert set(raised) == {f"department:{d}" for d, ids in pending.items() if ids}
    for department, ids in pending.items():
        if ids:
            assert f"{len(ids)} correction notices" in raised[f"department:{department}"]
    assert "来源更正通知逾期未确认" in _console(hub)

    for department, ids in pending.items():
        if ids:
            assert "errors" not in hub.graphql(department, ACK, {"ids": ids}).json()
    assert alarms() == {}, "acknowledged notices end the alarm"
