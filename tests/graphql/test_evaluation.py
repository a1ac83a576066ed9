"""`evaluation` over real HTTP: one grade from the full record whoever asks; the explanation as each policy allows."""

from __future__ import annotations

from typing import Any

from tests.support.server import HubFixture

QUERY = """query($c: ID!, $p: Purpose!) { evaluation(code: $c, purpose: $p) {
  code grade gradeTitle score evaluatedOn modelVersion complete
  indicators { code shown count contribution gradeCap } } }"""
GRADE = """query($c: ID!, $p: Purpose!) { evaluation(code: $c, purpose: $p) { grade evaluatedOn modelVersion } }"""


def _ask(hub: HubFixture, department: str, code: str, purpose: str, query: str = QUERY) -> dict[str, Any]:
    body = hub.graphql(department, query, {"c": code, "p": purpose}).json()
    assert body["extensions"]["audit"]["eventId"], "every evaluation is registered"
    return body  # type: ignore[no-any-return]


def test_a_department_that_sees_everything_gets_the_grade_and_every_contribution(hub: HubFixture) -> None:
    body = _ask(hub, "market-regulation", hub.samples["enterprise"], "SUPERVISION")
    assert "errors" not in body, body
    found = body["data"]["evaluation"]
    assert found["modelVersion"] == "2026.1"
    assert found["evaluatedOn"] == hub.clock.day.isoformat()
    assert found["complete"] is True
    contributions = {i["code"]: i["contribution"] for i in found["indicators"]}
    assert all(i["shown"] for i in found["indicators"])
    assert contributions["KEY_ATTENTION_LIST"] == -15
    assert contributions["BROKEN_COMMITMENTS"] == -10
    assert found["score"] == 80 + sum(contributions.values())
    assert found["grade"] in ("C", "D"), "a key-attention listing caps the grade at C"


def test_the_grade_is_the_same_whatever_the_caller_may_see(hub: HubFixture) -> None:
    code = hub.samples["enterprise"]
    full = _ask(hub, "market-regulation", code, "SUPERVISION")["data"]["evaluation"]
    bank = _ask(hub, "bank", code, "CREDIT_LENDING")
    public = _ask(hub, "public", code, "PUBLIC_DISCLOSURE")
    approval = _ask(hub, "approval-bureau", code, "ADMINISTRATIVE_APPROVAL")["data"]["evaluation"]
    assert bank["data"]["evaluation"]["grade"] == full["grade"] == approval["grade"]
    assert public["data"]["evaluation"]["grade"] == full["grade"]
    assert bank["data"]["evaluation"]["score"] == full["score"]
    assert bank["data"]["evaluation"]["indicators"] is None
    assert {(e["path"][-1], e["extensions"]["code"]) for e in bank["errors"]} == {("indicators", "FIELD_DENIED")}
    assert public["data"]["evaluation"]["score"] is None
    assert {(e["path"][-1], e["extensions"]["code"]) for e in public["errors"]} == {
        ("score", "FIELD_DENIED"), ("indicators", "FIELD_DENIED")
    }  # fmt: skip


def test_an_indicator_of_a_record_type_the_policy_withholds_is_named_but_not_explained(hub: HubFixture) -> None:
    found = _ask(hub, "approval-bureau", hub.samples["enterprise"], "ADMINISTRATIVE_APPROVAL")["data"]["evaluation"]
    by_code = {i["code"]: i for i in found["indicators"]}
    assert by_code["TAX_GRADE"]["shown"] is True  # the bureau's policy shows tax grades
    market = _ask(hub, "market-regulation", hub.samples["enterprise"], "LAW_ENFORCEMENT")["data"]["evaluation"]
    tax = next(i for i in market["indicators"] if i["code"] == "TAX_GRADE")
    assert tax == {"code": "TAX_GRADE", "shown": False, "count": None, "contribution": None, "gradeCap": None}
    assert market["grade"] == found["grade"]


def test_a_purpose_outside_the_policy_is_refused(hub: HubFixture) -> None:
    body = hub.graphql("bank", GRADE, {"c": hub.samples["enterprise"], "p": "SUPERVISION"}).json()
    assert body["errors"][0]["extensions"]["code"] == "PURPOSE_NOT_ALLOWED"


def test_a_subject_reads_its_own_evaluation_and_no_one_elses(hub: HubFixture) -> None:
    code = hub.samples["enterprise"]
    own = hub.self_graphql(code, QUERY, {"c": code, "p": "SELF_ACCESS"}).json()
    assert "errors" not in own, own
    assert own["data"]["evaluation"]["indicators"]
    other = hub.self_graphql(code, GRADE, {"c": hub.samples["blacklisted"], "p": "SELF_ACCESS"}).json()
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
