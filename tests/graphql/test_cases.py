"""Case-bound concealment over real HTTP and real tokens: the court's enforcement search names its case
(X-Hub-Case), stays out of the debtor's access log until the court closes the case (closeCase) or the
policy's bound passes, and the privacy office sees it at once; mutations are registered as their own
kinds of event; the anomaly thresholds come from the settings."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from hub.audit.reader import AuditReader
from hub.audit.review import local_date
from hub.cli.main import app as cli
from hub.config import resource_dir
from hub.demo.departments import DEPARTMENTS
from hub.graphql.receipts import MUTATION_EVENTS
from hub.graphql.schema import build_schema
from hub.store.audit_repo import AuditRepository
from tests.graphql.audit_hub import (
    ACCESS_LOG,
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

CASE = "（2026）晋01执123号"
SEARCH = "query($c: ID!) { subject(code: $c, purpose: LAW_ENFORCEMENT) { code name } }"
CLOSE = "mutation($n: String!) { closeCase(caseNumber: $n) { caseNumber department closedAt revealed } }"
REGISTER = """query($f: AuditFilter) { auditEvents(filter: $f, first: 500) { edges { node {
  eventId type outcome department purpose caseNumber concealedUntilCaseCloses caseClosedAt
  subjects { code concealedUntil concealment } } } } }"""
ANOMALIES = "{ auditAnomalies { rule scope eventIds } }"
CLOSER = "tax-closer"  # another department's client that may close cases, to show it cannot close the court's


@pytest.fixture(scope="module", params=backends())
def case_hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    """A hub of this module's own whose anomaly rules flag two refusals in five minutes (default: five in ten)."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    thresholds = {"denials": 2, "denial_window_minutes": 5}
    policies = tmp_path_factory.mktemp("case-policies") / "policies"
    shutil.copytree(resource_dir("policies"), policies)
    tax = policies / "tax.yaml"  # this deployment lets tax close cases too (the shipped policy does not)
    tax.write_text(re.sub(r"^(scopes: \[.*)\]$", r"\1, case:close]", tax.read_text(encoding="utf-8"), flags=re.M))
    folder = tmp_path_factory.mktemp("case-hub")
    with running_hub(request.param, folder, audit_anomalies=thresholds, policies_dir=policies) as hub:
        hub.clients[CLOSER] = run_apart(_register_closer(hub.settings.database_url))
        yield hub


async def _register_closer(url: str) -> dict[str, str]:
    tax = next(department for department in DEPARTMENTS if department.key == "tax")
    return await register_client(url, "税务 结案系统", tax.org, "tax", ("subject:read", "case:close"))


def _register(hub: HubFixture, where: dict[str, Any]) -> dict[str, dict[str, Any]]:
    body = hub.graphql(PRIVACY, REGISTER, {"f": where}).json()
    assert "errors" not in body, body
    return {edge["node"]["eventId"]: edge["node"] for edge in body["data"]["auditEvents"]["edges"]}


def _log(hub: HubFixture, code: str) -> list[dict[str, Any]]:
    body = self_graphql(hub, self_token(hub, code), ACCESS_LOG, {"first": 500})
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["myAccessLog"]["edges"]]


def _search(hub: HubFixture, code: str, case: str | None) -> dict[str, Any]:
    body: dict[str, Any] = hub.graphql("court", SEARCH, {"c": code}, case=case).json()
    return body


def _log_later(hub: HubFixture, code: str, days: int) -> list[str]:
    async def read() -> list[str]:
        repo = AuditRepository.open(hub.settings.audit_url)
        later = AuditReader(repo, secret=hub.settings.audit_secret, clock=lambda: datetime.now(UTC) + timedelta(days))
        try:
            return [entry.event_id for entry in (await later.access_log(code, 500, None)).items]
        finally:
            await repo.close()

    result: list[str] = run_apart(read())
    return result


def test_the_search_is_hidden_from_the_debtor_until_the_court_closes_its_case(case_hub: HubFixture) -> None:
    person = case_hub.samples["person"]
    body = _search(case_hub, person, "(2026) 晋01执123号")  # half-width parentheses and a space: the same case
    assert body["data"]["subject"]["code"] == person
    search = event_id(body)
    assert search not in {entry["eventId"] for entry in _log(case_hub, person)}

    registered = _register(case_hub, {"caseNumber": CASE})[search]  # the privacy office sees it at once
    assert (registered["caseNumber"], registered["concealedUntilCaseCloses"]) == (CASE, True)
    assert registered["caseClosedAt"] is None
    subject = registered["subjects"][0]
    assert subject["concealment"] == "CONCEALED"
    assert date.fromisoformat(subject["concealedUntil"]) == local_date(datetime.now(UTC)) + timedelta(days=180)

    closed = case_hub.graphql("court", CLOSE, {"n": CASE}).json()
    assert "errors" not in closed, closed
    closure = closed["data"]["closeCase"]
    assert (closure["caseNumber"], closure["department"], closure["revealed"]) == (CASE, "court", 1)
    entry = next(entry for entry in _log(case_hub, person) if entry["eventId"] == search)
    assert (entry["organisation"], entry["department"], entry["purpose"]) == (
        "山西省高级人民法院 执行指挥中心", "court", "LAW_ENFORCEMENT")  # fmt: skip
    assert entry["items"]

    registered = _register(case_hub, {"caseNumber": CASE})
    assert registered[search]["subjects"][0]["concealment"] == "REVEALED"
    assert registered[search]["caseClosedAt"] == closure["closedAt"]
    closing = registered[event_id(closed)]
    assert (closing["type"], closing["caseNumber"], closing["department"]) == ("CASE", CASE, "court")
    again = case_hub.graphql("court", CLOSE, {"n": "（2026）晋01执123号"}).json()
    assert again["data"]["closeCase"]["closedAt"] == closure["closedAt"]  # closing twice keeps the first closure


def test_only_the_department_that_concealed_can_close_the_case(case_hub: HubFixture) -> None:
    case = "（2026）晋01执200号"
    person = case_hub.samples["person"]
    search = event_id(_search(case_hub, person, case))
    bank = case_hub.graphql("bank", CLOSE, {"n": case}).json()
    assert bank["data"] is None
    assert codes(bank) == ["FORBIDDEN"]
    assert "case:close" in bank["errors"][0]["message"]
    other = case_hub.graphql(CLOSER, CLOSE, {"n": case}).json()
    assert codes(other) == ["NOT_FOUND"]
    assert "department 'tax'" in other["errors"][0]["message"]
    assert "X-Hub-Case" in other["errors"][0]["extensions"]["fix"]
    unnamed = case_hub.graphql("court", CLOSE, {"n": case}, operator=None).json()
    assert codes(unnamed) == ["FORBIDDEN"]
    assert "X-Hub-Operator" in unnamed["errors"][0]["extensions"]["fix"]
    malformed = case_hub.graphql("court", CLOSE, {"n": "case 200; drop"}).json()
    assert codes(malformed) == ["BAD_USER_INPUT"]
    assert "caseNumber" in malformed["errors"][0]["message"]
    assert "drop" not in malformed["errors"][0]["message"]
    assert search not in {entry["eventId"] for entry in _log(case_hub, person)}
    assert _register(case_hub, {"caseNumber": case})[search]["subjects"][0]["concealment"] == "CONCEALED"


def test_a_search_without_its_case_is_refused_and_discloses_nothing(case_hub: HubFixture) -> None:
    person = case_hub.samples["person"]
    body = _search(case_hub, person, None)
    assert body["data"]["subject"] is None
    assert codes(body) == ["BAD_USER_INPUT"]
    error = body["errors"][0]
    assert "names no case" in error["message"]
    assert "X-Hub-Case" in error["extensions"]["fix"]
    assert person not in error["message"]
    registered = next(e for e in all_events(case_hub, {"department": "court"}) if e["eventId"] == event_id(body))
    asked = registered["subjects"]  # named for the privacy office, nothing left the hub, hidden from the person
    assert [s["code"] for s in asked] == [person]
    assert not asked[0]["fieldsClear"]
    assert not asked[0]["fieldsMasked"]
    assert event_id(body) not in {entry["eventId"] for entry in _log(case_hub, person)}
    assert registered["errorCodes"] == ["BAD_USER_INPUT"]

    malformed = _search(case_hub, person, "<script>123</script>")
    assert malformed["data"] is None
    assert codes(malformed) == ["BAD_USER_INPUT"]
    assert "X-Hub-Case header" in malformed["errors"][0]["message"]
    assert "script" not in malformed["errors"][0]["message"]


def test_the_bound_in_days_reveals_a_case_never_closed(case_hub: HubFixture) -> None:
    enterprise = case_hub.samples["blacklisted"]
    search = event_id(_search(case_hub, enterprise, "（2026）晋01执300号"))
    assert search
    assert search not in _log_later(case_hub, enterprise, 179)
    assert search in _log_later(case_hub, enterprise, 181)


def test_the_chain_verifies_after_searches_and_closures(case_hub: HubFixture) -> None:
    for case in ("（2026）晋01执400号", "（2026）晋01执401号"):
        assert event_id(_search(case_hub, case_hub.samples["enterprise"], case))
    assert "errors" not in case_hub.graphql("court", CLOSE, {"n": "（2026）晋01执400号"}).json()
    url, key = case_hub.settings.audit_url, str(case_hub.settings.audit_key_path)
    env = {"HUB_AUDIT_SECRET": case_hub.settings.audit_secret}
    result = CliRunner().invoke(cli, ["audit", "verify", "--database-url", url, "--key", key, "--check-index"], env=env)
    assert result.exit_code == 0, result.stdout
    assert "verified" in result.stdout


def _objected_item(hub: HubFixture) -> str:
    check = """query($c: ID!) { creditCheck(code: $c, matter: "GOVERNMENT_PROCUREMENT",
      purpose: ADMINISTRATIVE_APPROVAL) { measures { code basisItemId } } }"""
    body = hub.graphql("approval-bureau", check, {"c": hub.samples["blacklisted"]}).json()
    return str(next(m["basisItemId"] for m in body["data"]["creditCheck"]["measures"] if m["code"] == "GP-01"))


def test_every_mutation_is_registered_as_its_own_type(case_hub: HubFixture) -> None:
    person, firm = case_hub.samples["person"], case_hub.samples["blacklisted"]
    expected: dict[str, str] = {}

    def note(body: dict[str, Any], kind: str) -> dict[str, Any]:
        assert "errors" not in body, body
        expected[str(event_id(body))] = kind
        return body["data"]  # type: ignore[no-any-return]

    grant = """mutation($o: ID!, $until: DateTime!) { grantConsent(input: {grantee: $o, purpose: CREDIT_LENDING,
      recordTypes: ["registration"], expiresAt: $until}) { id } }"""
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    person_token = self_token(case_hub, person)
    granted = note(self_graphql(case_hub, person_token, grant, {"o": case_hub.clients["bank"]["org"], "until": until}),
                   "CONSENT")  # fmt: skip
    revoke = "mutation($id: ID!) { revokeConsent(id: $id) { id } }"
    note(self_graphql(case_hub, person_token, revoke, {"id": granted["grantConsent"]["id"]}), "CONSENT")

    item, firm_token = _objected_item(case_hub), self_token(case_hub, firm)
    file = "mutation($i: FileObjectionInput!) { fileObjection(input: $i) { id department } }"
    filing = self_graphql(case_hub, firm_token, file, {"i": {"itemId": item, "reason": "列入依据已被撤销"}})
    filed = note(filing, "OBJECTION")["fileObjection"]
    resolve = "mutation($i: ResolveObjectionInput!) { resolveObjection(input: $i) { id } }"
    decision = {"id": filed["id"], "decision": "REJECT", "note": "经核实，列入依据有效"}
    note(case_hub.graphql(filed["department"], resolve, {"i": decision}).json(), "OBJECTION")
    apply = "mutation($i: CreditRepairInput!) { applyCreditRepair(input: $i) { id department } }"
    evidence = [{"kind": "RECTIFICATION", "description": "已补缴全部税款"}]
    application = self_graphql(case_hub, firm_token, apply, {"i": {"itemId": item, "evidence": evidence}})
    applied = note(application, "REPAIR")["applyCreditRepair"]
    decide = "mutation($i: DecideCreditRepairInput!) { decideCreditRepair(input: $i) { id } }"
    refusal = {"id": applied["id"], "decision": "REFUSE", "note": "整改材料不全"}
    note(case_hub.graphql(applied["department"], decide, {"i": refusal}).json(), "REPAIR")
    report = """mutation($i: MeasureExecutionInput!) { reportMeasureExecution(input: $i) { id } }"""
    outcome = {"code": firm, "matter": "GOVERNMENT_PROCUREMENT", "outcomes": [{"measure": "GP-01", "executed": True}]}
    note(case_hub.graphql("approval-bureau", report, {"i": outcome}).json(), "MEASURE_FEEDBACK")
    case = "（2026）晋01执500号"
    assert event_id(_search(case_hub, firm, case))
    note(case_hub.graphql("court", CLOSE, {"n": case}).json(), "CASE")

    registered = {event["eventId"]: event["type"] for event in all_events(case_hub)}
    assert {receipt: registered[receipt] for receipt in expected} == expected

    own_read = event_id(self_graphql(case_hub, firm_token, "{ myRecord { code } }"))
    shown = {entry["eventId"] for entry in _log(case_hub, firm)}
    for receipt in (own_read, event_id(filing), event_id(application)):  # what the enterprise did itself
        assert receipt not in shown


def test_every_mutation_has_its_event_type() -> None:
    mutation = build_schema()._schema.mutation_type
    assert mutation is not None
    assert set(mutation.fields) == set(MUTATION_EVENTS)


def test_anomaly_thresholds_come_from_the_settings(case_hub: HubFixture) -> None:
    refused = [case_hub.graphql("public", SEARCH, {"c": case_hub.samples["enterprise"]}).json() for _ in range(2)]
    assert all(codes(body) == ["PURPOSE_NOT_ALLOWED"] for body in refused)
    found = case_hub.graphql(PRIVACY, ANOMALIES).json()["data"]["auditAnomalies"]
    scope = f"client:{case_hub.clients['public']['client_id']}"
    burst = [a for a in found if a["rule"] == "repeated_denials" and a["scope"] == scope]
    assert burst, "two refusals are a burst with denials = 2 (the default needs five)"
    assert {str(event_id(body)) for body in refused} <= set(burst[0]["eventIds"])
