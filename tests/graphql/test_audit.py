"""The query register over real HTTP: review with filters and pages, anomalies, integrity, scopes, a
person's access log with organisation names and concealment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from hub.audit.reader import AuditReader
from hub.audit.review import local_date
from hub.store.audit_repo import AuditRepository
from tests.graphql.audit_hub import (
    ACCESS_LOG,
    EVENTS,
    PRIVACY,
    all_events,
    backends,
    codes,
    event_id,
    register_client,
    run_apart,
    running_hub,
    self_graphql,
    self_token,
)
from tests.support.server import HubFixture

SUBJECT = "query($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) { code name phone address } }"
BANK_QUERY = """query($c: ID!) { subject(code: $c, purpose: CREDIT_LENDING) {
  code name phone address penalties { decisionNumber amount } listings { list reason } } }"""
GRANT = """mutation($o: ID!, $until: DateTime!) { grantConsent(input: {grantee: $o, purpose: CREDIT_LENDING,
  recordTypes: ["registration", "penalty", "listing", "court_dishonesty", "licence"], expiresAt: $until}) { id } }"""
OFFICER_QUERIES = {
    "auditEvents": "{ auditEvents { edges { node { eventId } } } }",
    "auditAnomalies": "{ auditAnomalies { rule } }",
    "auditIntegrity": "{ auditIntegrity { verified } }",
}
BANK_NAME = "中国工商银行股份有限公司山西省分行"


@pytest.fixture(scope="module", params=backends())
def audit_hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    """A hub of this module's own (dev login on), on each backend."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    with running_hub(request.param, tmp_path_factory.mktemp("audit-hub"), dev_login=True) as hub:
        yield hub


def _ask(
    hub: HubFixture, department: str, code: str, purpose: str, operator: str = "clerk-7", case: str | None = None
) -> dict[str, Any]:
    variables = {"c": code, "p": purpose}
    body: dict[str, Any] = hub.graphql(department, SUBJECT, variables, operator=operator, case=case).json()
    return body


def test_bank_query_about_a_person_shows_in_their_access_log(audit_hub: HubFixture) -> None:
    person = audit_hub.samples["person"]
    token = self_token(audit_hub, person)
    until = (datetime.now(UTC) + timedelta(days=90)).isoformat()
    granted = self_graphql(audit_hub, token, GRANT, {"o": audit_hub.clients["bank"]["org"], "until": until})
    assert "errors" not in granted, granted
    body = audit_hub.graphql("bank", BANK_QUERY, {"c": person}).json()
    record = body["data"]["subject"]
    assert record["name"]
    assert "*" in record["phone"]
    receipt = event_id(body)

    log = self_graphql(audit_hub, token, ACCESS_LOG)
    entries = [edge["node"] for edge in log["data"]["myAccessLog"]["edges"]]
    mine = next(entry for entry in entries if entry["eventId"] == receipt)
    assert entries[0] == mine  # newest first; the person's own reads are not listed
    assert mine["organisation"] == BANK_NAME
    assert mine["organisationCode"] == audit_hub.clients["bank"]["org"]
    assert (mine["department"], mine["purpose"]) == ("bank", "CREDIT_LENDING")
    forms = {item["field"]: item["form"] for item in mine["items"]}
    assert forms["registration.name"] == "CLEAR"
    assert forms["registration.phone"] == forms["registration.address"] == "MASKED"
    registered = next(e for e in all_events(audit_hub, {"subject": person}) if e["eventId"] == receipt)
    disclosed = registered["subjects"][0]
    assert forms == {
        **dict.fromkeys(disclosed["fieldsClear"], "CLEAR"),
        **dict.fromkeys(disclosed["fieldsMasked"], "MASKED"),
    }
    assert all(item["title"] for item in mine["items"])


def test_the_access_log_names_the_client_that_asked_not_the_first_of_its_organisation(
    audit_hub: HubFixture,
) -> None:
    person = audit_hub.samples["person"]
    bank = audit_hub.clients["bank"]
    second = "中国工商银行股份有限公司山西省分行 贷后管理系统"
    audit_hub.clients["bank-aftercare"] = run_apart(
        register_client(audit_hub.settings.database_url, second, bank["org"], "bank", ("subject:read",))
    )
    token = self_token(audit_hub, person)
    until = (datetime.now(UTC) + timedelta(days=90)).isoformat()
    assert "errors" not in self_graphql(audit_hub, token, GRANT, {"o": bank["org"], "until": until})
    receipts = {
        client: event_id(audit_hub.graphql(client, BANK_QUERY, {"c": person}).json())
        for client in ("bank", "bank-aftercare")
    }
    log = self_graphql(audit_hub, token, ACCESS_LOG, {"first": 50})["data"]["myAccessLog"]["edges"]
    named = {edge["node"]["eventId"]: edge["node"]["organisation"] for edge in log}
    assert named[receipts["bank"]] == BANK_NAME
    assert named[receipts["bank-aftercare"]] == second
    registered = {e["eventId"]: e["organisationName"] for e in all_events(audit_hub, {"subject": person})}
    assert registered[receipts["bank-aftercare"]] == second


def test_access_log_pages_newest_first(audit_hub: HubFixture) -> None:
    person = audit_hub.samples["person"]
    for _ in range(3):
        assert "errors" not in _ask(audit_hub, "market-regulation", person, "SUPERVISION")
    token = self_token(audit_hub, person)
    first = self_graphql(audit_hub, token, ACCESS_LOG, {"first": 2})["data"]["myAccessLog"]
    assert len(first["edges"]) == 2
    assert first["pageInfo"]["hasNextPage"]
    rest = self_graphql(audit_hub, token, ACCESS_LOG, {"first": 2, "after": first["pageInfo"]["endCursor"]})
    nodes = [e["node"] for e in first["edges"] + rest["data"]["myAccessLog"]["edges"]]
    times = [node["at"] for node in nodes]
    assert times == sorted(times, reverse=True)
    assert len({node["eventId"] for node in nodes}) == len(nodes)
    assert nodes[0]["organisation"] == "山西省市场监督管理局 监管平台"


def test_court_enforcement_search_is_concealed_from_the_person_but_not_the_officer(audit_hub: HubFixture) -> None:
    person = audit_hub.samples["person"]
    body = _ask(audit_hub, "court", person, "LAW_ENFORCEMENT", case="（2026）晋01执181号")  # never closed
    assert body["data"]["subject"]["code"] == person
    receipt = event_id(body)
    token = self_token(audit_hub, person)
    seen = [e["node"]["eventId"] for e in self_graphql(audit_hub, token, ACCESS_LOG, {"first": 500})["data"][
        "myAccessLog"]["edges"]]  # fmt: skip
    assert receipt not in seen
    registered = next(e for e in all_events(audit_hub, {"department": "court"}) if e["eventId"] == receipt)
    until = date.fromisoformat(registered["subjects"][0]["concealedUntil"])
    assert until == local_date(datetime.now(UTC)) + timedelta(days=180)

    async def seen_later() -> list[str]:
        repo = AuditRepository.open(audit_hub.settings.audit_url)
        secret = audit_hub.settings.audit_secret
        later = AuditReader(repo, secret=secret, clock=lambda: datetime.now(UTC) + timedelta(days=181))
        try:
            return [entry.event_id for entry in (await later.access_log(person, 500, None)).items]
        finally:
            await repo.close()

    assert receipt in run_apart(seen_later())  # the entry appears once its time has come


def test_events_filter_and_page(audit_hub: HubFixture) -> None:
    enterprise, person = audit_hub.samples["enterprise"], audit_hub.samples["person"]
    operator = "filter-officer-41"
    receipts = [
        event_id(_ask(audit_hub, "approval-bureau", code, "ADMINISTRATIVE_APPROVAL", operator))
        for code in (enterprise, person, enterprise)
    ]
    where = {"operator": operator}
    first = audit_hub.graphql(PRIVACY, EVENTS, {"f": where, "first": 2}).json()["data"]["auditEvents"]
    assert first["pageInfo"]["hasNextPage"]
    second = audit_hub.graphql(PRIVACY, EVENTS, {"f": where, "first": 2, "after": first["pageInfo"]["endCursor"]})
    page = second.json()["data"]["auditEvents"]
    assert not page["pageInfo"]["hasNextPage"]
    nodes = [edge["node"] for edge in first["edges"] + page["edges"]]
    assert [node["eventId"] for node in nodes] == receipts[::-1]
    assert [node["seq"] for node in nodes] == sorted((node["seq"] for node in nodes), reverse=True)
    node = nodes[0]
    assert (node["type"], node["outcome"], node["department"], node["purpose"]) == (
        "QUERY", "OK", "approval-bureau", "ADMINISTRATIVE_APPROVAL")  # fmt: skip
    assert node["organisation"] == audit_hub.clients["approval-bureau"]["org"]
    assert node["organisationName"] == "太原市行政审批服务管理局 审批系统"
    assert node["subjects"][0]["code"] == enterprise
    assert "registration.name" in node["subjects"][0]["fieldsClear"]

    by_subject = all_events(audit_hub, {"subject": f" {person} ", "operator": operator})
    assert [e["eventId"] for e in by_subject] == [receipts[1]]
    since = nodes[-1]["at"]
    window = all_events(audit_hub, {"operator": operator, "since": since, "until": nodes[0]["at"]})
    assert [e["eventId"] for e in window] == receipts[:2][::-1]
    assert all_events(audit_hub, {"operator": operator, "outcome": "DENIED"}) == []
    assert all_events(audit_hub, {"operator": operator, "purpose": "SUPERVISION"}) == []
    assert len(all_events(audit_hub, {"operator": operator, "department": "approval-bureau", "type": "QUERY"})) == 3


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"f": {"subject": "91140100MA0L12345X"}}, "INVALID_SUBJECT_CODE"),
        ({"f": {"since": "2026-01-01T08:00:00"}}, "BAD_USER_INPUT"),
        ({"after": "not-a-cursor"}, "BAD_USER_INPUT"),
        ({"first": 501}, "BAD_USER_INPUT"),
    ],
)
def test_bad_filters_are_refused(audit_hub: HubFixture, variables: dict[str, Any], code: str) -> None:
    body = audit_hub.graphql(PRIVACY, EVENTS, variables).json()
    assert body["data"] is None
    assert codes(body) == [code]


def test_a_burst_of_denials_and_a_foreign_purpose_are_anomalies(audit_hub: HubFixture) -> None:
    enterprise = audit_hub.samples["enterprise"]
    denied = [event_id(_ask(audit_hub, "public", enterprise, "LAW_ENFORCEMENT")) for _ in range(6)]
    assert all(denied)
    body = audit_hub.graphql(PRIVACY, "{ auditAnomalies { id rule severity description scope windowStart "
                                      "windowEnd eventIds } }").json()  # fmt: skip
    found = body["data"]["auditAnomalies"]
    burst = next(a for a in found if a["rule"] == "repeated_denials" and set(denied) <= set(a["eventIds"]))
    assert burst["severity"] == "MEDIUM"
    assert burst["scope"] == f"client:{audit_hub.clients['public']['client_id']}"
    assert burst["windowStart"] <= burst["windowEnd"]
    foreign = next(a for a in found if a["rule"] == "foreign_purpose" and "public" in a["description"])
    assert foreign["severity"] == "HIGH"
    assert set(denied) <= set(foreign["eventIds"])
    assert enterprise not in str(found)  # findings carry no clear subject codes
    old = (datetime.now(UTC) - timedelta(days=40)).isoformat()
    too_old = audit_hub.graphql(PRIVACY, "query($s: DateTime) { auditAnomalies(since: $s) { rule } }", {"s": old})
    assert codes(too_old.json()) == ["BAD_USER_INPUT"]


def test_integrity_verifies_and_is_cached(audit_hub: HubFixture) -> None:
    query = "{ auditIntegrity { verified eventsChecked checkpointsChecked lastSeq firstBadEventId reason checkedAt } }"
    first = audit_hub.graphql(PRIVACY, query).json()["data"]["auditIntegrity"]
    assert first["verified"]
    assert first["firstBadEventId"] is None
    assert first["reason"] is None
    assert first["eventsChecked"] == first["lastSeq"] > 0
    again = audit_hub.graphql(PRIVACY, query).json()["data"]["auditIntegrity"]
    assert again["checkedAt"] == first["checkedAt"]  # one verification serves requests for a while


@pytest.mark.parametrize("name", OFFICER_QUERIES)
def test_register_needs_audit_read(audit_hub: HubFixture, name: str) -> None:
    body = audit_hub.graphql("bank", OFFICER_QUERIES[name]).json()
    assert body["data"] is None
    assert codes(body) == ["FORBIDDEN"]
    assert "audit:read" in body["errors"][0]["message"]
    person = self_graphql(audit_hub, self_token(audit_hub, audit_hub.samples["person"]), OFFICER_QUERIES[name])
    assert codes(person) == ["FORBIDDEN"]


def test_officer_must_name_the_operator(audit_hub: HubFixture) -> None:
    body = audit_hub.graphql(PRIVACY, OFFICER_QUERIES["auditEvents"], operator=None).json()
    assert codes(body) == ["FORBIDDEN"]
    assert "X-Hub-Operator" in body["errors"][0]["extensions"]["fix"]


def test_access_log_is_for_citizens_and_enterprises(audit_hub: HubFixture) -> None:
    body = audit_hub.graphql("market-regulation", "{ myAccessLog { edges { node { eventId } } } }").json()
    assert body["data"] is None
    assert codes(body) == ["FORBIDDEN"]


def test_officer_reviews_are_registered(audit_hub: HubFixture) -> None:
    body = audit_hub.graphql(PRIVACY, OFFICER_QUERIES["auditEvents"]).json()
    receipt = event_id(body)
    assert receipt
    mine = all_events(audit_hub, {"department": PRIVACY, "purpose": "AUDIT_REVIEW"})
    assert receipt in {e["eventId"] for e in mine}


def test_no_clear_subject_code_in_errors(audit_hub: HubFixture) -> None:
    code = audit_hub.samples["person"]
    body = audit_hub.graphql(PRIVACY, EVENTS, {"f": {"subject": code[:-1] + "0"}}).json()
    for error in body.get("errors") or []:
        assert not re.search(code[:-1], error["message"])


NARROWED = """query($since: DateTime, $until: DateTime, $org: String) {
  myAccessLog(first: 500, since: $since, until: $until, organisation: $org) {
    edges { node { eventId at organisationCode } } } }"""


def test_access_log_narrows_to_a_time_window_and_an_organisation(audit_hub: HubFixture) -> None:
    person = audit_hub.samples["person"]
    bank, regulator = audit_hub.clients["bank"]["org"], audit_hub.clients["market-regulation"]["org"]
    token = self_token(audit_hub, person)
    grant = {"o": bank, "until": (datetime.now(UTC) + timedelta(days=30)).isoformat()}
    self_graphql(audit_hub, token, GRANT, grant)
    start = datetime.now(UTC)
    asked = {event_id(_ask(audit_hub, "market-regulation", person, "SUPERVISION")),
             event_id(audit_hub.graphql("bank", BANK_QUERY, {"c": person}).json())}  # fmt: skip

    def seen(**variables: Any) -> list[dict[str, Any]]:
        body = self_graphql(audit_hub, token, NARROWED, variables)
        assert "errors" not in body, body
        return [edge["node"] for edge in body["data"]["myAccessLog"]["edges"]]

    window = seen(since=start.isoformat())
    assert {node["eventId"] for node in window} == asked
    assert all(node["at"] >= start.isoformat()[:19] for node in window)
    before = seen(until=start.isoformat())
    assert before
    assert not asked & {node["eventId"] for node in before}
    only_bank = seen(since=start.isoformat(), org=bank.lower())
    assert [node["organisationCode"] for node in only_bank] == [bank]
    assert {node["organisationCode"] for node in seen(org=regulator)} == {regulator}
    refused = self_graphql(audit_hub, token, NARROWED, {"since": "2026-01-01T00:00:00"})
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "since needs a time zone offset" in refused["errors"][0]["message"]
