"""What each demo department sees of the same enterprise, over real HTTP with real tokens."""

from __future__ import annotations

import re
from typing import Any

QUERY = """query($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) {
  name phone legalRepresentative { name idNumber }
  penalties { authority decidedOn amount decisionText }
  taxCredit { grade } } }"""
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


def _errors(body: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    return {tuple(e["path"]): e["extensions"]["code"] for e in body.get("errors", [])}


def test_bank_reads_authority_and_date_but_not_the_decision_text(hub: Any) -> None:
    body = hub.graphql("bank", QUERY, {"c": hub.samples["enterprise"], "p": "CREDIT_LENDING"}).json()
    subject = body["data"]["subject"]
    assert subject["penalties"], "the sample enterprise has penalties"
    for index, penalty in enumerate(subject["penalties"]):
        assert penalty["authority"]
        assert penalty["decidedOn"]
        assert penalty["decisionText"] is None
        assert _errors(body)[("subject", "penalties", index, "decisionText")] == "FIELD_DENIED"
    assert MASKED_ID.match(subject["legalRepresentative"]["idNumber"])
    assert re.fullmatch(r"[\d-]*\*+[\d]*", subject["phone"])


def test_public_sees_only_disclosable_items_desensitised(hub: Any) -> None:
    body = hub.graphql("public", QUERY, {"c": hub.samples["enterprise"], "p": "PUBLIC_DISCLOSURE"}).json()
    subject = body["data"]["subject"]
    errors = _errors(body)
    assert subject["name"], "an enterprise's name is public"
    assert subject["phone"] is None
    assert errors[("subject", "phone")] == "FIELD_DENIED"
    assert subject["legalRepresentative"]["idNumber"] is None
    assert "*" in subject["legalRepresentative"]["name"]
    assert subject["taxCredit"] is None, "tax grades are shared, not public"
    assert errors[("subject", "taxCredit")] == "FIELD_DENIED"


def test_privacy_office_gets_field_denied_on_credit_data(hub: Any) -> None:
    body = hub.graphql("privacy-office", QUERY, {"c": hub.samples["enterprise"], "p": "AUDIT_REVIEW"}).json()
    subject = body["data"]["subject"]
    errors = _errors(body)
    for field in ("name", "phone", "penalties", "taxCredit"):
        assert subject[field] is None
        assert errors[("subject", field)] == "FIELD_DENIED"
    assert errors[("subject", "legalRepresentative", "idNumber")] == "FIELD_DENIED"
