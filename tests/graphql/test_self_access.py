"""`myRecord` over real HTTP with dev sign-in tokens, and the self-access policy it applies."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hub.catalog.load import load_catalog
from hub.catalog.model import Sharing
from hub.config import resource_dir
from hub.demo.facts import Person
from hub.demo.generator import subject_facts
from hub.graphql.self_access import OwnDataRedaction
from hub.identity.codes import SubjectKind
from hub.policy.decision import Action
from hub.policy.load import load_policies
from hub.policy.purposes import Purpose
from hub.policy.self_access import SELF_DEPARTMENT, self_access_policy
from hub.privacy.redact import Redactor
from tests.support.server import SEED

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
OWN = """{ myRecord { code kind name phone address legalRepresentative { name idNumber }
    penalties { decisionText } listings { reason } courtDishonesty { obligation }
    representedEnterprises { enterpriseCode enterpriseName listings { list } } } }"""
CLEAR = """query($c: ID!) { subject(code: $c, purpose: SUPERVISION) { name phone address
    legalRepresentative { name idNumber } penalties { decisionText } } }"""
PUNISHED_PERSON = 49  # a seeded natural person with penalties whose texts name them


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def test_a_person_sees_their_own_record_in_clear(hub: Any) -> None:
    person = subject_facts(SEED, PUNISHED_PERSON).subject
    assert isinstance(person, Person)
    body = hub.self_graphql(person.code, OWN).json()
    assert "errors" not in body, body
    mine = body["data"]["myRecord"]
    assert (mine["code"], mine["kind"]) == (person.code, "NATURAL_PERSON")
    assert (mine["name"], mine["phone"], mine["address"]) == (person.name, person.mobile, person.address)
    assert mine["penalties"], "the sample has penalties"
    for penalty in mine["penalties"]:
        for own in (person.name, person.code, person.mobile, person.address):
            assert own in penalty["decisionText"], "the person's own data stays clear in their own texts"
    assert body["extensions"]["audit"]["eventId"]


def test_a_person_sees_the_enterprises_they_represent(hub: Any) -> None:
    mine = hub.self_graphql(hub.samples["person"], OWN).json()["data"]["myRecord"]
    linked = {e["enterpriseCode"]: e for e in mine["representedEnterprises"]}
    assert hub.samples["blacklisted"] in linked
    assert linked[hub.samples["blacklisted"]]["enterpriseName"]


def test_an_enterprise_sees_its_items_but_not_its_representatives_personal_data(hub: Any) -> None:
    enterprise = hub.samples["enterprise"]
    query = """{ myRecord { code kind name phone address legalRepresentative { name idNumber }
        penalties { decisionText } reports { receivedOn topic } } }"""
    body = hub.self_graphql(enterprise, query).json()
    assert "errors" not in body, body
    mine = body["data"]["myRecord"]
    clear = hub.graphql("market-regulation", CLEAR, {"c": enterprise}).json()["data"]["subject"]
    representative = clear["legalRepresentative"]
    assert (mine["code"], mine["kind"]) == (enterprise, "LEGAL_ENTITY")
    assert (mine["name"], mine["address"]) == (clear["name"], clear["address"])
    assert mine["legalRepresentative"]["name"] == representative["name"], "public on the business licence"
    assert MASKED_ID.match(mine["legalRepresentative"]["idNumber"])
    assert mine["phone"] != clear["phone"]
    assert "*" in mine["phone"]
    assert len(mine["penalties"]) == len(clear["penalties"]) > 0
    for own, full in zip(mine["penalties"], clear["penalties"], strict=True):
        text = own["decisionText"]
        assert enterprise in text, "the enterprise's own code stays clear"
        assert clear["address"] in text, "its own address stays clear"
        assert representative["name"] in full["decisionText"]
        assert representative["name"] not in text, "a third party's name is masked"
        assert representative["idNumber"] not in text, "a third party's resident ID is masked"
    assert mine["reports"] is not None


def test_confidential_fields_reach_no_one_not_even_the_subject(hub: Any) -> None:
    query = "{ myRecord { code reports { reporterName reporterPhone } } }"
    body = hub.self_graphql(hub.samples["enterprise"], query).json()
    assert body["data"]["myRecord"]["reports"] is None
    assert codes(body) == ["FIELD_DENIED"]
    assert body["errors"][0]["path"] == ["myRecord", "reports"]


def test_a_department_token_cannot_call_my_record(hub: Any) -> None:
    for department in ("bank", "market-regulation", "privacy-office"):
        body = hub.graphql(department, "{ myRecord { code name } }").json()
        assert body["data"]["myRecord"] is None
        assert codes(body) == ["FORBIDDEN"]


@pytest.mark.parametrize("whose", ["enterprise", "blacklisted", "person"])
def test_a_self_token_never_reads_a_subject_through_subject_or_subjects(hub: Any, whose: str) -> None:
    caller = hub.samples["person"]
    one = "query($c: ID!) { subject(code: $c, purpose: SELF_ACCESS) { code name } }"
    many = "query($c: ID!) { subjects(codes: [$c], purpose: SUPERVISION) { code name } }"
    for query in (one, one.replace("SELF_ACCESS", "SUPERVISION"), many):
        body = hub.self_graphql(caller, query, {"c": hub.samples[whose]}).json()
        assert body["data"] is None or not any(body["data"].values())
        assert codes(body) == ["FORBIDDEN"]


def test_self_access_policy_decisions() -> None:
    policy = self_access_policy(CATALOG)
    assert self_access_policy(CATALOG) is policy, "compiled once per catalogue"
    assert policy.purposes == {Purpose.SELF_ACCESS}
    assert not policy.consent.natural_persons
    for found in CATALOG.all_fields():
        record_type = CATALOG.record_types[found.record_type]
        for kind in SubjectKind:
            decision = policy.decide(Purpose.SELF_ACCESS, kind, found.path)
            if found.sharing is Sharing.CONFIDENTIAL or kind not in record_type.subject_kinds:
                assert decision.action is Action.DENY
            elif found.pd_class(kind) == "free_text":
                assert decision.label == "mask:free_text"
            elif kind is SubjectKind.NATURAL_PERSON:
                assert decision.action is Action.ALLOW, found.path
    decide = policy.decide
    entity = SubjectKind.LEGAL_ENTITY
    assert (
        decide(Purpose.SELF_ACCESS, entity, "registration.legal_representative.id_number").label == "mask:resident_id"
    )
    assert decide(Purpose.SELF_ACCESS, entity, "registration.phone").label == "mask:phone"
    assert decide(Purpose.SELF_ACCESS, entity, "registration.legal_representative.name").label == "allow"
    assert decide(Purpose.SUPERVISION, entity, "registration.name").action is Action.DENY


def test_self_access_is_no_department_a_client_could_be_registered_under() -> None:
    policies = load_policies(resource_dir("policies"), CATALOG)
    assert policies.get(SELF_DEPARTMENT) is None
    assert all(Purpose.SELF_ACCESS not in p.purposes for p in policies.departments.values())


def test_own_data_redaction_masks_third_parties_only(tmp_path: Path) -> None:
    redaction = OwnDataRedaction(Redactor(pipeline_dir=tmp_path / "nlp"), ["苏明", "16632153484", "142130198902052815"])
    text = (
        "当事人：苏明，身份证号码：142130198902052815，联系电话：166-3215-3484。"
        "委托代理人：张伟，身份证号码：110101199003070011，联系电话：13912345678。"
    )
    shown = redaction(text, ["苏明", "王芳"])
    assert "苏明" in shown
    assert "142130198902052815" in shown
    assert "166-3215-3484" in shown
    assert "张伟" not in shown
    assert "110101199003070011" not in shown
    assert "13912345678" not in shown
