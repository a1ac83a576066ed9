"""Compiled trusted documents answer byte for byte as the generic executor does, over real HTTP and real tokens.

Hypothesis draws documents (field subsets of the subject and item types, the enterprises a person represents,
aliases, `__typename`, purposes as variables or literals; or a credit check's fields, its matter as a variable or
a literal, known or unknown), departments, purposes and subjects (an enterprise, a black-listed one, a legal
representative with and without consent, one not on record, an invalid code), on a hub whose sources all
answer and on one whose court source is down (partial answers). Each document is registered and approved,
called by id (compiled) and sent as text (generic), and the two bodies must be equal except the receipt's id.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hub.store.documents import document_id
from tests.cli.test_documents import cli_register
from tests.collection.test_read_check import add_faulty_items
from tests.graphql.audit_hub import PRIVACY, backends, codes, event_id, running_hub
from tests.graphql.test_audit_fail_closed import _blocker, _refused_without_data
from tests.support import server
from tests.support.server import HubFixture

GRANT = "mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id } }"
REVIEW = """mutation($id: ID!, $c: String) {
  reviewTrustedDocument(id: $id, decision: APPROVE, note: "checked", clientId: $c) { status } }"""
ITEM = ["id", "source", "rightsStatus", "rightsStatusOn", "__typename"]
LISTS: dict[str, list[str]] = {
    "licences": ["decisionNumber", "title", "category", "authority", "decidedOn", "validUntil", "content",
                 "qualityFlags { field code }"],
    "penalties": ["decisionNumber", "category", "authority", "decidedOn", "amount", "legalBasis", "decisionText",
                  "disclosureUntil", "qualityFlags { code field __typename }"],
    "listings": ["list", "reason", "department", "basisDocument", "listedOn", "expiresOn", "exitConditions",
                 "status", "flags { code reason }"],
    "courtDishonesty": ["caseNumber", "court", "filedOn", "publishedOn", "obligation", "performance"],
    "taxCredit": ["year", "grade", "assessedOn"],
    "reports": ["receivedOn", "topic", "reporterName", "reporterPhone"],
}  # fmt: skip
SCALARS = ["code", "kind", "name", "status", "registeredOn", "phone", "address", "__typename"]
NESTED = {
    "legalRepresentative": ["name", "idNumber"],
    "sources": ["name", "title", "status", "breaker"],
    "representedEnterprises": ["id", "source", "enterpriseCode", "enterpriseName", "role", "since", "until",
                               "listings { list status listedOn }", "courtDishonesty { caseNumber performance }"],
}  # fmt: skip
THROUGH = "through { code name role }"
CHECK_SCALARS = ["code", "kind", "matter", "checkedOn", "listStatus", "complete", "incomplete", "__typename"]
CHECK_NESTED = {
    "entries": ["itemId", "list", "startsOn", "endsOn", "extensionDays", "suspended", "holder", THROUGH],
    "measures": ["code", "content", "kind", "mandatory", "suspended", "legalBasis", "initiatingDepartments",
                 "implementingDepartments", "implementingDepartment", "basisItemId", "basisItemIds", "basisList",
                 "via", "startsOn", "endsOn", THROUGH, "__typename"],
    "greenChannel": ["eligible", "reason", "legalBasis"],
    "commitment": ["offered", "eligible", "barredUntil", "reason", "basisItemId", "legalBasis"],
}  # fmt: skip
MATTERS = ["GOVERNMENT_PROCUREMENT", "HONOURS", "ADMINISTRATIVE_LICENCE", "HIGH_CONSUMPTION", "NO_SUCH_MATTER"]
CHECKERS = {"approval-bureau", "market-regulation", "bank"}  # the departments whose clients hold check:read
PURPOSES = {
    "approval-bureau": ["ADMINISTRATIVE_APPROVAL"],
    "bank": ["CREDIT_LENDING", "POST_LOAN_MONITORING"],
    "public": ["PUBLIC_DISCLOSURE"],
    "market-regulation": ["SUPERVISION", "ADMINISTRATIVE_APPROVAL"],
    "tax": ["SUPERVISION"],
}
BULK = {"approval-bureau", "market-regulation", "tax"}  # the departments whose clients hold subject:bulk
SUBJECTS = ["enterprise", "blacklisted", "person", "absent", "invalid"]
ABSENT = "91140100MA0000000X"  # a well-formed code no source holds (check character computed below)
UUID = re.compile(rb'"eventId":"[0-9a-f-]{36}"')


@dataclass
class Hubs:
    """The hubs under test, and the documents each department has approved on each."""

    running: dict[str, HubFixture]
    approved: set[tuple[str, str, str]] = field(default_factory=set)


def _absent_code() -> str:
    from stdnum.cn import uscc

    body = ABSENT[:17]
    return body + uscc.calc_check_digit(body)


@pytest.fixture(scope="module", params=backends())
def hubs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hubs]:
    """A hub whose sources all answer, and one whose court source is down, over the same seeded data."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    with running_hub(request.param, tmp_path_factory.mktemp("compiled-hub")) as healthy:
        add_faulty_items(healthy.source_urls["datong"], healthy.samples["enterprise"])  # read with quality flags
        broken = dict(healthy.source_urls)
        broken["court"] = _unreachable(request.param, broken["court"], tmp_path_factory.mktemp("broken"))
        settings_ = server.hub_settings(healthy.settings.database_url, broken, breaker_failures=1000)
        for base_url in server.serve(settings_):
            partial = HubFixture(base_url, settings_, healthy.clients, healthy.samples, broken)
            _grant_consent(healthy)
            yield Hubs({"healthy": healthy, "partial": partial})


def _unreachable(backend: str, url: str, folder: Path) -> str:
    """Answers a source URL that no database answers at (a file that is not a database, or a closed port)."""
    if backend == "sqlite":
        garbage = folder / "court.db"
        garbage.write_bytes(b"not a database" * 100)
        return f"sqlite+aiosqlite:///{garbage}"
    return re.sub(r"@[^/]+/", "@127.0.0.1:9/", url)


def _grant_consent(hub: HubFixture) -> None:
    """The legal representative consents to the bank's lending look-ups (not to its loan monitoring)."""
    expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    given = {"grantee": hub.clients["bank"]["org"], "purpose": "CREDIT_LENDING", "expiresAt": expires,
             "recordTypes": ["registration", "penalty", "listing", "court_dishonesty"]}  # fmt: skip
    body = hub.self_graphql(hub.samples["person"], GRANT, {"input": given}).json()
    assert "errors" not in body, body


@st.composite
def selections(draw: st.DrawFn, check: bool = False) -> tuple[str, str]:
    """Draws a selection on Subject (scalars, the legal representative, sources, lists of items and the enterprises
    a person represents), or with `check` on CreditCheck, aliased, some of it in an inline or a named fragment, and
    the fragment definitions it spreads."""
    parts: list[str] = []
    aliases = iter(f"a{n}" for n in range(3))  # the public's policy allows 5 aliases a document
    scalars, nested = (CHECK_SCALARS, CHECK_NESTED) if check else (SCALARS, NESTED)
    on = "CreditCheck" if check else "Subject"

    def named(name: str) -> str:
        alias = next(aliases, None) if draw(st.integers(0, 5)) == 0 else None
        return f"{alias}: {name}" if alias else name

    choices = [*scalars, *nested] if check else [*SCALARS, *NESTED, *LISTS]
    picked = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=8, unique=True))
    for name in picked:
        if name in scalars:
            parts.append(named(name))
            continue
        pool = nested.get(name) or [*LISTS[name], *(ITEM if name != "reports" else ITEM[:2])]
        inner = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6, unique=True))
        parts.append(f"{named(name)} {{ {' '.join(inner)} }}")
    cut = draw(st.integers(0, len(parts)))
    kind = draw(st.sampled_from(["none", "inline", "named"]))
    if kind == "inline" and cut < len(parts):
        return " ".join([*parts[:cut], f"... on {on} {{ {' '.join(parts[cut:])} }}"]), ""
    if kind == "named" and cut < len(parts):
        return " ".join([*parts[:cut], "...Drawn"]), f" fragment Drawn on {on} {{ {' '.join(parts[cut:])} }}"
    return " ".join(parts), ""


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, dict[str, Any], list[str], str]:
    """Draws (department, document text, variables, subject keys, hub): one `subject`, or `subjects` of 1-3, or
    one `creditCheck`, or `creditChecks` of 1-3."""
    if draw(st.booleans()):
        return draw(check_requests())
    department = draw(st.sampled_from(sorted(PURPOSES)))
    purpose = draw(st.sampled_from(PURPOSES[department]))
    bulk = draw(st.booleans())
    subjects = draw(st.lists(st.sampled_from(SUBJECTS), min_size=1, max_size=3 if bulk else 1))
    literal = draw(st.booleans())
    selection, fragments = draw(selections())
    name = draw(st.sampled_from(["", "Check ", "Lending "]))
    root, codes = ("subjects(codes: $c", "[ID!]!") if bulk else ("subject(code: $c", "ID!")
    if literal:
        text = f"query {name}($c: {codes}) {{ {root}, purpose: {purpose}) {{ {selection} }} }}{fragments}"
        variables: dict[str, Any] = {}
    else:
        text = f"query {name}($c: {codes}, $p: Purpose!) {{ {root}, purpose: $p) {{ {selection} }} }}{fragments}"
        variables = {"p": purpose}
    return department, text, variables, subjects, draw(st.sampled_from(["healthy", "partial"]))


@st.composite
def check_requests(draw: st.DrawFn) -> tuple[str, str, dict[str, Any], list[str], str]:
    """Draws (department, document text, variables, subject keys, hub) of one `creditCheck` or `creditChecks`."""
    department = draw(st.sampled_from(sorted(PURPOSES)))
    purpose = draw(st.sampled_from(PURPOSES[department]))
    bulk = draw(st.booleans())
    subjects = draw(st.lists(st.sampled_from(SUBJECTS), min_size=1, max_size=3 if bulk else 1))
    matter = draw(st.sampled_from(MATTERS))
    selection, fragments = draw(selections(check=True))
    name = draw(st.sampled_from(["", "Check "]))
    field, codes = ("creditChecks(codes: $c", "[ID!]!") if bulk else ("creditCheck(code: $c", "ID!")
    declared, arguments, variables = [f"$c: {codes}"], [], {}
    for argument, value, kind in (("matter", f'"{matter}"', "String!"), ("purpose", purpose, "Purpose!")):
        if draw(st.booleans()):
            arguments.append(f"{argument}: {value}")
        else:
            declared.append(f"${argument[0]}: {kind}")
            arguments.append(f"{argument}: ${argument[0]}")
            variables[argument[0]] = matter if argument == "matter" else purpose
    head = f"query {name}({', '.join(declared)})"
    text = f"{head} {{ {field}, {', '.join(arguments)}) {{ {selection} }} }}{fragments}"
    return department, text, variables, subjects, draw(st.sampled_from(["healthy", "partial"]))


def _code(hub: HubFixture, subject: str) -> str:
    if subject == "absent":
        return _absent_code()
    if subject == "invalid":
        return "91140100MA0000000"
    return hub.samples[subject]


def _approve(hubs: Hubs, hub: HubFixture, name: str, department: str, text: str) -> None:
    if (name, department, text) in hubs.approved:
        return
    cli_register(hub, department, text)
    variables = {"id": document_id(text), "c": hub.clients[department]["client_id"]}
    body = hub.graphql(PRIVACY, REVIEW, variables).json()
    assert "errors" not in body, body
    hubs.approved.add((name, department, text))
    # both hubs share one hub database: an approval on one is an approval on both
    hubs.approved.add(("partial" if name == "healthy" else "healthy", department, text))


def _post(hub: HubFixture, department: str, payload: dict[str, Any]) -> httpx.Response:
    headers = {"Authorization": f"Bearer {hub.token(department)}", "X-Hub-Operator": "clerk-7"}
    return httpx.post(f"{hub.base_url}/graphql", json=payload, headers=headers, timeout=30)


def compiled_answers(hub: HubFixture) -> float:
    """Answers how many requests the hub has answered through a compiled document's writer so far."""
    text = httpx.get(f"{hub.base_url}/metrics", timeout=30).text
    found = re.search(r'^credit_hub_stage_duration_seconds_count\{stage="write"\} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def _same(compiled: httpx.Response, generic: httpx.Response) -> None:
    assert compiled.status_code == generic.status_code
    assert compiled.headers["content-type"] == generic.headers["content-type"]
    assert UUID.sub(b'"eventId":"-"', compiled.content) == UUID.sub(b'"eventId":"-"', generic.content)


@settings(
    max_examples=int(os.environ.get("HUB_TEST_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.generate],  # a failing draw is printed as drawn: shrinking over HTTP takes minutes
)
@given(drawn=requests())
def test_the_compiled_and_the_generic_path_answer_byte_for_byte_alike(
    hubs: Hubs, drawn: tuple[str, str, dict[str, Any], list[str], str]
) -> None:
    department, text, variables, subjects, name = drawn
    hub = hubs.running[name]
    _approve(hubs, hub, name, department, text)
    check = "creditCheck" in text
    bulk = "subjects(" in text or "creditChecks(" in text
    sent = [_code(hub, subject) for subject in subjects]
    variables = {**variables, "c": sent if bulk else sent[0]}
    before = compiled_answers(hub)
    compiled = _post(hub, department, {"documentId": document_id(text), "variables": variables})
    generic = _post(hub, department, {"query": text, "variables": variables})
    _same(compiled, generic)
    # an invalid code, `subjects` without the scope subject:bulk, a check without check:read or of an unknown
    # matter, and a client throttled for look-ups of persons that disclosed nothing are the generic path's to refuse
    known = "NO_SUCH_MATTER" not in text and variables.get("m") != "NO_SUCH_MATTER"
    allowed = department in CHECKERS and known if check else not bulk or department in BULK
    if "invalid" not in subjects and allowed and "RATE_LIMITED" not in codes(generic.json()):
        assert compiled_answers(hub) == before + 1, "the compiled path did not answer"
    assert event_id(compiled.json()) != event_id(generic.json())


FLAGGED = """query Flagged($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) {
  licences { category content qualityFlags { field code } }
  penalties { decisionText qualityFlags { field code } } } }"""


@pytest.mark.parametrize(
    ("department", "purpose"),
    [("market-regulation", "SUPERVISION"), ("approval-bureau", "ADMINISTRATIVE_APPROVAL"), ("bank", "CREDIT_LENDING")],
)
def test_a_compiled_answer_carries_the_quality_flags_the_caller_may_see(
    hubs: Hubs, department: str, purpose: str
) -> None:
    hub = hubs.running["healthy"]
    _approve(hubs, hub, "healthy", department, FLAGGED)
    variables = {"c": hub.samples["enterprise"], "p": purpose}
    before = compiled_answers(hub)
    compiled = _post(hub, department, {"documentId": document_id(FLAGGED), "variables": variables})
    assert compiled_answers(hub) == before + 1, "the compiled path did not answer"
    flags = {
        (flag["field"], flag["code"])
        for kind in ("licences", "penalties")
        for item in compiled.json()["data"]["subject"][kind] or []
        for flag in item["qualityFlags"]
    }
    shown = {"market-regulation": "TOO_LONG", "approval-bureau": "CHECK_FAILED"}.get(department)
    assert {code for field, code in flags if field == "decision_text"} == ({shown} if shown else set())
    assert ("decided_on", "FUTURE_DATE") not in flags, "decidedOn is not asked for"
    _same(compiled, _post(hub, department, {"query": FLAGGED, "variables": variables}))


def test_a_compiled_answer_carries_partial_errors_and_masked_values(hubs: Hubs) -> None:
    hub = hubs.running["partial"]
    text = """query Lending($c: ID!) { subject(code: $c, purpose: CREDIT_LENDING) {
      name legalRepresentative { idNumber } courtDishonesty { caseNumber } penalties { decisionText } } }"""
    _approve(hubs, hub, "partial", "bank", text)
    variables = {"c": hub.samples["enterprise"]}
    compiled = _post(hub, "bank", {"documentId": document_id(text), "variables": variables})
    body = compiled.json()
    assert "SOURCE_UNAVAILABLE" in codes(body)
    assert "FIELD_DENIED" in codes(body)
    assert "*" in body["data"]["subject"]["legalRepresentative"]["idNumber"]
    _same(compiled, _post(hub, "bank", {"query": text, "variables": variables}))


RECEIPTS = """query($f: AuditFilter) { auditEvents(filter: $f, first: 500) { edges { node {
  eventId documentId outcome receiptBeforeFetch subjects { code fieldsClear fieldsMasked fieldsDenied } } } } }"""
DIRECTED = """query Directed($c: ID!, $full: Boolean!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  code name @include(if: $full) } }"""


def _events(hub: HubFixture, department: str) -> dict[str, dict[str, Any]]:
    body = hub.graphql(PRIVACY, RECEIPTS, {"f": {"department": department}}).json()
    assert "errors" not in body, body
    return {edge["node"]["eventId"]: edge["node"] for edge in body["data"]["auditEvents"]["edges"]}


def test_the_receipt_is_written_from_the_plan_and_says_so(hubs: Hubs) -> None:
    hub = hubs.running["partial"]
    text = """query Partial($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
      name phone courtDishonesty { caseNumber } penalties { decisionNumber } } }"""
    _approve(hubs, hub, "partial", "approval-bureau", text)
    body = _post(
        hub,
        "approval-bureau",
        {"documentId": document_id(text), "variables": {"c": hub.samples["enterprise"]}},
    ).json()
    assert set(codes(body)) == {"SOURCE_UNAVAILABLE"}  # the court did not answer: the record is partial
    event = _events(hub, "approval-bureau")[str(event_id(body))]
    assert event["documentId"] == document_id(text)
    assert event["receiptBeforeFetch"] is True
    [subject] = event["subjects"]
    # the court's field is recorded although the court did not answer: more than left, never less
    assert "court_dishonesty.case_number" in subject["fieldsClear"]
    assert "registration.phone" in subject["fieldsMasked"]


def test_a_document_the_compiler_leaves_out_runs_through_the_generic_executor(hubs: Hubs) -> None:
    hub = hubs.running["healthy"]
    _approve(hubs, hub, "healthy", "approval-bureau", DIRECTED)
    before = compiled_answers(hub)
    variables = {"c": hub.samples["enterprise"], "full": True}
    body = _post(hub, "approval-bureau", {"documentId": document_id(DIRECTED), "variables": variables})
    assert body.json()["data"]["subject"]["code"] == hub.samples["enterprise"]
    assert compiled_answers(hub) == before
    event = _events(hub, "approval-bureau")[str(event_id(body.json()))]
    assert event["receiptBeforeFetch"] is False


@pytest.fixture(scope="module", params=backends())
def closed_hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    """A hub whose register lives in a database of its own, so only the register can be taken away."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    folder = tmp_path_factory.mktemp("compiled-fail-closed")
    with running_hub(request.param, folder, separate_audit=True, audit_timeout_seconds=1.0) as hub:
        yield hub


def test_a_compiled_document_fails_closed_when_the_register_is_down(closed_hub: HubFixture) -> None:
    hub = closed_hub
    text = """query Closed($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
      name phone penalties { decisionNumber } } }"""
    _approve(Hubs({"closed": hub}), hub, "closed", "approval-bureau", text)
    payload = {"documentId": document_id(text), "variables": {"c": hub.samples["enterprise"]}}
    name = _post(hub, "approval-bureau", payload).json()["data"]["subject"]["name"]
    with _blocker(hub).blocked():
        before = compiled_answers(hub)
        answer = _post(hub, "approval-bureau", payload)
        assert compiled_answers(hub) == before + 1  # answered by the compiled path, its receipt written ahead
        _refused_without_data(answer, [name, hub.samples["enterprise"]])


CHECK = """query Procurement($c: ID!, $m: String!) {
  creditCheck(code: $c, matter: $m, purpose: ADMINISTRATIVE_APPROVAL) {
    code listStatus measures { code mandatory suspended legalBasis } } }"""


@pytest.mark.parametrize(("matter", "ahead"), [("GOVERNMENT_PROCUREMENT", True), ("HONOURS", False)])
def test_a_compiled_credit_check_writes_its_receipt_from_the_plan_where_the_plan_knows_it(
    hubs: Hubs, matter: str, ahead: bool
) -> None:
    hub = hubs.running["healthy"]
    _approve(hubs, hub, "healthy", "approval-bureau", CHECK)
    before = compiled_answers(hub)
    variables = {"c": hub.samples["blacklisted"], "m": matter}
    body = _post(hub, "approval-bureau", {"documentId": document_id(CHECK), "variables": variables}).json()
    assert compiled_answers(hub) == before + 1
    assert body["data"]["creditCheck"]["listStatus"] == "BLACK"
    event = _events(hub, "approval-bureau")[str(event_id(body))]
    assert event["documentId"] == document_id(CHECK)
    # HONOURS reach the legal representative, who is known only once the enterprise is read
    assert event["receiptBeforeFetch"] is ahead
    subject = next(s for s in event["subjects"] if s["code"] == hub.samples["blacklisted"])
    assert "listing.list" in subject["fieldsClear"]


def test_the_enterprises_a_person_represents_run_compiled_with_their_receipt_after_the_fetch(hubs: Hubs) -> None:
    hub = hubs.running["healthy"]
    text = """query Represented($c: ID!) { subject(code: $c, purpose: SUPERVISION) {
      code representedEnterprises { enterpriseCode role listings { list status } } } }"""
    _approve(hubs, hub, "healthy", "market-regulation", text)
    before = compiled_answers(hub)
    payload = {"documentId": document_id(text), "variables": {"c": hub.samples["person"]}}
    compiled = _post(hub, "market-regulation", payload)
    assert compiled_answers(hub) == before + 1
    assert compiled.json()["data"]["subject"]["representedEnterprises"], "the sample person represents an enterprise"
    _same(compiled, _post(hub, "market-regulation", {"query": text, "variables": payload["variables"]}))
    event = _events(hub, "market-regulation")[str(event_id(compiled.json()))]
    assert event["receiptBeforeFetch"] is False
    assert len(event["subjects"]) >= 2, "the person and the enterprise whose entries were shown"
