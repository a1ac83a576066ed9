"""The existence oracle (#16, item 1): a caller who may not see a person gets the same answer, on record or not.

For every department that may not see a natural person (no consent: the bank; no scope: the public; out of
its jurisdiction: a department limited to one city), the answers for a person on record and for one who is
not must be identical: data, and every error's code, message and path; through `subject`, aliases,
`subjects` and `creditCheck`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from stdnum.cn import ric

from tests.support.server import HubFixture

SUBJECT = """query($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) {
  code kind name phone address legalRepresentative { name idNumber } licences { id } penalties { decisionNumber }
  listings { list reason } courtDishonesty { caseNumber } taxCredit { year grade } } }"""
ALIASES = """query($c: ID!, $p: Purpose!) { a: subject(code: $c, purpose: $p) { name }
  b: subject(code: $c, purpose: $p) { listings { list } } }"""
SUBJECTS = "query($c: ID!, $p: Purpose!) { subjects(codes: [$c, $c], purpose: $p) { code name listings { list } } }"
CHECK = """query($c: ID!, $p: Purpose!) { creditCheck(code: $c, matter: "GOVERNMENT_PROCUREMENT", purpose: $p) {
  code listStatus complete incomplete measures { code } entries { list } } }"""
CITY = "1402"  # the limited department's jurisdiction: Datong; the sample person lives in Taiyuan (1401)


@pytest.fixture(scope="module")
def hub_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Answers settings whose policies limit market regulation to one city (the demo's limit none)."""
    policies = tmp_path_factory.mktemp("policies") / "policies"
    shutil.copytree(Path(__file__).parents[2] / "policies", policies)
    path = policies / "market-regulation.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["row_scope"]["divisions"] = [CITY]
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return {"policies_dir": policies}


def _absent(person: str) -> str:
    """Answers a valid resident ID in the person's division and birth date that no source holds."""
    body = person[:14] + ("999" if person[14:17] != "999" else "997")
    return body + ric.calc_check_digit(body + "0")  # it reads the first 17 of 18 characters


def _answer(response: Any, code: str) -> dict[str, Any]:
    """Answers what a caller learns from a response: data and each error's code, message and path."""
    assert response.status_code == 200
    body = response.json()
    errors = sorted(  # concurrent fields finish in any order; the order of errors says nothing
        (
            (
                e["extensions"]["code"],
                e["message"],
                e.get("path"),
                {k: v for k, v in e["extensions"].items() if k != "code"},
            )
            for e in body.get("errors", [])
        ),
        key=json.dumps,
    )
    return json.loads(json.dumps({"data": body.get("data"), "errors": errors}).replace(code, "<code>"))


REFUSED = [
    ("bank", "CREDIT_LENDING"),  # no consent of the person
    ("bank", "POST_LOAN_MONITORING"),
    ("public", "PUBLIC_DISCLOSURE"),  # natural persons are out of its scope
    ("market-regulation", "SUPERVISION"),  # out of its jurisdiction
    ("market-regulation", "ADMINISTRATIVE_APPROVAL"),
]


def test_the_absent_person_is_not_on_record_for_a_department_that_may_see_persons(hub: HubFixture) -> None:
    person = hub.samples["person"]
    on_record = hub.graphql("approval-bureau", SUBJECT, {"c": person, "p": "ADMINISTRATIVE_APPROVAL"}).json()
    assert on_record["data"]["subject"]["code"] == person
    absent = hub.graphql("approval-bureau", SUBJECT, {"c": _absent(person), "p": "ADMINISTRATIVE_APPROVAL"}).json()
    assert [e["extensions"]["code"] for e in absent["errors"]] == ["NOT_FOUND"]


@pytest.mark.parametrize("query", [SUBJECT, ALIASES, SUBJECTS, CHECK], ids=["subject", "aliases", "subjects", "check"])
@pytest.mark.parametrize(("department", "purpose"), REFUSED)
def test_a_refused_caller_cannot_tell_whether_the_person_is_on_record(
    hub: HubFixture, department: str, purpose: str, query: str
) -> None:
    if query is SUBJECTS and department in ("bank", "public"):
        pytest.skip("the department holds no subject:bulk")
    if query is CHECK and department == "public":
        pytest.skip("the department holds no check:read")
    person = hub.samples["person"]
    absent = _absent(person)
    on_record = _answer(hub.graphql(department, query, {"c": person, "p": purpose}), person)
    not_on_record = _answer(hub.graphql(department, query, {"c": absent, "p": purpose}), absent)
    refused = on_record["errors"] or on_record["data"]["creditCheck"]["complete"] is False
    assert refused, "the department is refused something about the person"
    assert on_record == not_on_record
