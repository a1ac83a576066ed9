"""A hub as a source, end to end: a province and two cities, three uvicorn processes with their own databases.

One query at the province reaches both cities as the original caller (token exchange); each city applies its own
policy bounded by its policy for the province; consent is checked where it lives; the three registers link up;
a city down, slow or without its register gives a partial answer, never data without a receipt.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from hub.federation.caller import CALLER, Caller
from hub.federation.hub_mapping import HubSourceMap
from hub.federation.remote import HubCredentials, HubSource
from hub.identity.keys import KeyRing, SigningKey
from hub.identity.keywrap import KeyWrap
from hub.store.engine import make_engine
from hub.store.keys import SigningKeyRepository
from tests.conftest import BACKENDS, create_pg_database, drop_pg_database
from tests.conftest import _run_apart as run_apart
from tests.federation.support import CITY_TIMEOUT_MS, Federation, run_federation

ACROSS = """query($c: [ID!]!) { subjects(codes: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  code name phone legalRepresentative { name idNumber }
  penalties { id source decisionNumber decidedOn amount } listings { list listedOn } taxCredit { year grade }
  sources { name kind status elapsedMs } } }"""
ONE = """query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  code name penalties { source decisionNumber } sources { name kind status } } }"""
PERSON = """query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  code representedEnterprises { enterpriseCode role } sources { name status } } }"""
EVENT = """query($id: ID!) { auditEvents(filter: {eventId: $id}) { edges { node {
  eventId organisation organisationName department clientId subjects { code }
  upstream { hub eventId } remoteReceipts { hub eventId } } } } }"""
ACCESS_LOG = "{ myAccessLog(first: 20) { edges { node { eventId organisation organisationCode department } } } }"
GRANT = "mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id } }"


@pytest.fixture(scope="module", params=BACKENDS)
def federation(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federation]:
    """Answers a running province and two cities; the province's own database on each configured backend."""
    url = create_pg_database("hubtest_province") if request.param == "postgresql" else None
    try:
        yield from run_federation(tmp_path_factory.mktemp("federation"), url)
    finally:
        if url is not None:
            drop_pg_database(url)


def _data(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _errors(body: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [e for e in body.get("errors", []) if e.get("extensions", {}).get("code") == code]


def _across(federation: Federation) -> dict[str, Any]:
    samples = federation.demo.samples
    codes = [samples["enterprise"], samples["blacklisted"]]  # registered in Taiyuan and in Datong
    return _data(federation.graphql("province", "approval-bureau", ACROSS, {"c": codes}))


def _status(subject: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {s["name"]: (s["kind"], s["status"]) for s in subject["sources"]}


def test_one_query_at_the_province_reaches_both_cities(federation: Federation) -> None:
    body = _across(federation)
    taiyuan_enterprise, datong_enterprise = body["data"]["subjects"]
    for subject in (taiyuan_enterprise, datong_enterprise):
        assert _status(subject)["taiyuan"] == ("HUB", "OK")
        assert _status(subject)["datong"] == ("HUB", "OK")
        assert _status(subject)["tax"] == ("DATABASE", "OK")
        assert subject["name"], "the registration comes from the city that holds it"
        assert subject["taxCredit"], "the province's own database answers beside the cities"
    direct = _data(federation.graphql("taiyuan", "approval-bureau", ONE, {"c": taiyuan_enterprise["code"]}))
    city = direct["data"]["subject"]
    assert city["name"] == taiyuan_enterprise["name"]
    from_taiyuan = sorted(p["decisionNumber"] for p in taiyuan_enterprise["penalties"] if p["source"] == "taiyuan")
    assert from_taiyuan == sorted(p["decisionNumber"] for p in city["penalties"] if p["source"] == "taiyuan")
    assert body["extensions"]["audit"]["eventId"]


def test_a_field_the_city_denies_is_denied_at_the_province(federation: Federation) -> None:
    body = _across(federation)
    # approval-bureau may see the phone masked, but the city passes no phone on to the province
    denied = [e for e in _errors(body, "FIELD_DENIED") if e["path"][-1] == "phone"]
    assert {tuple(e["path"]) for e in denied} == {("subjects", 0, "phone"), ("subjects", 1, "phone")}
    assert all("decided at" in e["message"] for e in denied), denied
    assert all("市级 Credit Hub" in e["message"] for e in denied), "the answer names the city that refused"
    assert body["data"]["subjects"][0]["phone"] is None
    masked = body["data"]["subjects"][0]["legalRepresentative"]["idNumber"]
    assert masked, "masked at the city, kept as masked at the province"
    assert "*" in masked
    assert masked[:6].isdigit()


def test_the_three_registers_link_up(federation: Federation) -> None:
    body = _across(federation)
    event_id = body["extensions"]["audit"]["eventId"]
    province = _data(federation.graphql("province", "privacy-office", EVENT, {"id": event_id}))
    [edge] = province["data"]["auditEvents"]["edges"]
    receipts = {r["hub"]: r["eventId"] for r in edge["node"]["remoteReceipts"]}
    assert set(receipts) == {"taiyuan", "datong"}
    caller = federation.province.clients["approval-bureau"]
    for city, city_event in receipts.items():
        found = _data(federation.graphql(city, "privacy-office", EVENT, {"id": city_event}))
        [city_edge] = found["data"]["auditEvents"]["edges"]
        node = city_edge["node"]
        assert node["upstream"] == {"hub": federation.province.base_url, "eventId": event_id}
        assert node["organisation"] == caller["org"], "the city registers the real organisation"
        assert node["department"] == "approval-bureau"
        assert node["clientId"] == federation.demo.province.settings.sources[city].client_id


def test_one_request_per_city_for_a_query_of_several_kinds_of_subject(federation: Federation) -> None:
    """An enterprise and a person need two plans; each city still gets one request, so registers one event."""
    samples = federation.demo.samples
    query = """query($c: [ID!]!) { subjects(codes: $c, purpose: ADMINISTRATIVE_APPROVAL) {
      code name penalties { decisionNumber } } }"""
    body = _data(
        federation.graphql("province", "approval-bureau", query, {"c": [samples["enterprise"], samples["person"]]})
    )
    assert body["data"]["subjects"][0]["name"]
    event_id = body["extensions"]["audit"]["eventId"]
    province = _data(federation.graphql("province", "privacy-office", EVENT, {"id": event_id}))
    [edge] = province["data"]["auditEvents"]["edges"]
    hubs = sorted(r["hub"] for r in edge["node"]["remoteReceipts"])
    assert hubs == ["datong", "taiyuan"], "one receipt, so one request, per city"


TWO = """query($a: ID!, $b: ID!) {
  a: subject(code: $a, purpose: CREDIT_LENDING) { code name sources { name status } }
  b: subject(code: $b, purpose: CREDIT_LENDING) { code name sources { name status } } }"""


def test_several_codes_of_a_caller_without_bulk_reach_the_cities(federation: Federation) -> None:
    """The bank may not ask `subjects`: the province asks each city with aliased `subject` fields instead."""
    samples = federation.demo.samples
    codes = {"a": samples["enterprise"], "b": samples["blacklisted"]}
    body = _data(federation.graphql("province", "bank", TWO, codes))
    assert not _errors(body, "SOURCE_UNAVAILABLE"), body
    for alias in ("a", "b"):
        subject = body["data"][alias]
        assert subject["name"], (alias, body)
        states = {s["name"]: s["status"] for s in subject["sources"]}
        assert states["taiyuan"] == states["datong"] == "OK", states
    event_id = body["extensions"]["audit"]["eventId"]
    province = _data(federation.graphql("province", "privacy-office", EVENT, {"id": event_id}))
    [edge] = province["data"]["auditEvents"]["edges"]
    assert sorted(r["hub"] for r in edge["node"]["remoteReceipts"]) == ["datong", "taiyuan"], "one request per city"


OWN = "{ myRecord { code name penalties { source decisionNumber } sources { name kind status } } }"
OWN_EVENT = """query($id: ID!) { auditEvents(filter: {eventId: $id}) { edges { node {
  eventId purpose organisation department clientId subjects { code } upstream { hub eventId } } } } }"""


def test_a_subject_reads_its_own_record_at_the_province_through_both_cities(federation: Federation) -> None:
    """The province vouches that its caller signed in as the subject; each city answers that subject's own record
    under its self-access rules and registers it as the subject's own read, naming the province's event."""
    code = federation.demo.samples["enterprise"]
    body = _data(federation.self_graphql("province", code, OWN))
    assert not body.get("errors"), body
    own = body["data"]["myRecord"]
    assert _status(own)["taiyuan"] == ("HUB", "OK")
    assert _status(own)["datong"] == ("HUB", "OK")
    direct = _data(federation.self_graphql("taiyuan", code, OWN))["data"]["myRecord"]
    assert own["name"] == direct["name"]
    from_taiyuan = sorted(p["decisionNumber"] for p in own["penalties"] if p["source"] == "taiyuan")
    assert from_taiyuan == sorted(p["decisionNumber"] for p in direct["penalties"] if p["source"] == "taiyuan")
    event_id = body["extensions"]["audit"]["eventId"]
    province = _data(federation.graphql("province", "privacy-office", EVENT, {"id": event_id}))
    [edge] = province["data"]["auditEvents"]["edges"]
    receipts = edge["node"]["remoteReceipts"]
    assert {r["hub"] for r in receipts} == {"taiyuan", "datong"}
    for receipt in receipts:
        found = _data(federation.graphql(receipt["hub"], "privacy-office", OWN_EVENT, {"id": receipt["eventId"]}))
        [city_edge] = found["data"]["auditEvents"]["edges"]
        node = city_edge["node"]
        assert node["upstream"] == {"hub": federation.province.base_url, "eventId": event_id}, node
        assert node["purpose"] == "SELF_ACCESS", node
        assert [s["code"] for s in node["subjects"]] == [code]


def test_an_own_read_for_another_subject_is_refused_at_the_city(federation: Federation) -> None:
    """A hub may vouch for a subject's own read only as that subject, for SELF_ACCESS."""
    link = federation.province.settings.sources["taiyuan"]
    client = {"client_id": link.client_id or "", "client_secret": link.client_secret or ""}
    key = _province_key(federation)
    code = federation.demo.samples["enterprise"]
    other = federation.demo.samples["blacklisted"]
    own = {"sub": code, "org": code, "dept": "self", "purpose": "SELF_ACCESS"}
    granted = _exchange(federation, client, _assertion(federation, key, **own))
    assert granted.status_code == 200, granted.text
    assert granted.json()["scope"] == "self:record"
    for changes in ({"org": other}, {"purpose": "ADMINISTRATIVE_APPROVAL"}, {"sub": "not-a-code", "org": "x"}):
        refused = _exchange(federation, client, _assertion(federation, key, **{**own, **changes}))
        assert refused.status_code == 400, (changes, refused.text)
        assert refused.json()["error"] == "invalid_grant"
    token = granted.json()["access_token"]
    body = _data(federation.graphql("taiyuan", "approval-bureau", OWN, token=token))
    assert body["data"]["myRecord"]["code"] == code, "the city answers the subject the token names, no other"
    asked = _data(federation.graphql("taiyuan", "approval-bureau", ONE, {"c": other}, token=token))
    assert _errors(asked, "FORBIDDEN") or _errors(asked, "UNAUTHENTICATED"), asked


def test_my_access_log_at_the_province_and_the_cities_shows_the_real_organisation(federation: Federation) -> None:
    """An access through the province shows in the subject's log at the province and, naming the real
    organisation, at every city it reached."""
    code = federation.demo.samples["enterprise"]
    event_id = _across(federation)["extensions"]["audit"]["eventId"]
    org = federation.province.clients["approval-bureau"]["org"]
    log = _data(federation.self_graphql("province", code, ACCESS_LOG))["data"]["myAccessLog"]["edges"]
    assert event_id in {edge["node"]["eventId"] for edge in log}
    for city in ("taiyuan", "datong"):
        log = _data(federation.self_graphql(city, code, ACCESS_LOG))["data"]["myAccessLog"]["edges"]
        assert org in {edge["node"]["organisationCode"] for edge in log}, (city, log)


def _grant(federation: Federation, hub: str, code: str) -> None:
    grantee = federation.province.clients["approval-bureau"]["org"]
    expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    given = {
        "grantee": grantee, "purpose": "ADMINISTRATIVE_APPROVAL", "expiresAt": expires,
        "recordTypes": ["registration", "representation", "licence", "penalty", "listing", "report"],
    }  # fmt: skip
    body = _data(federation.self_graphql(hub, code, GRANT, {"input": given}))
    assert "errors" not in body, body


def test_consent_is_checked_at_the_city_that_holds_it(federation: Federation) -> None:
    person = federation.demo.samples["person"]
    body = _data(federation.graphql("province", "approval-bureau", PERSON, {"c": person}))
    refused = _errors(body, "CONSENT_REQUIRED")
    assert refused, body
    assert all("decided at" in e["message"] for e in refused), "the answer says which hub holds the consent"
    assert body["data"]["subject"]["representedEnterprises"] is None
    for city in ("taiyuan", "datong"):
        _grant(federation, city, person)
    body = _data(federation.graphql("province", "approval-bureau", PERSON, {"c": person}))
    assert not _errors(body, "CONSENT_REQUIRED"), body
    enterprises = body["data"]["subject"]["representedEnterprises"]
    assert federation.demo.samples["blacklisted"] in {e["enterpriseCode"] for e in enterprises}
    # the person's own access log: at the province and, with the real organisation, at the city
    org = federation.province.clients["approval-bureau"]["org"]
    for hub in ("province", "datong"):
        log = _data(federation.self_graphql(hub, person, ACCESS_LOG))
        codes = {edge["node"]["organisationCode"] for edge in log["data"]["myAccessLog"]["edges"]}
        assert org in codes, (hub, log)


def _assertion(federation: Federation, key: ECKey, **changes: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": federation.province.base_url, "aud": f"{federation.hub('taiyuan').base_url}/oauth/token",
        "sub": "someone", "iat": now, "exp": now + 60, "jti": f"j{now}", "org": "11140100MB1A00010E",
        "dept": "approval-bureau", "purpose": "ADMINISTRATIVE_APPROVAL",
    }  # fmt: skip
    claims.update(changes)
    return jwt.encode({"alg": "ES256", "kid": key.kid, "typ": "caller+jwt"}, claims, key, algorithms=["ES256"])


def _exchange(federation: Federation, client: dict[str, str], subject_token: str) -> httpx.Response:
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": subject_token,
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
    }
    basic = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode()).decode()
    return httpx.post(
        f"{federation.hub('taiyuan').base_url}/oauth/token", data=form, headers={"Authorization": f"Basic {basic}"}
    )


def test_an_untrusted_hub_is_refused(federation: Federation) -> None:
    link = {
        "client_id": federation.province.settings.sources["taiyuan"].client_id or "",
        "client_secret": federation.province.settings.sources["taiyuan"].client_secret or "",
    }
    rogue = ECKey.generate_key("P-256", parameters={"kid": "rogue"})
    refused = _exchange(federation, link, _assertion(federation, rogue))
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert "does not publish" in refused.json()["error_description"]
    # signed by someone claiming another issuer: not a trusted hub at all
    other = _exchange(federation, link, _assertion(federation, rogue, iss="http://127.0.0.1:9/"))
    assert "not a trusted hub" in other.json()["error_description"]
    # a demo client of the city cannot speak for the province, even with a valid-looking token
    bank = federation.hub("taiyuan").clients["bank"]
    assert _exchange(federation, bank, _assertion(federation, rogue)).status_code in (400, 401)
    # the assertion itself is no access token: presented as one, it is 401
    as_bearer = federation.graphql("taiyuan", "approval-bureau", ONE, {"c": "x"}, token=_assertion(federation, rogue))
    assert as_bearer.status_code == 401
    assert "WWW-Authenticate" in as_bearer.headers


def test_an_exchanged_token_is_refused_outside_its_audience(federation: Federation) -> None:
    """A token Taiyuan issued to the province is no good at Datong (another issuer and audience)."""
    link = federation.province.settings.sources["taiyuan"]
    key = _province_key(federation)
    token = _exchange(
        federation, {"client_id": link.client_id or "", "client_secret": link.client_secret or ""},
        _assertion(federation, key),
    )  # fmt: skip
    assert token.status_code == 200, token.text
    exchanged = token.json()["access_token"]
    payload = json.loads(base64.urlsafe_b64decode(exchanged.split(".")[1] + "=="))
    assert payload["act"]["iss"] == federation.province.base_url
    assert payload["dept"] == "approval-bureau"
    assert payload["purpose"] == "ADMINISTRATIVE_APPROVAL"
    elsewhere = federation.graphql("datong", "approval-bureau", ONE, {"c": "x"}, token=exchanged)
    assert elsewhere.status_code == 401
    stale = _exchange(
        federation, {"client_id": link.client_id or "", "client_secret": link.client_secret or ""},
        _assertion(federation, key, iat=int(time.time()) - 400, exp=int(time.time()) - 300),
    )  # fmt: skip
    assert stale.status_code == 400
    assert "expired" in stale.json()["error_description"]


def _exchanged_token(federation: Federation, **claims: Any) -> str:
    """Answers a token Taiyuan issues the province for a caller, exchanged as the province exchanges one."""
    link = federation.province.settings.sources["taiyuan"]
    client = {"client_id": link.client_id or "", "client_secret": link.client_secret or ""}
    claims = {"operator": "clerk-7", **claims}  # the approval bureau's policy requires its operator named
    granted = _exchange(federation, client, _assertion(federation, _province_key(federation), **claims))
    assert granted.status_code == 200, granted.text
    return str(granted.json()["access_token"])


def _as_province(
    federation: Federation, token: str, query: str, variables: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    """Answers Taiyuan's answer to a GraphQL request sent with an exchanged token and the headers given."""
    sent = {"Authorization": f"Bearer {token}", **headers}
    url = f"{federation.hub('taiyuan').base_url}/graphql"
    return _data(httpx.post(url, json={"query": query, "variables": variables}, headers=sent, timeout=60))


CITY_EVENTS = """query($client: String!) { auditEvents(filter: {clientId: $client}, first: 100) { edges { node {
  eventId operator caseNumber consentIds upstream { hub eventId } } } } }"""


def _city_events_answering(federation: Federation, upstream: str) -> list[dict[str, Any]]:
    """Answers Taiyuan's register entries that answer the province's event `upstream`."""
    client = federation.province.settings.sources["taiyuan"].client_id
    found = _data(federation.graphql("taiyuan", "privacy-office", CITY_EVENTS, {"client": client}))
    nodes = [edge["node"] for edge in found["data"]["auditEvents"]["edges"]]
    return [node for node in nodes if (node["upstream"] or {}).get("eventId") == upstream]


def test_a_request_the_province_sends_again_is_registered_once_at_the_city(federation: Federation) -> None:
    """A kept connection that fails under a request makes the province send it again: the city answers it with the
    first sending's receipt instead of registering the query twice; another request is registered on its own."""
    token, upstream = _exchanged_token(federation), str(uuid.uuid4())
    headers = {"X-Hub-Upstream-Event": upstream, "X-Hub-Upstream-Request": "1"}
    code = federation.demo.samples["enterprise"]
    first = _as_province(federation, token, ONE, {"c": code}, headers)
    again = _as_province(federation, token, ONE, {"c": code}, headers)
    assert first["data"]["subject"]["name"], first
    assert again["extensions"]["audit"]["eventId"] == first["extensions"]["audit"]["eventId"]
    other = _as_province(federation, token, ONE, {"c": federation.demo.samples["blacklisted"]}, headers)
    second = _as_province(federation, token, ONE, {"c": code}, {**headers, "X-Hub-Upstream-Request": "2"})
    receipts = {answer["extensions"]["audit"]["eventId"] for answer in (first, other, second)}
    assert len(receipts) == 3, "another query, or the province's second request, is a receipt of its own"
    registered = {node["eventId"] for node in _city_events_answering(federation, upstream)}
    assert registered == receipts


def test_the_city_registers_only_what_the_province_signed_of_its_caller(federation: Federation) -> None:
    """Headers sent with an exchanged token never reach the city's register: the operator is the one the province
    signed, no case is named, and consent references the province claims stay apart from the city's own basis."""
    claimed = str(uuid.uuid4())
    token, upstream = _exchanged_token(federation, operator="clerk-7", consent=[claimed]), str(uuid.uuid4())
    headers = {"X-Hub-Upstream-Event": upstream, "X-Hub-Operator": "mallory", "X-Hub-Case": quote("晋执〔2026〕7号")}
    _as_province(federation, token, ONE, {"c": federation.demo.samples["enterprise"]}, headers)
    [node] = _city_events_answering(federation, upstream)
    assert node["operator"] == "clerk-7"
    assert node["caseNumber"] is None
    assert claimed not in node["consentIds"], "a consent the city does not hold is never its basis"
    for bad in ({"operator": "clerk\u202e-7"}, {"consent": ["c-1", "张三 consented"]}, {"org": "not-an-org"}):
        link = federation.province.settings.sources["taiyuan"]
        client = {"client_id": link.client_id or "", "client_secret": link.client_secret or ""}
        refused = _exchange(federation, client, _assertion(federation, _province_key(federation), **bad))
        assert refused.status_code == 400, (bad, refused.text)
        assert refused.json()["error"] == "invalid_grant"


OWN_AT_CITY = "{ myRecord { code name taxCredit { year grade } } }"


def test_an_own_read_through_the_province_is_bounded_by_the_citys_trust(federation: Federation) -> None:
    """Taiyuan serves the province registration, penalties, ... but not tax credit: a subject's own read through the
    province is denied it there; and the exchanged token reads the record alone, never consents or access logs."""
    code = federation.demo.samples["enterprise"]
    token = _exchanged_token(federation, sub=code, org=code, dept="self", purpose="SELF_ACCESS")
    body = _as_province(federation, token, OWN_AT_CITY, {}, {"X-Hub-Upstream-Event": str(uuid.uuid4())})
    assert body["data"]["myRecord"]["name"], body
    denied = _errors(body, "FIELD_DENIED")
    assert [e["path"] for e in denied] == [["myRecord", "taxCredit"]], body
    assert "not among the record types" in denied[0]["message"]
    direct = _data(federation.self_graphql("taiyuan", code, OWN_AT_CITY))
    assert not _errors(direct, "FIELD_DENIED"), "signed in at the city itself, the subject sees it"
    for query in ("{ myConsents { id } }", ACCESS_LOG, "{ myObjections { id } }"):
        refused = _as_province(federation, token, query, {}, {})
        assert _errors(refused, "FORBIDDEN"), (query, refused)


def _province_key(federation: Federation) -> ECKey:
    """Answers the province's signing key, unsealed from its database as the province does (to forge nothing)."""
    settings = federation.province.settings

    async def load() -> SigningKey:
        engine = make_engine(settings.database_url)
        try:
            ring = KeyRing(
                SigningKeyRepository(engine), settings, wrap=KeyWrap.load_or_create(settings.signing_key_wrap_path)
            )
            return await ring.signer()
        finally:
            await engine.dispose()

    found: list[SigningKey] = []
    run_apart(_collect(load(), found))
    return found[0].private


async def _collect(coroutine: Any, into: list[Any]) -> None:
    into.append(await coroutine)


def test_a_slow_city_gives_a_partial_answer_within_its_timeout(federation: Federation) -> None:
    timeout_s = CITY_TIMEOUT_MS / 1000  # the mapping's timeout_ms
    with federation.running["datong"].frozen():
        started = time.monotonic()
        body = _across(federation)
        elapsed = time.monotonic() - started
    taiyuan_enterprise, datong_enterprise = body["data"]["subjects"]
    assert _status(taiyuan_enterprise)["datong"][1] in ("TIMEOUT", "UNAVAILABLE")
    assert _status(taiyuan_enterprise)["taiyuan"] == ("HUB", "OK")
    assert taiyuan_enterprise["name"], "what Taiyuan holds still comes"
    assert datong_enterprise["name"] is None
    unavailable = _errors(body, "SOURCE_UNAVAILABLE")
    assert any(e["extensions"].get("source") == "datong" for e in unavailable)
    assert elapsed < timeout_s + 3.0, f"answered in {elapsed:.1f} s"


@contextlib.contextmanager
def _register_locked(folder: Path) -> Iterator[None]:
    blocker = sqlite3.connect(folder / "hub.db", isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_a_city_whose_register_is_down_refuses_and_the_province_shows_no_data_of_it(federation: Federation) -> None:
    with _register_locked(federation.hub("taiyuan").folder):
        body = _across(federation)
    taiyuan_enterprise = body["data"]["subjects"][0]
    assert _status(taiyuan_enterprise)["taiyuan"][1] in ("UNAVAILABLE", "TIMEOUT")
    assert taiyuan_enterprise["name"] is None, "no data of a city without its receipt"
    assert all(p["source"] != "taiyuan" for p in taiyuan_enterprise["penalties"] or [])
    event_id = body["extensions"]["audit"]["eventId"]
    province = _data(federation.graphql("province", "privacy-office", EVENT, {"id": event_id}))
    [edge] = province["data"]["auditEvents"]["edges"]
    assert {r["hub"] for r in edge["node"]["remoteReceipts"]} == {"datong"}


def test_a_city_that_is_down_gives_a_partial_answer(federation: Federation) -> None:
    federation.running["datong"].stop()
    body = _across(federation)
    taiyuan_enterprise = body["data"]["subjects"][0]
    assert _status(taiyuan_enterprise)["datong"][1] in ("UNAVAILABLE", "CIRCUIT_OPEN")
    assert taiyuan_enterprise["name"]
    sources = _data(federation.graphql("province", "approval-bureau", "{ sources { name kind status } }"))
    states = {s["name"]: (s["kind"], s["status"]) for s in sources["data"]["sources"]}
    assert states["datong"] == ("HUB", "UNAVAILABLE")
    assert states["taiyuan"] == ("HUB", "OK")


class _HungHub:
    """A peer that accepts connections and reads requests but never answers: a hub frozen mid-request."""

    def __init__(self) -> None:
        self.opened = 0
        self.closed = asyncio.Event()
        self.server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.opened += 1
        while await reader.read(4096):  # b"" once the asking hub closes its end
            pass
        self.closed.set()
        writer.close()

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def __aexit__(self, *_: object) -> None:
        assert self.server is not None
        self.server.close()


def _hung_source(url: str, timeout_ms: int) -> HubSource:
    mapping = HubSourceMap(
        "datong", "大同", url, timeout_ms, {"registration": frozenset({"name"})}, Path("datong.yaml")
    )
    private = ECKey.generate_key("P-256", parameters={"kid": "k1"})
    key = SigningKey("k1", "ES256", private, private, datetime(2026, 1, 1, tzinfo=UTC), None)

    async def signer() -> SigningKey:
        return key

    return HubSource(mapping, url, HubCredentials("province", "s" * 32, "http://province"), signer=signer)


def _ask_as(source: HubSource) -> Any:
    CALLER.set(
        Caller("c1", "11140100MB1A00010E", "approval-bureau", str(uuid.uuid4()), purpose="ADMINISTRATIVE_APPROVAL")
    )
    return source.fetch(["91140100MA0C00001X"], {"registration": frozenset({"name"})})


def test_a_hung_hub_is_given_up_at_the_source_timeout_not_httpx_default() -> None:
    async def scenario() -> float:
        async with _HungHub() as url:
            source = _hung_source(url, 300)
            started = time.monotonic()
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(_ask_as(source), 10)  # no read timeout here: the source's own bound ends it
            elapsed = time.monotonic() - started
            await source.aclose()
            return elapsed

    elapsed = asyncio.run(scenario())
    assert elapsed < 2.0, f"gave up after {elapsed:.1f} s; the source's timeout is 0.3 s"


def test_the_request_to_a_hub_ends_when_the_read_that_asked_ends() -> None:
    async def scenario() -> bool:
        hung = _HungHub()
        async with hung as url:
            source = _hung_source(url, 30_000)
            read = asyncio.ensure_future(_ask_as(source))
            for _ in range(100):
                if hung.opened:
                    break
                await asyncio.sleep(0.02)
            read.cancel()  # the province's request ended (its caller went away, or its read timed out)
            with contextlib.suppress(asyncio.CancelledError):
                await read
            try:
                await asyncio.wait_for(hung.closed.wait(), 3)
            except TimeoutError:
                return False
            finally:
                await source.aclose()
            return True

    assert asyncio.run(scenario()), "the request to the hung hub was left running"


class _FlakyHub:
    """A peer that exchanges tokens, drops the connection under the first GraphQL request, then answers."""

    def __init__(self) -> None:
        self.graphql_headers: list[dict[str, str]] = []
        self.server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                break
            line, *fields = head.decode("latin-1").split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, _, v in (f.partition(":") for f in fields if f)}
            await reader.readexactly(int(headers.get("content-length", "0")))
            if " /oauth/token " in line:
                answer: dict[str, Any] = {"access_token": "t", "token_type": "Bearer", "expires_in": 300}
            else:
                self.graphql_headers.append(headers)
                if len(self.graphql_headers) == 1:
                    break  # the kept connection fails under the request: closed without an answer
                code = "91140100MA0C00001X"
                answer = {"data": {"subject": {"code": code, "name": "太原某公司"}},
                          "extensions": {"audit": {"eventId": str(uuid.uuid4())}}}  # fmt: skip
            payload = json.dumps(answer).encode()
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
            writer.write(f"content-length: {len(payload)}\r\n\r\n".encode() + payload)
            await writer.drain()
        writer.close()

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def __aexit__(self, *_: object) -> None:
        assert self.server is not None
        self.server.close()


def test_a_request_whose_connection_failed_is_sent_once_more_as_the_same_request() -> None:
    """The province sends it again under the same event and ordinal, so the city can answer with the first receipt."""

    async def scenario() -> tuple[dict[str, Any], list[dict[str, str]]]:
        flaky = _FlakyHub()
        async with flaky as url:
            source = _hung_source(url, 5000)
            try:
                rows = await _ask_as(source)
            finally:
                await source.aclose()
        return rows, flaky.graphql_headers

    rows, sent = asyncio.run(scenario())
    assert rows["registration"][0]["name"] == "太原某公司"
    assert len(sent) == 2
    assert sent[0]["x-hub-upstream-event"] == sent[1]["x-hub-upstream-event"]
    assert sent[0]["x-hub-upstream-request"] == sent[1]["x-hub-upstream-request"] == "1"
    assert "x-hub-operator" not in sent[1], "the operator travels signed in the token, never as a header"
