"""Consents over real HTTP with real signed tokens: grant, revoke, list, and what a bank sees meanwhile."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from stdnum.cn import ric

from hub.store.engine import make_engine
from hub.store.tables import audit_events

GRANT = """mutation($input: GrantConsentInput!) { grantConsent(input: $input) {
    id grantee granteeName purpose recordTypes sensitiveCategories startsAt expiresAt revokedAt status } }"""
REVOKE = "mutation($id: ID!) { revokeConsent(id: $id) { id status revokedAt } }"
MINE = "{ myConsents { id grantee purpose recordTypes status revokedAt } }"
BANK_VIEW = """query($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) {
    code name phone address licences { title } penalties { decisionNumber } } }"""
UNREGISTERED_ORG = "91350100M000100Y43"
MASKED_MOBILE = re.compile(r"^\d{3}\*{4}\d{4}$")


def resident_id(serial: int) -> str:
    """Answers a valid resident ID that is no seeded subject (born 1 January 1990 in 110101)."""
    body = f"11010119900101{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def later(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


def grant_input(hub: Any, **changes: Any) -> dict[str, Any]:
    base = {
        "grantee": hub.clients["bank"]["org"],
        "purpose": "CREDIT_LENDING",
        "recordTypes": ["registration", "penalty"],
        "expiresAt": later(days=30),
    }
    return base | changes


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def by_path(body: dict[str, Any]) -> dict[str, str]:
    return {".".join(map(str, e.get("path") or [])): e["extensions"]["code"] for e in body.get("errors", [])}


def grant(hub: Any, code: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = hub.self_graphql(code, GRANT, {"input": grant_input(hub, **changes)}).json()
    assert "errors" not in body, body
    return body["data"]["grantConsent"]  # type: ignore[no-any-return]


async def consent_ids_in_receipt(hub: Any, event_id: str) -> str:
    engine = make_engine(hub.settings.audit_url)
    try:
        async with engine.connect() as conn:
            body = (await conn.execute(select(audit_events.c.body).where(audit_events.c.event_id == event_id))).scalar()
    finally:
        await engine.dispose()
    return str(body)


async def test_bank_sees_a_person_only_while_the_person_consents(hub: Any) -> None:
    person, bank = hub.samples["person"], hub.clients["bank"]["org"]
    lending = {"c": person, "p": "CREDIT_LENDING"}
    before = hub.graphql("bank", BANK_VIEW, lending).json()
    assert before["data"]["subject"]["name"] is None
    assert by_path(before) == {
        "subject.name": "CONSENT_REQUIRED",
        "subject.phone": "CONSENT_REQUIRED",
        "subject.address": "CONSENT_REQUIRED",
        "subject.licences": "CONSENT_REQUIRED",
        "subject.penalties": "CONSENT_REQUIRED",
    }
    consent = grant(hub, person)
    try:
        assert (consent["grantee"], consent["purpose"], consent["status"]) == (bank, "CREDIT_LENDING", "ACTIVE")
        assert consent["granteeName"] == "中国工商银行股份有限公司山西省分行"
        own = hub.self_graphql(person, "{ myRecord { name phone address } }").json()["data"]["myRecord"]
        during = hub.graphql("bank", BANK_VIEW, lending).json()
        subject = during["data"]["subject"]
        assert subject["name"] == own["name"], "the bank policy shows the name in clear"
        assert MASKED_MOBILE.match(subject["phone"])
        assert subject["phone"] != own["phone"]
        assert subject["address"]
        assert subject["address"] != own["address"]
        assert subject["penalties"] == []
        assert by_path(during) == {"subject.licences": "CONSENT_REQUIRED"}, "only the record types consented to"
        receipt = await consent_ids_in_receipt(hub, during["extensions"]["audit"]["eventId"])
        assert consent["id"] in receipt, "the consent used is attached to the query's audit event"
        monitoring = hub.graphql("bank", BANK_VIEW, {"c": person, "p": "POST_LOAN_MONITORING"}).json()
        assert "CONSENT_REQUIRED" in codes(monitoring), "a consent holds for its one purpose only"
    finally:
        revoked = hub.self_graphql(person, REVOKE, {"id": consent["id"]}).json()
    assert revoked["data"]["revokeConsent"]["status"] == "REVOKED"
    after = hub.graphql("bank", BANK_VIEW, lending).json()
    assert after["data"]["subject"]["name"] is None
    assert by_path(after) == by_path(before)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"expiresAt": later(days=-1)}, "expiresAt", "in the past"),
        ({"expiresAt": later(days=367)}, "expiresAt", "more than one year away"),
        ({"expiresAt": "9999-12-31T00:00:00Z"}, "expiresAt", "no lifetime consent"),
        ({"startsAt": later(days=-2)}, "startsAt", "backdated"),
        ({"grantee": UNREGISTERED_ORG}, "grantee", "not an organisation registered"),
        ({"grantee": "91110000802100433X"}, "grantee", "check character"),
        ({"grantee": resident_id(1)}, "grantee", "not a natural person"),
        ({"purpose": "LAW_ENFORCEMENT"}, "purpose", "may not use records for purpose LAW_ENFORCEMENT"),
        ({"recordTypes": ["registration", "horoscope"]}, "recordTypes", "recordTypes[1] is not a record type"),
        ({"recordTypes": ["tax_credit"]}, "recordTypes", "not kept for natural persons"),
        ({"recordTypes": []}, "recordTypes", "at least one record type"),
        ({"sensitiveCategories": ["astrology"]}, "sensitiveCategories", "not a known sensitive category"),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_stored(
    hub: Any, changes: dict[str, Any], field: str, words: str
) -> None:
    person = resident_id(100)
    body = hub.self_graphql(person, GRANT, {"input": grant_input(hub, **changes)}).json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert words in error["message"]
    assert error["extensions"]["fix"]
    assert person not in str(body)
    assert hub.self_graphql(person, MINE).json()["data"]["myConsents"] == []


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"purpose": "GOSSIP"}, "GOSSIP"),  # the enum's name is withheld from a caller without catalog:read
        ({"expiresAt": "next spring"}, "DateTime"),
        ({"grantee": None}, "grantee"),
    ],
)
def test_malformed_input_is_bad_user_input(hub: Any, changes: dict[str, Any], words: str) -> None:
    person = resident_id(101)
    body = hub.self_graphql(person, GRANT, {"input": grant_input(hub, **changes)}).json()
    assert codes(body) == ["BAD_USER_INPUT"]
    assert words in body["errors"][0]["message"]
    assert hub.self_graphql(person, MINE).json()["data"]["myConsents"] == []


def test_my_consents_lists_every_status_newest_first(hub: Any) -> None:
    person = resident_id(102)
    first = grant(hub, person, recordTypes=["penalty"])
    second = grant(hub, person, purpose="POST_LOAN_MONITORING")
    third = grant(hub, person, startsAt=later(days=2), expiresAt=later(days=200))
    assert third["status"] == "PENDING"
    hub.self_graphql(person, REVOKE, {"id": second["id"]})
    mine = hub.self_graphql(person, MINE).json()["data"]["myConsents"]
    assert [(c["id"], c["status"]) for c in mine] == [
        (third["id"], "PENDING"),
        (second["id"], "REVOKED"),
        (first["id"], "ACTIVE"),
    ]
    assert mine[1]["revokedAt"] is not None
    assert mine[2]["recordTypes"] == ["penalty"]
    hub.self_graphql(person, REVOKE, {"id": first["id"]})
    hub.self_graphql(person, REVOKE, {"id": third["id"]})


def test_someone_elses_consent_cannot_be_revoked_or_seen(hub: Any) -> None:
    owner, other = resident_id(103), resident_id(104)
    consent = grant(hub, owner)
    try:
        body = hub.self_graphql(other, REVOKE, {"id": consent["id"]}).json()
        assert codes(body) == ["NOT_FOUND"]
        unknown = hub.self_graphql(other, REVOKE, {"id": "00000000-0000-0000-0000-000000000000"}).json()
        assert body["errors"][0]["message"] == unknown["errors"][0]["message"], "no probing of other people's ids"
        assert hub.self_graphql(other, MINE).json()["data"]["myConsents"] == []
        mine = hub.self_graphql(owner, MINE).json()["data"]["myConsents"]
        assert [(c["id"], c["status"]) for c in mine] == [(consent["id"], "ACTIVE")]
    finally:
        hub.self_graphql(owner, REVOKE, {"id": consent["id"]})


def test_an_enterprise_cannot_grant_consent(hub: Any) -> None:
    enterprise = hub.samples["enterprise"]
    body = hub.self_graphql(enterprise, GRANT, {"input": grant_input(hub)}).json()
    assert codes(body) == ["FORBIDDEN"]
    assert "natural person" in body["errors"][0]["message"]
    assert hub.self_graphql(enterprise, MINE).json()["data"]["myConsents"] == []


def test_departments_cannot_grant_revoke_or_list_consents(hub: Any) -> None:
    for query, variables in ((GRANT, {"input": grant_input(hub)}), (REVOKE, {"id": "x"}), (MINE, {})):
        body = hub.graphql("bank", query, variables).json()
        assert codes(body) == ["FORBIDDEN"]


def test_get_never_grants(hub: Any) -> None:
    import httpx

    person = resident_id(105)
    token = hub.self_token(person)
    query = f'mutation {{ grantConsent(input: {{grantee: "{hub.clients["bank"]["org"]}", purpose: CREDIT_LENDING, '
    query += f'recordTypes: ["penalty"], expiresAt: "{later(days=5)}"}}) {{ id }} }}'
    response = httpx.get(
        f"{hub.base_url}/graphql", params={"query": query}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code in (400, 405)
    assert hub.self_graphql(person, MINE).json()["data"]["myConsents"] == []


GRANTEES = "query($s: String, $f: Int) { consentGrantees(search: $s, first: $f) { code name } }"


def test_a_person_finds_the_registered_organisations_by_name_or_code(hub: Any) -> None:
    from hub.demo.departments import DEPARTMENTS

    person = resident_id(106)
    everyone = hub.self_graphql(person, GRANTEES).json()["data"]["consentGrantees"]
    registered = {d.org: d.name for d in DEPARTMENTS}
    assert {g["code"]: g["name"] for g in everyone} == registered
    assert [g["name"] for g in everyone] == sorted(g["name"] for g in everyone)
    bank = hub.clients["bank"]["org"]
    assert hub.self_graphql(person, GRANTEES, {"s": "工商银行"}).json()["data"]["consentGrantees"] == [
        {"code": bank, "name": registered[bank]}
    ]
    assert [g["code"] for g in hub.self_graphql(person, GRANTEES, {"s": bank[:12].lower()}).json()["data"][
        "consentGrantees"]] == [bank]  # fmt: skip
    assert len(hub.self_graphql(person, GRANTEES, {"s": "山西", "f": 2}).json()["data"]["consentGrantees"]) == 2
    refused = hub.self_graphql(person, GRANTEES, {"f": 501}).json()
    assert codes(refused) == ["BAD_USER_INPUT"]
    assert "first" in refused["errors"][0]["message"]
    assert codes(hub.graphql("bank", GRANTEES, {}).json()) == ["FORBIDDEN"], "for people signed in as themselves"
