"""The whole story over HTTP: a black-listed enterprise's check, its objection, the rejection with the clock
continued, then an approved credit repair that removes the measures and hides the item from every department."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import BACKENDS
from tests.rights.support import APPLY, DECIDE, FILE, MINE, RESOLVE, as_self, backdate_objection, rights_hub
from tests.support.server import COURT_CASE, HubFixture

CHECK = """query($c: ID!) { creditCheck(code: $c, matter: "GOVERNMENT_PROCUREMENT", purpose: ADMINISTRATIVE_APPROVAL) {
  listStatus measures { code mandatory suspended legalBasis basisItemId endsOn } } }"""
REPRESENTED = """query($c: ID!) { subject(code: $c, purpose: SUPERVISION) {
  representedEnterprises { enterpriseCode listings { id list } } } }"""
LISTINGS = "query($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) { listings { id expiresOn } } }"
EVERY_DEPARTMENT = {
    "approval-bureau": "ADMINISTRATIVE_APPROVAL", "market-regulation": "SUPERVISION", "tax": "SUPERVISION",
    "court": "LAW_ENFORCEMENT", "bank": "CREDIT_LENDING", "public": "PUBLIC_DISCLOSURE",
}  # fmt: skip
SUSPENDED_DAYS = 10


@pytest.fixture(scope="module", params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    yield from rights_hub(request.param, tmp_path_factory.mktemp("rights-story"))


def _measures(hub: HubFixture, code: str) -> dict[str, dict[str, Any]]:
    body = hub.graphql("approval-bureau", CHECK, {"c": code}).json()
    assert "errors" not in body, body
    return {m["code"]: m for m in body["data"]["creditCheck"]["measures"]}


def _listings(hub: HubFixture, department: str, code: str) -> dict[str, str | None]:
    case = COURT_CASE if department == "court" else None  # the court's searches name their case
    body = hub.graphql(department, LISTINGS, {"c": code, "p": EVERY_DEPARTMENT[department]}, case=case).json()
    assert "errors" not in body, (department, body)
    return {item["id"]: item["expiresOn"] for item in body["data"]["subject"]["listings"]}


def _day(text: str) -> date:
    return date.fromisoformat(text)


def test_objection_rejection_and_repair_of_a_black_listing(hub: HubFixture) -> None:
    firm = hub.samples["blacklisted"]
    before = _measures(hub, firm)
    black = before["GP-01"]
    assert black["mandatory"]
    assert not black["suspended"]
    assert "政府采购法" in black["legalBasis"]
    item = black["basisItemId"]
    assert not before["GP-02"]["suspended"]

    filed = as_self(hub, firm, FILE, {"i": {"itemId": item, "reason": "列入依据的税务处理决定已被行政复议撤销"}})
    objection = filed["data"]["fileObjection"]
    assert objection["status"] == "OPEN"
    assert objection["department"] == "tax", "the tax bureau decided the listing (谁决定、谁负责)"
    assert _day(objection["dueOn"]) >= date.today() + timedelta(days=15)
    assert objection["dueOnEstimated"] is (_day(objection["dueOn"]).year > 2026), "chinese-calendar knows 2026"
    during = _measures(hub, firm)
    assert during["GP-01"]["suspended"] is True, "suspended while the source verifies"
    assert during["GP-02"]["suspended"] is False, "the court case is not under objection"

    backdate_objection(hub, objection["id"], SUSPENDED_DAYS)
    decision = {"id": objection["id"], "decision": "REJECT", "note": "经核实，列入依据有效"}
    rejected = hub.graphql("tax", RESOLVE, {"i": decision}).json()["data"]["resolveObjection"]
    assert rejected["status"] == "REJECTED"
    assert rejected["suspendedDays"] == SUSPENDED_DAYS
    after = _measures(hub, firm)
    assert after["GP-01"]["suspended"] is False
    assert _day(after["GP-01"]["endsOn"]) == _day(black["endsOn"]) + timedelta(days=SUSPENDED_DAYS)
    expires = _listings(hub, "approval-bureau", firm)[item]
    assert expires is not None
    assert _day(expires) == _day(black["endsOn"]) + timedelta(days=SUSPENDED_DAYS)

    evidence = [
        {"kind": "RECTIFICATION", "description": "已补缴全部税款、滞纳金并缴纳罚款"},
        {"kind": "COMMITMENT", "description": "书面信用承诺：依法诚信纳税"},
        {"kind": "TRAINING", "description": "参加信用修复专题培训并取得结业证明"},
    ]
    applied = as_self(hub, firm, APPLY, {"i": {"itemId": item, "evidence": evidence}})["data"]["applyCreditRepair"]
    assert applied["status"] == "PENDING"
    assert len(applied["evidence"]) == 3
    approval = {"id": applied["id"], "decision": "APPROVE", "note": "整改到位，准予信用修复"}
    approved = hub.graphql("tax", DECIDE, {"i": approval}).json()["data"]["decideCreditRepair"]
    assert approved["status"] == "APPROVED"
    assert approved["publishedAt"]

    repaired = _measures(hub, firm)
    assert "GP-01" not in repaired, "punishment on the repaired item stops"
    assert "GP-02" in repaired, "the court case is not repaired"
    for department in EVERY_DEPARTMENT:
        assert item not in _listings(hub, department, firm), f"{department} still sees the repaired item"
    body = hub.graphql("market-regulation", REPRESENTED, {"c": hub.samples["person"]}).json()
    linked = {e["enterpriseCode"]: e["listings"] for e in body["data"]["subject"]["representedEnterprises"]}
    assert linked[firm] == [], "nor does it show under the legal representative's enterprises"

    mine = as_self(hub, firm, MINE)["data"]
    assert [(o["itemId"], o["status"], o["suspendedDays"]) for o in mine["myObjections"]] == [
        (item, "REJECTED", SUSPENDED_DAYS)
    ]
    assert [(r["itemId"], r["status"]) for r in mine["myRepairs"]] == [(item, "APPROVED")]


OWN_HISTORY = """{ myRecord { listings { id list rightsStatus rightsStatusOn }
  penalties { id amount rightsStatus rightsStatusOn } licences { id title rightsStatus } } }"""
SUPERVISED = """query($c: ID!) { subject(code: $c, purpose: SUPERVISION) {
  listings { id list } penalties { id amount } courtDishonesty { id caseNumber rightsStatus rightsStatusOn } } }"""


def test_the_subject_still_sees_its_repaired_and_revoked_items_marked_with_the_date(hub: HubFixture) -> None:
    firm = hub.samples["enterprise"]
    before = as_self(hub, firm, OWN_HISTORY)["data"]["myRecord"]
    assert {i["rightsStatus"] for i in before["listings"] + before["penalties"]} == {None}
    listing = next(i["id"] for i in before["listings"] if i["list"] == "KEY_ATTENTION")
    penalty = before["penalties"][0]["id"]
    filed = as_self(hub, firm, FILE, {"i": {"itemId": listing, "reason": "名单信息与事实不符"}})["data"]
    revoke = {"id": filed["fileObjection"]["id"], "decision": "UPHOLD", "outcome": "REVOKE", "note": "核实有误"}
    assert "errors" not in hub.graphql(filed["fileObjection"]["department"], RESOLVE, {"i": revoke}).json()
    evidence = [{"kind": "RECTIFICATION", "description": "已全部履行处罚决定并完成整改"}]
    applied = as_self(hub, firm, APPLY, {"i": {"itemId": penalty, "evidence": evidence}})["data"]["applyCreditRepair"]
    approve = {"id": applied["id"], "decision": "APPROVE", "note": "整改到位"}
    assert "errors" not in hub.graphql("market-regulation", DECIDE, {"i": approve}).json()

    mine = as_self(hub, firm, OWN_HISTORY)
    assert "errors" not in mine, mine
    listings = {i["id"]: i for i in mine["data"]["myRecord"]["listings"]}
    penalties = {i["id"]: i for i in mine["data"]["myRecord"]["penalties"]}
    today = date.today()
    assert (listings[listing]["rightsStatus"], _day(listings[listing]["rightsStatusOn"])) == ("REVOKED", today)
    assert (penalties[penalty]["rightsStatus"], _day(penalties[penalty]["rightsStatusOn"])) == ("REPAIRED", today)
    assert set(listings) == {i["id"] for i in before["listings"]}, "nothing vanished from the subject's own view"
    others = [i for i in [*listings.values(), *penalties.values()] if i["id"] not in (listing, penalty)]
    assert all((i["rightsStatus"], i["rightsStatusOn"]) == (None, None) for i in others)

    theirs = hub.graphql("market-regulation", SUPERVISED, {"c": firm}).json()
    seen = theirs["data"]["subject"]
    assert listing not in {i["id"] for i in seen["listings"]}, "others no longer see the revoked item"
    assert penalty not in {i["id"] for i in seen["penalties"]}, "nor the repaired one"
    court = hub.graphql("market-regulation", SUPERVISED, {"c": hub.samples["blacklisted"]}).json()
    assert court["data"]["subject"]["courtDishonesty"], court
    denied = {e["path"][-1] for e in court["errors"] if e["extensions"]["code"] == "FIELD_DENIED"}
    assert denied == {"rightsStatus", "rightsStatusOn"}, "only the subject sees an item's rights status"
