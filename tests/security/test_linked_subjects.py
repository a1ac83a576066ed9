"""Linked subjects (#16, item 4): what a link discloses is decided and registered like a direct query.

`subject(person){ representedEnterprises{ listings courtDishonesty } }` discloses the enterprises' entries:
each enterprise is checked against the caller's jurisdiction before anything of it is read, and registered as
disclosed, so the privacy office finds the access under the enterprise and the enterprise sees it in its
`myAccessLog`; the other way, a credit check of an enterprise registers its legal representative.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from hub.identity.codes import parse_subject_code
from tests.graphql.audit_hub import ACCESS_LOG, self_graphql, self_token
from tests.security.conftest import all_events, new_client, post, token_for
from tests.support.server import HubFixture

CITY_DEPARTMENT = "city-regulation"  # market regulation of Taiyuan (1401) only
LINKED = """query($c: ID!) { subject(code: $c, purpose: SUPERVISION) {
  code representedEnterprises { enterpriseCode listings { list } courtDishonesty { caseNumber } } } }"""


@pytest.fixture(scope="module")
def hub_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Answers settings whose policies add a market-regulation department limited to Taiyuan."""
    policies = tmp_path_factory.mktemp("policies") / "policies"
    shutil.copytree(Path(__file__).parents[2] / "policies", policies)
    spec = yaml.safe_load((policies / "market-regulation.yaml").read_text(encoding="utf-8"))
    spec["department"] = CITY_DEPARTMENT
    spec["row_scope"]["divisions"] = ["1401"]
    spec["scopes"] = [s for s in spec.get("scopes", []) if s in ("subject:read", "subject:bulk", "check:read")]
    (policies / f"{CITY_DEPARTMENT}.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    shutil.copy(policies / "cases" / "market-regulation.yaml", policies / "cases" / f"{CITY_DEPARTMENT}.yaml")
    return {"policies_dir": policies}


def _division(code: str) -> str:
    return parse_subject_code(code).division


def test_an_enterprise_read_through_a_person_is_registered_under_the_enterprise(hub: HubFixture) -> None:
    person, enterprise = hub.samples["person"], hub.samples["blacklisted"]
    body = hub.graphql("market-regulation", LINKED, {"c": person}).json()
    linked = {e["enterpriseCode"]: e for e in body["data"]["subject"]["representedEnterprises"]}
    assert {"list": "BLACK"} in linked[enterprise]["listings"], "the link discloses the enterprise's entries"
    event_id = body["extensions"]["audit"]["eventId"]
    found = [e for e in all_events(hub, {"subject": enterprise}) if e["eventId"] == event_id]
    assert found, "the privacy office finds the access under the enterprise"
    disclosed = {s["code"]: s for s in found[0]["subjects"]}
    assert set(disclosed) == {person, *linked}
    assert "listing.list" in disclosed[enterprise]["fieldsClear"]
    assert "listing.list" not in disclosed[person]["fieldsClear"], "the entries are the enterprise's, not the person's"
    log = self_graphql(hub, self_token(hub, enterprise), ACCESS_LOG, {"first": 100})
    assert event_id in [edge["node"]["eventId"] for edge in log["data"]["myAccessLog"]["edges"]]


def test_a_legal_representative_read_through_a_credit_check_is_registered_under_the_person(hub: HubFixture) -> None:
    person, enterprise = hub.samples["person"], hub.samples["blacklisted"]
    query = """query($c: ID!) {
      creditCheck(code: $c, matter: "ADMINISTRATIVE_LICENCE", purpose: ADMINISTRATIVE_APPROVAL) { code listStatus } }"""
    body = hub.graphql("approval-bureau", query, {"c": enterprise}).json()
    assert body["data"]["creditCheck"]["code"] == enterprise
    event_id = body["extensions"]["audit"]["eventId"]
    assert event_id in [e["eventId"] for e in all_events(hub, {"subject": person})]


def test_a_linked_enterprise_outside_the_jurisdiction_is_refused_and_not_registered(hub: HubFixture) -> None:
    person, enterprise = hub.samples["person"], hub.samples["blacklisted"]
    assert _division(person).startswith("1401")
    assert not _division(enterprise).startswith("1401")
    client = new_client(hub, CITY_DEPARTMENT, ("subject:read",), org=hub.clients["market-regulation"]["org"])
    token = token_for(hub, client).json()["access_token"]
    response = post(hub, token, {"query": LINKED, "variables": {"c": person}}, headers={"X-Hub-Operator": "clerk-7"})
    body = response.json()
    items = body["data"]["subject"]["representedEnterprises"]
    errors = {tuple(e["path"]): e["extensions"]["code"] for e in body.get("errors", [])}
    outside = [i for i, e in enumerate(items) if not _division(e["enterpriseCode"]).startswith("1401")]
    assert outside, "the person represents an enterprise outside Taiyuan"
    for index, item in enumerate(items):
        for key in ("listings", "courtDishonesty"):
            if index in outside:
                assert item[key] is None
                assert errors[("subject", "representedEnterprises", index, key)] == "FORBIDDEN"
            else:
                assert isinstance(item[key], list)
    event_id = body["extensions"]["audit"]["eventId"]
    event = next(e for e in all_events(hub, {"subject": person}) if e["eventId"] == event_id)
    registered = {s["code"] for s in event["subjects"]}
    assert enterprise not in registered
    assert registered == {person} | {e["enterpriseCode"] for i, e in enumerate(items) if i not in outside}


def test_the_refused_enterprise_s_own_log_shows_no_such_access(hub: HubFixture) -> None:
    enterprise = hub.samples["blacklisted"]
    log = self_graphql(hub, self_token(hub, enterprise), ACCESS_LOG, {"first": 100})
    departments = {edge["node"]["department"] for edge in log["data"]["myAccessLog"]["edges"]}
    assert CITY_DEPARTMENT not in departments
