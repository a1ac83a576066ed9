"""creditCheck, creditChecks, the measures list and execution feedback over real HTTP and seeded sources."""

from __future__ import annotations

from datetime import date
from typing import Any

from hub.demo.facts import Listing
from hub.demo.generator import subject_facts
from tests.support.server import SEED, SUBJECTS

CHECK = """query($c: ID!, $m: String!) { creditCheck(code: $c, matter: $m, purpose: ADMINISTRATIVE_APPROVAL) {
  code kind matter listStatus complete incomplete
  entries { itemId list startsOn endsOn suspended holder }
  measures { code content kind mandatory suspended legalBasis implementingDepartment basisItemId basisList via
             endsOn }
  greenChannel { eligible reason legalBasis } } }"""
BULK = """query($cs: [ID!]!) { creditChecks(codes: $cs, matter: "GOVERNMENT_PROCUREMENT",
  purpose: ADMINISTRATIVE_APPROVAL) { code listStatus measures { code mandatory suspended legalBasis } } }"""
REPORT = """mutation($i: MeasureExecutionInput!) { reportMeasureExecution(input: $i) { id reported reportedAt } }"""
STATS = "query { measureStatistics { measure mandatory reported executed notExecuted executionRate departments " \
        "reasons { reason count } } }"  # fmt: skip


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def _check(hub: Any, code: str, matter: str, department: str = "approval-bureau") -> dict[str, Any]:
    body = hub.graphql(department, CHECK, {"c": code, "m": matter}).json()
    assert "errors" not in body, body
    return body["data"]["creditCheck"]  # type: ignore[no-any-return]


def _red_person() -> str:
    for index in range(SUBJECTS):
        facts = subject_facts(SEED, index)
        for item in (item for _, item in facts.items if isinstance(item, Listing)):
            current = item.expires_on is not None and item.expires_on > date.today()
            if item.list == "RED" and item.status == "ACTIVE" and current:
                return facts.subject.code
    raise AssertionError("the seed has no current red-list entry")


def test_black_listed_enterprise_gets_its_mandatory_procurement_measures(hub: Any) -> None:
    check = _check(hub, hub.samples["blacklisted"], "GOVERNMENT_PROCUREMENT")
    assert check["listStatus"] == "BLACK"
    assert check["complete"] is True
    measures = {m["code"]: m for m in check["measures"]}
    assert {"GP-01", "GP-02"} <= set(measures)
    assert all(m["mandatory"] for m in check["measures"][:2]), "mandatory first"
    black = measures["GP-01"]
    assert black["basisList"] == "BLACK"
    assert black["basisItemId"].startswith("datong:listing:")
    assert not black["suspended"]
    assert "政府采购法" in black["legalBasis"]
    assert black["implementingDepartment"]
    assert measures["GP-02"]["basisItemId"].startswith("court:court_dishonesty:")
    assert check["greenChannel"]["eligible"] is False


def test_honours_read_the_legal_representative_and_stay_complete(hub: Any) -> None:
    check = _check(hub, hub.samples["blacklisted"], "HONOURS")
    assert [m["code"] for m in check["measures"]] == ["HO-01"]
    assert check["complete"] is True


def test_red_list_opens_the_green_channel(hub: Any) -> None:
    check = _check(hub, _red_person(), "ADMINISTRATIVE_LICENCE")
    assert check["kind"] == "NATURAL_PERSON"
    assert check["listStatus"] == "RED"
    assert check["greenChannel"] == {
        "eligible": True, "reason": "RED_LIST", "legalBasis": check["greenChannel"]["legalBasis"]
    }  # fmt: skip
    assert [m["code"] for m in check["measures"]] == ["AL-04", "AL-05"]
    assert {m["kind"] for m in check["measures"]} == {"REWARD"}


def test_bulk_checks_keep_input_order_and_place_errors(hub: Any) -> None:
    codes = [hub.samples["enterprise"], "91140100MA0L12345X", hub.samples["blacklisted"]]
    response = hub.graphql("approval-bureau", BULK, {"cs": codes})
    body = response.json()
    checks = body["data"]["creditChecks"]
    assert checks[0]["code"] == codes[0]
    assert checks[1] is None
    assert checks[2]["listStatus"] == "BLACK"
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["creditChecks", 1], "INVALID_SUBJECT_CODE")
    ]
    assert body["extensions"]["audit"]["eventId"]


def test_unknown_matter_wrong_scope_and_foreign_purpose_are_refused(hub: Any) -> None:
    body = hub.graphql("approval-bureau", CHECK, {"c": hub.samples["enterprise"], "m": "PARKING"}).json()
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert "GOVERNMENT_PROCUREMENT" in body["errors"][0]["extensions"]["fix"]
    assert _codes(hub.graphql("tax", CHECK, {"c": hub.samples["enterprise"], "m": "HONOURS"}).json()) == ["FORBIDDEN"]
    query = CHECK.replace("ADMINISTRATIVE_APPROVAL", "CREDIT_LENDING")
    body = hub.graphql("approval-bureau", query, {"c": hub.samples["enterprise"], "m": "HONOURS"}).json()
    assert _codes(body) == ["PURPOSE_NOT_ALLOWED"]


def _stats(hub: Any, department: str) -> dict[str, dict[str, Any]]:
    body = hub.graphql(department, STATS).json()
    assert "errors" not in body, body
    return {s["measure"]: s for s in body["data"]["measureStatistics"]}


def test_execution_feedback_is_counted_per_measure(hub: Any) -> None:
    before = _stats(hub, "approval-bureau")
    report = {
        "code": hub.samples["blacklisted"], "matter": "GOVERNMENT_PROCUREMENT", "caseReference": "并审批〔2026〕88号",
        "outcomes": [
            {"measure": "GP-01", "executed": True},
            {"measure": "GP-02", "executed": False, "reason": "LENIENCY", "note": "小微企业首次失信，酌情从轻"},
        ],
    }  # fmt: skip
    body = hub.graphql("approval-bureau", REPORT, {"i": report}).json()
    assert body["data"]["reportMeasureExecution"]["reported"] == 2
    after = _stats(hub, "approval-bureau")
    assert after["GP-01"]["executed"] == before["GP-01"]["executed"] + 1
    assert after["GP-02"]["notExecuted"] == before["GP-02"]["notExecuted"] + 1
    assert {"reason": "LENIENCY", "count": after["GP-02"]["notExecuted"]} in after["GP-02"]["reasons"]
    assert set(_stats(hub, "privacy-office")) == set(after), "officers see every measure of the list"


def test_feedback_outside_the_list_is_refused_and_nothing_is_stored(hub: Any) -> None:
    before = _stats(hub, "approval-bureau")
    base = {"code": hub.samples["blacklisted"], "matter": "GOVERNMENT_PROCUREMENT"}
    for outcomes, words in [
        ([{"measure": "XX-99", "executed": True}], "not in the measures list"),
        ([{"measure": "HC-01", "executed": True}], "does not concern"),
        ([{"measure": "GP-01", "executed": True}, {"measure": "GP-02", "executed": False}], "reason"),
    ]:
        body = hub.graphql("approval-bureau", REPORT, {"i": {**base, "outcomes": outcomes}}).json()
        assert _codes(body) == ["BAD_USER_INPUT"]
        assert words in body["errors"][0]["message"]
    assert _codes(hub.graphql("market-regulation", REPORT, {"i": {**base, "outcomes": []}}).json()) == ["FORBIDDEN"]
    assert _stats(hub, "approval-bureau") == before


def test_the_measures_list_is_published(hub: Any) -> None:
    body = hub.graphql("approval-bureau", '{ measures(matter: "HIGH_CONSUMPTION") { code mandatory lists } }').json()
    assert body["data"]["measures"] == [{"code": "HC-01", "mandatory": True, "lists": ["COURT_DISHONESTY"]}]


THROUGH = """query($c: ID!, $m: String!) { creditCheck(code: $c, matter: $m, purpose: ADMINISTRATIVE_APPROVAL) {
  kind listStatus complete incomplete
  entries { itemId list holder through { code name role } }
  measures { code kind mandatory via basisList legalBasis through { code name role } }
  greenChannel { eligible reason } } }"""


def _through(hub: Any, matter: str) -> dict[str, Any]:
    body = hub.graphql("approval-bureau", THROUGH, {"c": hub.samples["person"], "m": matter}).json()
    assert "errors" not in body, body
    return body["data"]["creditCheck"]  # type: ignore[no-any-return]


def test_legal_representative_shares_serious_dishonesty(hub: Any) -> None:
    blacklisted = hub.samples["blacklisted"]
    honours = _through(hub, "HONOURS")
    assert honours["kind"] == "NATURAL_PERSON"
    assert honours["complete"] is True, honours["incomplete"]
    [measure] = [m for m in honours["measures"] if m["code"] == "HO-01"]
    assert measure["via"] == "REPRESENTED_ENTERPRISE"
    assert measure["through"]["code"] == blacklisted
    assert measure["through"]["role"] == "法定代表人"
    assert measure["through"]["name"]
    consumption = _through(hub, "HIGH_CONSUMPTION")
    assert [(m["code"], m["basisList"], m["through"]["code"]) for m in consumption["measures"]] == [
        ("HC-01", "COURT_DISHONESTY", blacklisted)
    ]
    assert "法释〔2015〕17号" in consumption["measures"][0]["legalBasis"]


def test_a_former_representative_who_left_before_the_entries_is_not_reached(hub: Any) -> None:
    body = hub.graphql("approval-bureau", THROUGH, {"c": hub.samples["former_representative"], "m": "HONOURS"}).json()
    assert "errors" not in body, body
    check = body["data"]["creditCheck"]
    assert check["complete"] is True
    assert check["measures"] == []
    assert check["entries"] == []
    rep = """query($c: ID!) { subject(code: $c, purpose: SUPERVISION) {
      representedEnterprises { enterpriseCode since until } } }"""
    found = hub.graphql("market-regulation", rep, {"c": hub.samples["former_representative"]}).json()
    [held] = found["data"]["subject"]["representedEnterprises"]
    assert held["enterpriseCode"] == hub.samples["blacklisted"]
    assert held["since"] < held["until"]


def test_no_reward_or_green_channel_for_a_representative_of_a_seriously_dishonest_enterprise(hub: Any) -> None:
    licence = _through(hub, "ADMINISTRATIVE_LICENCE")
    assert licence["greenChannel"]["eligible"] is False
    assert {m["kind"] for m in licence["measures"]} == {"PUNISHMENT"}
    assert [m["code"] for m in licence["measures"]] == ["AL-02"]
    assert {e["through"]["code"] for e in licence["entries"] if e["holder"] == "REPRESENTED_ENTERPRISE"} == {
        hub.samples["blacklisted"]
    }


def test_the_enterprise_a_person_is_checked_through_is_in_the_receipt(hub: Any) -> None:
    from tests.graphql.audit_hub import all_events

    body = hub.graphql("approval-bureau", THROUGH, {"c": hub.samples["person"], "m": "HONOURS"}).json()
    event_id = body["extensions"]["audit"]["eventId"]
    [event] = [e for e in all_events(hub, {"subject": hub.samples["blacklisted"]}) if e["eventId"] == event_id]
    subjects = {s["code"]: s for s in event["subjects"]}
    assert hub.samples["blacklisted"] in subjects
    assert "listing.list" in subjects[hub.samples["blacklisted"]]["fieldsClear"]


def _refused(hub: Any, code: str, matter: str, measure: str) -> dict[str, Any]:
    report = {"code": code, "matter": matter, "outcomes": [{"measure": measure, "executed": True}]}
    body = hub.graphql("approval-bureau", REPORT, {"i": report}).json()
    assert body["data"] is None, body
    [error] = body["errors"]
    return error  # type: ignore[no-any-return]


def test_feedback_is_accepted_only_for_a_measure_that_applied(hub: Any) -> None:
    before = _stats(hub, "approval-bureau")
    blacklisted = hub.samples["blacklisted"]
    reward = _refused(hub, blacklisted, "GOVERNMENT_PROCUREMENT", "GP-04")
    assert reward["extensions"]["code"] == "FORBIDDEN"
    assert "'GP-04' did not apply" in reward["message"]
    assert "rewards the red list" in reward["message"]
    assert "list status is BLACK" in reward["message"]
    key = _refused(hub, blacklisted, "GOVERNMENT_PROCUREMENT", "GP-03")
    assert key["extensions"]["code"] == "FORBIDDEN"
    assert "rests on KEY_ATTENTION" in key["message"]
    nowhere = _refused(hub, "91140100MA0L12345Y", "GOVERNMENT_PROCUREMENT", "GP-01")
    assert nowhere["extensions"]["code"] in ("BAD_USER_INPUT", "INVALID_SUBJECT_CODE")
    valid_nowhere = _unknown_enterprise()
    unknown = _refused(hub, valid_nowhere, "GOVERNMENT_PROCUREMENT", "GP-01")
    assert unknown["extensions"]["code"] == "BAD_USER_INPUT"
    assert "no source holds a record" in unknown["message"]
    assert valid_nowhere not in unknown["message"]
    assert _stats(hub, "approval-bureau") == before, "refused feedback is never counted"
    accepted = {
        "code": hub.samples["person"],
        "matter": "HONOURS",
        "outcomes": [{"measure": "HO-01", "executed": True}],
    }
    body = hub.graphql("approval-bureau", REPORT, {"i": accepted}).json()
    assert body["data"]["reportMeasureExecution"]["reported"] == 1, body
    assert _stats(hub, "approval-bureau")["HO-01"]["executed"] == before["HO-01"]["executed"] + 1


def _unknown_enterprise() -> str:
    from stdnum.cn import uscc

    body = "91140100MA0L9X9X9"
    return body + uscc.calc_check_digit(body)
