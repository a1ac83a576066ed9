"""The public browses the published red and black lists and the repair results, desensitised and registered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import BACKENDS
from tests.rights.support import as_self, codes, rights_hub
from tests.support.server import HubFixture

LISTINGS = """query($l: ListKind!, $r: String, $s: Date, $f: Int, $a: String) {
  publicListings(list: $l, region: $r, since: $s, first: $f, after: $a) {
    edges { cursor node { id code kind name list reason listedOn expiresOn } } pageInfo { hasNextPage endCursor } } }"""
REPAIRS = """query($f: Int, $a: String) { publicRepairs(first: $f, after: $a) {
  edges { node { code kind name itemId recordType department repairedOn } } pageInfo { hasNextPage endCursor } } }"""
CHECK = """query($c: ID!) { creditCheck(code: $c, matter: "GOVERNMENT_PROCUREMENT", purpose: ADMINISTRATIVE_APPROVAL) {
  measures { code basisItemId } } }"""
APPLY = "mutation($i: CreditRepairInput!) { applyCreditRepair(input: $i) { id department } }"
DECIDE = "mutation($i: DecideCreditRepairInput!) { decideCreditRepair(input: $i) { id status } }"
ACCESS = "{ myAccessLog(first: 5) { edges { node { department purpose } } } }"
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


@pytest.fixture(scope="module", params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    yield from rights_hub(request.param, tmp_path_factory.mktemp("public-lists"))


def _page(hub: HubFixture, department: str, **variables: Any) -> dict[str, Any]:
    body = hub.graphql(department, LISTINGS, {"l": "BLACK", **variables}, operator=None).json()
    assert "errors" not in body, body
    return body


def _nodes(body: dict[str, Any], field: str = "publicListings") -> list[dict[str, Any]]:
    return [edge["node"] for edge in body["data"][field]["edges"]]


def _all(hub: HubFixture, **variables: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    for _ in range(100):
        connection = _page(hub, "public", f=2, a=after, **variables)["data"]["publicListings"]
        found += [edge["node"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return found
        after = connection["pageInfo"]["endCursor"]
    raise AssertionError("the pages never end")


def test_the_public_browses_the_published_black_list_desensitised(hub: HubFixture) -> None:
    black = hub.samples["blacklisted"]
    body = _page(hub, "public", f=50)
    assert body["extensions"]["audit"]["eventId"], "a browse is registered like any data query"
    entries = _nodes(body)
    assert black in {e["code"] for e in entries}
    assert {e["list"] for e in entries} == {"BLACK"}
    days = [e["listedOn"] for e in entries]
    assert days == sorted(days, reverse=True), "newest first"
    for entry in entries:
        if entry["kind"] == "NATURAL_PERSON":
            assert MASKED_ID.match(entry["code"]), entry
            assert entry["name"] is None or "*" in entry["name"], entry
    assert _all(hub) == entries, "pages of two list the same entries, none twice"
    edge = _page(hub, "public", f=1)["data"]["publicListings"]["edges"][0]
    after_edge = _nodes(_page(hub, "public", f=2, a=edge["cursor"]))
    assert [e["id"] for e in after_edge] == [e["id"] for e in entries[1:3]], "an edge's cursor continues after it"
    log = as_self(hub, black, ACCESS)["data"]["myAccessLog"]["edges"]
    assert {"department": "public", "purpose": "PUBLIC_DISCLOSURE"} in [edge["node"] for edge in log]


def test_the_lists_filter_by_region_and_day(hub: HubFixture) -> None:
    black = hub.samples["blacklisted"]
    everyone = _nodes(_page(hub, "public", f=50))
    region = black[2:6]
    local = _nodes(_page(hub, "public", f=50, r=region))
    assert black in {e["code"] for e in local}
    assert all(e["code"][2:6] == region or e["code"][:4] == region for e in local)
    assert _nodes(_page(hub, "public", f=50, r="15")) == [], "no Shanxi entry lies in Inner Mongolia"
    newest = everyone[0]["listedOn"]
    since = _nodes(_page(hub, "public", f=50, s=newest))
    assert since
    assert all(e["listedOn"] >= newest for e in since)
    tomorrow = (date.fromisoformat(newest) + timedelta(days=1)).isoformat()
    assert _nodes(_page(hub, "public", f=50, s=tomorrow)) == []
    red = hub.graphql("public", LISTINGS, {"l": "RED", "f": 50}).json()
    assert "errors" not in red
    assert {e["list"] for e in _nodes(red)} <= {"RED"}


def test_only_public_disclosure_browses_and_bad_input_is_explained(hub: HubFixture) -> None:
    assert codes(hub.graphql("bank", LISTINGS, {"l": "BLACK"}).json()) == ["PURPOSE_NOT_ALLOWED"]
    for variables in ({"l": "KEY_ATTENTION"}, {"l": "BLACK", "r": "14a"}, {"l": "BLACK", "a": "junk"},
                      {"l": "BLACK", "f": 0}):  # fmt: skip
        body = hub.graphql("public", LISTINGS, variables).json()
        assert codes(body) == ["BAD_USER_INPUT"], variables
        assert body["errors"][0]["extensions"]["fix"]


def test_a_repaired_entry_leaves_the_black_list_and_its_repair_is_published(hub: HubFixture) -> None:
    black = hub.samples["blacklisted"]
    assert _nodes(hub.graphql("public", REPAIRS, {"f": 10}).json(), "publicRepairs") == []
    measures = hub.graphql("approval-bureau", CHECK, {"c": black}).json()["data"]["creditCheck"]["measures"]
    item = next(m["basisItemId"] for m in measures if m["code"] == "GP-01")
    assert item in {e["id"] for e in _nodes(_page(hub, "public", f=50))}
    evidence = [{"kind": "RECTIFICATION", "description": "已整改完毕并提交整改报告"}]
    applied = as_self(hub, black, APPLY, {"i": {"itemId": item, "evidence": evidence}})["data"]["applyCreditRepair"]
    decision = {"id": applied["id"], "decision": "APPROVE", "note": "整改到位"}
    assert "errors" not in hub.graphql(applied["department"], DECIDE, {"i": decision}).json()

    assert item not in {e["id"] for e in _nodes(_page(hub, "public", f=50))}, "repaired: no longer published"
    body = hub.graphql("public", REPAIRS, {"f": 10}).json()
    assert "errors" not in body, body
    [repair] = _nodes(body, "publicRepairs")
    assert (repair["code"], repair["itemId"], repair["department"]) == (black, item, applied["department"])
    assert repair["repairedOn"] == date.today().isoformat()
    assert repair["kind"] == "LEGAL_ENTITY"
