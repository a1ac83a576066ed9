"""Bad input to objections and repairs gets a clear error with a fix, and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hub.demo.facts import Penalty
from hub.demo.generator import subject_facts
from tests.conftest import BACKENDS
from tests.rights.support import APPLY, DECIDE, FILE, MINE, RESOLVE, as_self, codes, pending_feedback, rights_hub
from tests.support.server import SEED, HubFixture

RECORD = """query($c: ID!) { subject(code: $c, purpose: SUPERVISION) {
  listings { id list } penalties { id amount decisionNumber } courtDishonesty { id caseNumber }
  licences { id title } } }"""
EVIDENCE = [{"kind": "PUBLIC_SERVICE", "description": "参加社区志愿服务40小时"}]


@pytest.fixture(scope="module", params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    yield from rights_hub(request.param, tmp_path_factory.mktemp("rights-bad"))


def _record(hub: HubFixture, code: str) -> dict[str, Any]:
    body = hub.graphql("market-regulation", RECORD, {"c": code}).json()
    assert "errors" not in body, body
    return body["data"]["subject"]  # type: ignore[no-any-return]


def _mine(hub: HubFixture, code: str) -> dict[str, Any]:
    return as_self(hub, code, MINE)["data"]  # type: ignore[no-any-return]


def _file(hub: HubFixture, code: str, item: str, reason: str = "该信息与事实不符，申请核实") -> dict[str, Any]:
    return as_self(hub, code, FILE, {"i": {"itemId": item, "reason": reason}})


def test_objections_to_other_subjects_or_unknown_items_are_refused(hub: HubFixture) -> None:
    firm, other = hub.samples["enterprise"], hub.samples["blacklisted"]
    foreign = _record(hub, other)["courtDishonesty"][0]["id"]
    for item, code in [
        (foreign, "NOT_FOUND"),
        ("datong:listing:99999999", "NOT_FOUND"),
        ("nonsense", "BAD_USER_INPUT"),
        ("datong:registration:" + firm, "BAD_USER_INPUT"),
    ]:
        body = _file(hub, firm, item)
        assert codes(body) == [code], (item, body)
        assert body["errors"][0]["extensions"]["fix"]
        assert firm not in body["errors"][0]["message"]
        assert other not in body["errors"][0]["message"]
    assert codes(_file(hub, firm, foreign, reason="短")) == ["BAD_USER_INPUT"]
    assert _mine(hub, firm)["myObjections"] == []
    department = hub.graphql("market-regulation", FILE, {"i": {"itemId": foreign, "reason": "代为提出异议"}})
    assert codes(department.json()) == ["FORBIDDEN"]


def test_a_second_objection_and_a_decision_by_another_department_are_refused(hub: HubFixture) -> None:
    firm = hub.samples["enterprise"]
    item = next(i["id"] for i in _record(hub, firm)["listings"] if i["list"] == "KEY_ATTENTION")
    first = _file(hub, firm, item)["data"]["fileObjection"]
    again = _file(hub, firm, item)
    assert codes(again) == ["BAD_USER_INPUT"]
    assert "already filed" in again["errors"][0]["message"]
    assert [o["id"] for o in _mine(hub, firm)["myObjections"]] == [first["id"]]

    decision = {"id": first["id"], "decision": "UPHOLD", "outcome": "REVOKE", "note": "核实有误，予以撤销"}
    refused = hub.graphql("tax", RESOLVE, {"i": decision}).json()
    assert codes(refused) == ["FORBIDDEN"]
    assert "market-regulation" in refused["errors"][0]["extensions"]["fix"]
    for wrong in ({"outcome": None}, {"decision": "REJECT"}, {"corrections": [{"field": "list", "value": "RED"}]}):
        body = hub.graphql("market-regulation", RESOLVE, {"i": {**decision, **wrong}}).json()
        assert codes(body) == ["BAD_USER_INPUT"], wrong
    unknown = hub.graphql("market-regulation", RESOLVE, {"i": {**decision, "id": "no-such-objection"}}).json()
    assert codes(unknown) == ["NOT_FOUND"]
    assert _mine(hub, firm)["myObjections"][0]["status"] == "OPEN"

    upheld = hub.graphql("market-regulation", RESOLVE, {"i": decision}).json()["data"]["resolveObjection"]
    assert upheld["status"] == "UPHELD"
    assert upheld["outcome"] == "REVOKE"
    assert item not in {i["id"] for i in _record(hub, firm)["listings"]}, "a revoked item is gone for everyone"
    assert codes(hub.graphql("market-regulation", RESOLVE, {"i": decision}).json()) == ["BAD_USER_INPUT"]

    notices = pending_feedback(hub, item.split(":")[0])
    assert [(n["item_id"], n["kind"], n["payload"]["outcome"]) for n in notices] == [
        (item, "OBJECTION_UPHELD", "REVOKE")
    ]


def test_an_upheld_correction_changes_the_value_everyone_sees(hub: HubFixture) -> None:
    firm = hub.samples["enterprise"]
    penalty = _record(hub, firm)["penalties"][0]
    objection = _file(hub, firm, penalty["id"], "罚款金额登记错误")["data"]["fileObjection"]
    base = {"id": objection["id"], "decision": "UPHOLD", "outcome": "CORRECT", "note": "金额录入有误，已更正"}
    bad = hub.graphql("market-regulation", RESOLVE, {"i": {**base, "corrections": [{"field": "amount", "value": "x"}]}})
    assert codes(bad.json()) == ["BAD_USER_INPUT"]
    unknown = [{"field": "reporter_name", "value": "x"}]
    assert codes(hub.graphql("market-regulation", RESOLVE, {"i": {**base, "corrections": unknown}}).json()) == [
        "BAD_USER_INPUT"
    ]
    fixed = [{"field": "amount", "value": "1000.00"}]
    body = hub.graphql("market-regulation", RESOLVE, {"i": {**base, "corrections": fixed}}).json()
    assert body["data"]["resolveObjection"]["corrections"] == fixed
    shown = {p["id"]: p for p in _record(hub, firm)["penalties"]}
    assert shown[penalty["id"]]["amount"] == "1000.00"
    assert shown[penalty["id"]]["decisionNumber"] == penalty["decisionNumber"]


def test_repairs_the_law_rules_out_are_refused_and_nothing_is_stored(hub: HubFixture) -> None:
    firm = hub.samples["blacklisted"]
    record = _record(hub, firm)
    for item, words in [
        (record["courtDishonesty"][0]["id"], "unperformed"),
        (record["licences"][0]["id"], "nothing to repair"),
    ]:
        body = as_self(hub, firm, APPLY, {"i": {"itemId": item, "evidence": EVIDENCE}})
        assert codes(body) == ["BAD_USER_INPUT"]
        assert words in body["errors"][0]["message"]
        assert body["errors"][0]["extensions"]["fix"]
    empty = as_self(hub, firm, APPLY, {"i": {"itemId": record["listings"][0]["id"], "evidence": []}})
    assert codes(empty) == ["BAD_USER_INPUT"]
    assert _mine(hub, firm)["myRepairs"] == []


def test_a_repair_is_decided_only_by_the_owning_department_and_only_once(hub: HubFixture) -> None:
    firm = hub.samples["enterprise"]
    facts = subject_facts(SEED, 0)
    assert any(isinstance(item, Penalty) for _, item in facts.items)
    penalty = _record(hub, firm)["penalties"][-1]["id"]
    applied = as_self(hub, firm, APPLY, {"i": {"itemId": penalty, "evidence": EVIDENCE}})["data"]["applyCreditRepair"]
    twice = as_self(hub, firm, APPLY, {"i": {"itemId": penalty, "evidence": EVIDENCE}})
    assert codes(twice) == ["BAD_USER_INPUT"]
    decision = {"id": applied["id"], "decision": "APPROVE", "note": "整改到位"}
    assert codes(hub.graphql("court", DECIDE, {"i": decision}).json()) == ["FORBIDDEN"]
    assert codes(hub.graphql("approval-bureau", DECIDE, {"i": decision}).json()) == ["FORBIDDEN"]
    refused = {**decision, "decision": "REFUSE", "note": "未提交完成整改的证明材料"}
    assert hub.graphql("market-regulation", DECIDE, {"i": refused}).json()["data"]["decideCreditRepair"]["status"] == (
        "REFUSED"
    )
    assert penalty in {p["id"] for p in _record(hub, firm)["penalties"]}, "a refusal hides nothing"
    assert codes(hub.graphql("market-regulation", DECIDE, {"i": decision}).json()) == ["BAD_USER_INPUT"]


def test_departments_see_their_queue_and_overdue_objections(hub: HubFixture) -> None:
    queue = hub.graphql("market-regulation", "{ objectionsToResolve { id department overdue } }").json()
    assert queue["data"]["objectionsToResolve"], queue
    assert {o["department"] for o in queue["data"]["objectionsToResolve"]} == {"market-regulation"}
    assert hub.graphql("tax", "{ objectionsToResolve { id } }").json()["data"]["objectionsToResolve"] == []
    overdue = hub.graphql("privacy-office", "{ overdueObjections { id overdue } }").json()
    assert overdue["data"]["overdueObjections"] == []
    assert codes(hub.graphql("public", "{ overdueObjections { id } }").json()) == ["FORBIDDEN"]
