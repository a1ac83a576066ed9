"""The `subject` and `subjects` queries over real HTTP, real tokens and real seeded sources."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from hub.demo.facts import SOURCES
from tests.support.server import COURT_CASE

RECORD = """
query($c: ID!, $p: Purpose!) {
  subject(code: $c, purpose: $p) {
    code kind name phone address
    legalRepresentative { name idNumber }
    penalties { source decisionNumber authority decidedOn amount decisionText }
    licences { source title decidedOn }
    listings { source list reason listedOn expiresOn status }
    courtDishonesty { source caseNumber court }
    taxCredit { source year grade }
    sources { name status }
  }
}"""
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def test_enterprise_record_merges_all_four_sources(hub: Any) -> None:
    response = hub.graphql("approval-bureau", RECORD, {"c": hub.samples["enterprise"], "p": "ADMINISTRATIVE_APPROVAL"})
    assert response.status_code == 200
    body = response.json()
    subject = body["data"]["subject"]
    assert subject["code"] == hub.samples["enterprise"]
    assert subject["kind"] == "LEGAL_ENTITY"
    assert subject["name"]
    seen = {
        item["source"]
        for key in ("penalties", "licences", "listings", "courtDishonesty", "taxCredit")
        for item in subject[key]
    }
    assert seen == set(SOURCES)
    assert {s["name"]: s["status"] for s in subject["sources"]} == dict.fromkeys([*SOURCES, "collected"], "OK")
    assert MASKED_ID.match(subject["legalRepresentative"]["idNumber"])
    assert "SOURCE_UNAVAILABLE" not in _codes(body)


def test_person_record_shows_serious_dishonesty_of_represented_enterprises(hub: Any) -> None:
    query = """query($c: ID!) { subject(code: $c, purpose: SUPERVISION) {
        kind name representedEnterprises { enterpriseCode role listings { list } } } }"""
    body = hub.graphql("market-regulation", query, {"c": hub.samples["person"]}).json()
    subject = body["data"]["subject"]
    assert subject["kind"] == "NATURAL_PERSON"
    linked = {e["enterpriseCode"]: e for e in subject["representedEnterprises"]}
    assert hub.samples["blacklisted"] in linked
    assert {"list": "BLACK"} in linked[hub.samples["blacklisted"]]["listings"]
    assert all(item["list"] == "BLACK" for e in linked.values() for item in e["listings"])


def test_enterprise_names_its_legal_representative(hub: Any) -> None:
    query = "query($c: ID!) { subject(code: $c, purpose: LAW_ENFORCEMENT) { legalRepresentative { idNumber } } }"
    body = hub.graphql("court", query, {"c": hub.samples["blacklisted"]}, case=COURT_CASE).json()
    assert body["data"]["subject"]["legalRepresentative"]["idNumber"] == hub.samples["person"]


@pytest.mark.parametrize(
    ("code", "words"),
    [("91140100MA0L12345X", "check character"), ("12345", "5 characters"), ("14010519900101123!", "not a valid")],
)
def test_invalid_code_is_refused_with_the_reason(hub: Any, code: str, words: str) -> None:
    body = hub.graphql("approval-bureau", RECORD, {"c": code, "p": "ADMINISTRATIVE_APPROVAL"}).json()
    assert body["data"]["subject"] is None
    assert _codes(body) == ["INVALID_SUBJECT_CODE"]
    assert words in body["errors"][0]["message"]
    assert code not in body["errors"][0]["message"]


def test_an_all_digit_code_names_both_checks_that_failed(hub: Any) -> None:
    body = hub.graphql("approval-bureau", RECORD, {"c": "140105199001011230", "p": "ADMINISTRATIVE_APPROVAL"}).json()
    assert _codes(body) == ["INVALID_SUBJECT_CODE"]
    message = body["errors"][0]["message"]
    assert "resident identity number (its check character does not match)" in message
    assert "Unified Social Credit Code (its check character does not match)" in message, "it may be meant as a USCC"


def test_unknown_subject_is_not_found(hub: Any) -> None:
    body = hub.graphql("approval-bureau", RECORD, {"c": "91110000600037341L", "p": "ADMINISTRATIVE_APPROVAL"}).json()
    assert body["data"]["subject"] is None
    assert _codes(body) == ["NOT_FOUND"]


def test_purpose_foreign_to_the_department_is_refused(hub: Any) -> None:
    body = hub.graphql("bank", RECORD, {"c": hub.samples["enterprise"], "p": "LAW_ENFORCEMENT"}).json()
    assert body["data"]["subject"] is None
    assert _codes(body) == ["PURPOSE_NOT_ALLOWED"]


def test_subjects_answers_in_input_order_with_errors_in_place(hub: Any) -> None:
    query = "query($cs: [ID!]!) { subjects(codes: $cs, purpose: ADMINISTRATIVE_APPROVAL) { code name } }"
    codes = [hub.samples["blacklisted"], "91110000600037341L", hub.samples["enterprise"]]
    body = hub.graphql("approval-bureau", query, {"cs": codes}).json()
    found = body["data"]["subjects"]
    assert [s and s["code"] for s in found] == [codes[0], None, codes[2]]
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [(["subjects", 1], "NOT_FOUND")]


def test_subjects_above_the_policy_limit_is_too_complex(hub: Any) -> None:
    query = "query($cs: [ID!]!) { subjects(codes: $cs, purpose: ADMINISTRATIVE_APPROVAL) { code } }"
    body = hub.graphql("approval-bureau", query, {"cs": [hub.samples["enterprise"]] * 1001}).json()  # its limit: 1,000
    assert _codes(body) == ["QUERY_TOO_COMPLEX"]


def test_missing_token_is_401_with_a_challenge(hub: Any) -> None:
    response = httpx.post(f"{hub.base_url}/graphql", json={"query": "{ me { subject } }"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_form_and_text_posts_are_refused(hub: Any) -> None:
    headers = {"Authorization": f"Bearer {hub.token('approval-bureau')}"}
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = httpx.post(
            f"{hub.base_url}/graphql",
            content=b'{"query":"{ me { subject } }"}',
            headers={**headers, "Content-Type": content_type},
        )
        assert response.status_code == 415


def test_errors_carry_no_internals(hub: Any) -> None:
    body = hub.graphql("approval-bureau", "{ subject(code: 1, purpose: NOPE) { code } }").json()
    assert body["errors"]
    text = str(body)
    for leak in ("Traceback", "SELECT", "/work/", "site-packages", ".py"):
        assert leak not in text
    assert set(_codes(body)) == {"BAD_USER_INPUT"}


def test_health_and_readiness(hub: Any) -> None:
    assert httpx.get(f"{hub.base_url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{hub.base_url}/readyz")
    assert ready.status_code == 200
    assert set(ready.json()["sources"]) == {*SOURCES, "collected"}  # the pulled sources and the hub-managed one


def test_every_data_response_carries_its_receipt(hub: Any) -> None:
    body = hub.graphql(
        "approval-bureau", RECORD, {"c": hub.samples["enterprise"], "p": "ADMINISTRATIVE_APPROVAL"}
    ).json()
    receipt = body["extensions"]["audit"]["eventId"]
    assert re.fullmatch(r"[0-9a-f-]{36}", receipt)
    again = hub.graphql("approval-bureau", RECORD, {"c": hub.samples["enterprise"], "p": "ADMINISTRATIVE_APPROVAL"})
    assert again.json()["extensions"]["audit"]["eventId"] != receipt
    refused = hub.graphql("approval-bureau", RECORD, {"c": "bad", "p": "ADMINISTRATIVE_APPROVAL"}).json()
    assert refused["extensions"]["audit"]["eventId"]


def test_the_catalogue_states_each_class_of_act_s_period(hub: Any) -> None:
    query = "{ catalog { recordType field disclosurePeriod personalDataClass } }"
    items = hub.graphql("approval-bureau", query).json()["data"]["catalog"]
    periods = {item["disclosurePeriod"] for item in items if item["recordType"] == "penalty"}
    assert periods == {"P3Y; unpublished not published; general P1Y (repair after P3M); serious P3Y (repair after P1Y)"}
    assert {item["personalDataClass"] for item in items} >= {"resident_id", "person_name"}
    assert _codes(hub.graphql("public", query).json()) == ["FORBIDDEN"], "the catalogue is for integrators"


def test_a_caller_through_another_hub_is_counted_apart_from_that_hubs_client() -> None:
    """Probing by one caller of a province never suspends the province's own client at a city."""
    from hub.graphql.context import HubContext
    from hub.graphql.query import _prober
    from hub.identity.principal import Principal

    def context(**extra: str) -> HubContext:
        principal = Principal(
            subject="ch_clerk", scopes=frozenset({"subject:read"}), client_id="ch_province", department="bank",
            extra=dict(extra),
        )  # fmt: skip
        return HubContext(services=None, principal=principal, request_id="r")  # type: ignore[arg-type]

    assert _prober(context()) == "ch_province"
    assert _prober(context(act_sub="ch_province", act_iss="http://province")) == "ch_province>ch_clerk"
