"""Trusted documents over real HTTP and real tokens: a client registers its operations, the privacy office reads
their disclosure profiles and approves them, only approved documents run, a department that requires them refuses
anything else, every run is registered under its document id, and a policy change suspends a grown document."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from hub.config import resource_dir
from hub.store.documents import document_id
from hub.web.reports import REPORT_DOCUMENT, REPORT_QUERY
from tests.cli.test_documents import cli_register
from tests.graphql.audit_hub import PRIVACY, backends, codes, event_id, running_hub
from tests.support import server
from tests.support.server import HubFixture

APPROVAL = "approval-bureau"
CHECK = """query Check($code: ID!) { creditCheck(code: $code, matter: "GOVERNMENT_PROCUREMENT",
  purpose: ADMINISTRATIVE_APPROVAL) { listStatus measures { code mandatory suspended legalBasis } } }"""
RECORD = """query Record($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  code name phone legalRepresentative { name idNumber } } }"""
LENDING = """query Lending($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) {
  name phone penalties { decisionText } } }"""
REGISTER = """mutation($m: JSON!) { registerTrustedDocuments(manifest: $m) {
  id clientId status operations profile { purpose subjectKind field form consentRequired } } }"""
PENDING = """query($s: DocumentStatus) { trustedDocuments(status: $s) {
  id clientId status operations note reviewedBy profile { purpose subjectKind field form consentRequired } } }"""
REVIEW = """mutation($id: ID!, $d: DocumentDecision!, $n: String, $c: String) {
  reviewTrustedDocument(id: $id, decision: $d, note: $n, clientId: $c) { id status note reviewedBy } }"""
EVENTS = """query($f: AuditFilter) { auditEvents(filter: $f, first: 100) { edges { node {
  eventId documentId operationName outcome subjects { code fieldsClear fieldsMasked } } } } }"""


@pytest.fixture(scope="module", params=backends())
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    """A hub whose approval bureau runs only trusted documents (`documents: required`)."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    policies = tmp_path_factory.mktemp("documents-policies") / "policies"
    shutil.copytree(resource_dir("policies"), policies)
    approval = policies / f"{APPROVAL}.yaml"
    approval.write_text(approval.read_text(encoding="utf-8") + "documents: required\n", encoding="utf-8")
    with running_hub(request.param, tmp_path_factory.mktemp("documents-hub"), policies_dir=policies) as running:
        yield running


def post(hub: HubFixture, department: str, body: dict[str, Any]) -> dict[str, Any]:
    """Answers the JSON body of a GraphQL POST of `body` with a department's token."""
    headers = {"Authorization": f"Bearer {hub.token(department)}", "X-Hub-Operator": "clerk-7"}
    response = httpx.post(f"{hub.base_url}/graphql", json=body, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return dict(response.json())


def graphql(hub: HubFixture, department: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """Answers the JSON body of an arbitrary GraphQL operation."""
    return post(hub, department, {"query": query, "variables": variables or {}})


def register(hub: HubFixture, department: str, *texts: str) -> list[dict[str, Any]]:
    """Answers the registered documents of a manifest of `texts`, registered through the mutation."""
    manifest = {document_id(text): text for text in texts}
    body = (
        post(hub, department, {"documentId": document_id(REGISTER), "variables": {"m": manifest}})
        if (department == APPROVAL)
        else graphql(hub, department, REGISTER, {"m": manifest})
    )
    assert "errors" not in body, body
    return list(body["data"]["registerTrustedDocuments"])


def review(hub: HubFixture, text: str, decision: str, client: str | None = None) -> dict[str, Any]:
    """Answers the document as the privacy office left it after its decision."""
    variables = {"id": document_id(text), "d": decision, "n": "checked against 000 #39", "c": client}
    body = graphql(hub, PRIVACY, REVIEW, variables)
    assert "errors" not in body, body
    return dict(body["data"]["reviewTrustedDocument"])


def run(hub: HubFixture, department: str, text: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Answers the body of a request naming the document of `text` by its id."""
    return post(hub, department, {"documentId": document_id(text), "variables": variables})


def entries(document: dict[str, Any]) -> dict[tuple[str, str, str], tuple[str, bool]]:
    """Answers (purpose, kind, field) -> (form, consent) of a document's profile."""
    return {
        (e["purpose"], e["subjectKind"], e["field"]): (e["form"], e["consentRequired"]) for e in document["profile"]
    }


@pytest.fixture(scope="module")
def registration(hub: HubFixture) -> None:
    """The approval bureau's own registration mutation is its first trusted document (the bootstrap)."""
    # documents: required refuses even the registration mutation until it is approved: register it from the CLI
    cli_register(hub, APPROVAL, REGISTER)
    review(hub, REGISTER, "APPROVE", hub.clients[APPROVAL]["client_id"])


def test_a_registered_document_waits_with_its_profile_and_does_not_run(hub: HubFixture, registration: None) -> None:
    [document] = register(hub, APPROVAL, RECORD)
    assert document["id"] == document_id(RECORD)
    assert document["status"] == "PENDING"
    assert document["operations"] == ["subject"]
    profile = entries(document)
    assert profile[("ADMINISTRATIVE_APPROVAL", "LEGAL_ENTITY", "registration.name")] == ("clear", False)
    assert profile[("ADMINISTRATIVE_APPROVAL", "LEGAL_ENTITY", "registration.phone")] == ("masked", False)
    assert profile[("ADMINISTRATIVE_APPROVAL", "LEGAL_ENTITY", "registration.legal_representative.id_number")] == (
        "masked",
        False,
    )
    pending = graphql(hub, PRIVACY, PENDING, {"s": "PENDING"})["data"]["trustedDocuments"]
    assert document_id(RECORD) in [d["id"] for d in pending]
    body = run(hub, APPROVAL, RECORD, {"c": hub.samples["enterprise"]})
    assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert body["data"] is None


def test_the_profile_covers_every_purpose_a_variable_may_state_and_consent(hub: HubFixture) -> None:
    [document] = register(hub, "bank", LENDING)
    profile = entries(document)
    for purpose in ("CREDIT_LENDING", "POST_LOAN_MONITORING"):
        assert profile[(purpose, "NATURAL_PERSON", "registration.name")] == ("clear", True)
        assert profile[(purpose, "LEGAL_ENTITY", "registration.name")] == ("clear", False)
        assert profile[(purpose, "LEGAL_ENTITY", "penalty.decision_text")] == ("denied", False)
    assert not any(key[0] == "ADMINISTRATIVE_APPROVAL" for key in profile)


def test_an_invalid_document_is_refused_with_its_errors_and_nothing_is_stored(hub: HubFixture) -> None:
    bad = "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code salary } }"
    body = graphql(hub, "bank", REGISTER, {"m": {document_id(bad): bad}})
    assert codes(body) == ["BAD_USER_INPUT"]
    assert any("salary" in message for message in body["errors"][0]["extensions"]["graphqlErrors"])
    deep = "query($c: ID!) { subject(code: $c, purpose: CREDIT_LENDING) { " + "a: name " * 11 + "} }"
    assert codes(graphql(hub, "bank", REGISTER, {"m": {document_id(deep): deep}})) == ["QUERY_TOO_COMPLEX"]
    wrong = graphql(hub, "bank", REGISTER, {"m": {"sha256:" + "0" * 64: CHECK}})
    assert codes(wrong) == ["BAD_USER_INPUT"]
    listed = graphql(hub, PRIVACY, PENDING)["data"]["trustedDocuments"]
    assert not {document_id(bad), document_id(deep), "sha256:" + "0" * 64} & {d["id"] for d in listed}


def test_registering_needs_documents_write_and_reviewing_the_privacy_office(hub: HubFixture) -> None:
    assert codes(graphql(hub, "tax", REGISTER, {"m": {document_id(CHECK): CHECK}})) == ["FORBIDDEN"]
    assert codes(graphql(hub, "bank", PENDING)) == ["FORBIDDEN"]
    assert codes(graphql(hub, "bank", REVIEW, {"id": document_id(CHECK), "d": "APPROVE"})) == ["FORBIDDEN"]


def test_an_approved_document_runs_by_id_and_the_register_names_it(hub: HubFixture, registration: None) -> None:
    register(hub, APPROVAL, CHECK)
    approved = review(hub, CHECK, "APPROVE", hub.clients[APPROVAL]["client_id"])
    assert approved["status"] == "APPROVED"
    assert approved["note"] == "checked against 000 #39"
    code = hub.samples["enterprise"]
    body = run(hub, APPROVAL, CHECK, {"code": code})
    assert "errors" not in body, body
    assert body["data"]["creditCheck"]["listStatus"]
    apollo = post(hub, APPROVAL, {
        "variables": {"code": code},
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_id(CHECK).removeprefix("sha256:")}},
    })  # fmt: skip
    assert apollo["data"] == body["data"]
    as_text = graphql(hub, APPROVAL, CHECK, {"code": code})  # the approved text itself runs as that document
    assert as_text["data"] == body["data"]
    found = graphql(hub, PRIVACY, EVENTS, {"f": {"clientId": hub.clients[APPROVAL]["client_id"]}})
    nodes = {edge["node"]["eventId"]: edge["node"] for edge in found["data"]["auditEvents"]["edges"]}
    for answered in (body, apollo, as_text):
        node = nodes[event_id(answered)]
        assert node["documentId"] == document_id(CHECK)
        assert node["subjects"][0]["code"] == code


def test_a_department_requiring_documents_refuses_an_arbitrary_query(hub: HubFixture) -> None:
    body = graphql(hub, APPROVAL, "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { name } }",
                   {"c": hub.samples["enterprise"]})  # fmt: skip
    assert codes(body) == ["DOCUMENT_REQUIRED"]
    assert body["data"] is None
    assert event_id(body)  # the refusal is registered too
    other = graphql(hub, "bank", "query($c: ID!) { subject(code: $c, purpose: CREDIT_LENDING) { name } }",
                    {"c": hub.samples["enterprise"]})  # fmt: skip
    assert "errors" not in other, other  # the bank's policy does not require documents


def test_a_department_requiring_documents_downloads_reports_once_the_report_document_is_approved(
    hub: HubFixture, registration: None
) -> None:
    def download() -> httpx.Response:
        headers = {"Authorization": f"Bearer {hub.token(APPROVAL)}", "X-Hub-Operator": "clerk-7"}
        url = f"{hub.base_url}/reports/{hub.samples['enterprise']}.pdf"
        return httpx.get(url, params={"purpose": "ADMINISTRATIVE_APPROVAL"}, headers=headers, timeout=60)

    refused = download()
    assert refused.status_code == 403, refused.text
    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "DOCUMENT_REQUIRED"
    assert error["extensions"]["documentId"] == REPORT_DOCUMENT == document_id(REPORT_QUERY)
    assert REPORT_DOCUMENT in error["extensions"]["fix"]
    assert refused.headers["X-Hub-Audit-Event-Id"], "the refusal is registered"
    register(hub, APPROVAL, REPORT_QUERY)
    review(hub, REPORT_QUERY, "APPROVE", hub.clients[APPROVAL]["client_id"])
    served = download()
    assert served.status_code == 200, served.text
    assert served.content.startswith(b"%PDF")
    events = graphql(hub, PRIVACY, EVENTS, {"f": {"subject": hub.samples["enterprise"]}})["data"]["auditEvents"]
    [entry] = [e["node"] for e in events["edges"] if e["node"]["eventId"] == served.headers["X-Hub-Audit-Event-Id"]]
    assert entry["documentId"] == REPORT_DOCUMENT, "the register names the report's document"


def test_unknown_rejected_and_other_clients_documents_are_not_found(hub: HubFixture, registration: None) -> None:
    code = hub.samples["enterprise"]
    unknown = post(hub, APPROVAL, {"documentId": "sha256:" + "ab" * 32, "variables": {}})
    assert codes(unknown) == ["PERSISTED_QUERY_NOT_FOUND"]
    rejected_text = CHECK.replace("legalBasis", "legalBasis suspended")
    register(hub, APPROVAL, rejected_text)
    assert review(hub, rejected_text, "REJECT", hub.clients[APPROVAL]["client_id"])["status"] == "REJECTED"
    assert codes(run(hub, APPROVAL, rejected_text, {"code": code})) == ["PERSISTED_QUERY_NOT_FOUND"]
    register(hub, APPROVAL, CHECK)
    review(hub, CHECK, "APPROVE", hub.clients[APPROVAL]["client_id"])
    assert codes(run(hub, "bank", CHECK, {"code": code})) == ["PERSISTED_QUERY_NOT_FOUND"]  # the bureau's, not its


def test_a_policy_change_suspends_the_documents_whose_profile_grew(hub: HubFixture, tmp_path: Any) -> None:
    register(hub, "bank", LENDING)
    assert review(hub, LENDING, "APPROVE", hub.clients["bank"]["client_id"])["status"] == "APPROVED"
    variables = {"c": hub.samples["enterprise"], "p": "CREDIT_LENDING"}
    assert run(hub, "bank", LENDING, variables)["data"]["subject"]["phone"].count("*")  # masked
    policies = tmp_path / "policies"
    shutil.copytree(hub.settings.policies_dir, policies)
    bank = policies / "bank.yaml"
    bank.write_text(re.sub(r"      phone: mask\n", "", bank.read_text(encoding="utf-8")), encoding="utf-8")
    for _ in server.serve(hub.settings.model_copy(update={"policies_dir": policies})):
        pass  # a hub starting with the grown policy re-analyses every document
    listed = {d["id"]: d for d in graphql(hub, PRIVACY, PENDING, {"s": "SUSPENDED"})["data"]["trustedDocuments"]}
    assert entries(listed[document_id(LENDING)])[("CREDIT_LENDING", "LEGAL_ENTITY", "registration.phone")] == (
        "clear",
        False,
    )
    assert codes(run(hub, "bank", LENDING, variables)) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert run(hub, APPROVAL, CHECK, {"code": hub.samples["enterprise"]}).get("errors") is None  # unchanged: runs
    review(hub, LENDING, "APPROVE", hub.clients["bank"]["client_id"])
    assert run(hub, "bank", LENDING, variables)["data"]["subject"]["name"]
