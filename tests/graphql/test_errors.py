"""Errors teach nothing of the schema without `catalog:read`: no suggestion, no name the caller did not write."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from hub.graphql.errors import withhold_names, written_by

WITHOUT = "subject:read check:read"
WITH = "subject:read check:read catalog:read"
EXPIRES = "2027-01-01T00:00:00Z"
# (document, variables): each mistake once as a literal and once in a variable, where GraphQL allows both
MISTAKES: dict[str, tuple[str, dict[str, Any]]] = {
    "input field, literal": ('{ auditEvents(filter: {subjct: "x"}) { edges { cursor } } }', {}),
    "input field, variable": (
        "query($f: AuditFilter) { auditEvents(filter: $f) { edges { cursor } } }",
        {"f": {"subjct": "x"}},
    ),
    "enum value, literal": ('{ subject(code: "x", purpose: CREDIT_LENDIN) { code } }', {}),
    "enum value, variable": (
        'query($p: Purpose!) { subject(code: "x", purpose: $p) { code } }',
        {"p": "CREDIT_LENDIN"},
    ),
    "field": ('{ subject(code: "x", purpose: CREDIT_LENDING) { nme } }', {}),
    "argument": ('{ subject(code: "x", purpse: CREDIT_LENDING) { code } }', {}),
    "type": ("query($f: AuditFiltr) { auditEvents(filter: $f) { edges { cursor } } }", {}),
    "selection": ('{ subject(code: "x", purpose: CREDIT_LENDING) }', {}),
    "introspection field": ("{ __schema { directive } }", {}),
}
# names of the schema that none of the documents above writes
SCHEMA_NAMES = ("subject'", "name'", "purpose'", "CREDIT_LENDING'", "AuditFilter'", "Subject'", "Purpose", "directives")


def _errors(hub: Any, token: str, document: str, variables: dict[str, Any]) -> list[dict[str, Any]]:
    response = httpx.post(
        f"{hub.base_url}/graphql",
        json={"query": document, "variables": variables},
        headers={"Authorization": f"Bearer {token}", "X-Hub-Operator": "clerk-7"},
        timeout=30,
    )
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


@pytest.mark.parametrize("mistake", MISTAKES)
def test_without_catalog_read_an_error_names_only_what_the_caller_wrote(hub: Any, mistake: str) -> None:
    document, variables = MISTAKES[mistake]
    for error in _errors(hub, hub.token("bank", scope=WITHOUT), document, variables):
        message = error["message"]
        assert "Did you mean" not in message
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        for quoted in re.findall(r"'([^']+)'", message):
            assert quoted == "…" or quoted in document or quoted in str(variables), (mistake, message)
        leaked = [name for name in SCHEMA_NAMES if name.rstrip("'") not in document and name in message]
        assert leaked == [], message


@pytest.mark.parametrize("mistake", ["input field, literal", "input field, variable", "field", "enum value, variable"])
def test_with_catalog_read_suggestions_still_help(hub: Any, mistake: str) -> None:
    document, variables = MISTAKES[mistake]
    messages = [error["message"] for error in _errors(hub, hub.token("bank", scope=WITH), document, variables)]
    assert any("Did you mean" in message for message in messages), messages


def test_a_grant_consent_input_mistake_names_no_field_to_a_citizen(hub: Any) -> None:
    token = hub.self_token(hub.samples["person"])
    literal = (
        'mutation { grantConsent(input: {grante: "x", purpose: CREDIT_LENDING, recordTypes: [], '
        f'expiresAt: "{EXPIRES}"}}) {{ id }} }}'
    )
    variable = "mutation($i: GrantConsentInput!) { grantConsent(input: $i) { id } }"
    given = {"i": {"grante": "x", "purpose": "CREDIT_LENDING", "recordTypes": [], "expiresAt": EXPIRES}}
    for document, variables in ((literal, {}), (variable, given)):
        messages = " ".join(error["message"] for error in _errors(hub, token, document, variables))
        assert "grantee" not in messages
        assert "Did you mean" not in messages
        assert "GrantConsentInput" not in messages or "GrantConsentInput" in document


@pytest.mark.parametrize(
    ("message", "written", "shown"),
    [
        (
            "Expected value of type 'AuditFilter' not to include unknown field 'subjct'. Did you mean 'subject'?"
            ' Found: { subjct: "x" }.',
            '{ auditEvents(filter: {subjct: "x"}) { cursor } }',
            "Expected value of type '…' not to include unknown field 'subjct'. Found: { subjct: \"x\" }.",
        ),
        (
            "Variable '$p' has invalid value: Value 'X' does not exist in 'Purpose' enum. Did you mean the enum"
            " value 'CREDIT_LENDING'?",
            written_by("query($p: Purpose!) { a }", {"p": "X"}),
            "Variable '$p' has invalid value: Value 'X' does not exist in 'Purpose' enum.",
        ),
        ("Cannot query field 'subjects' on type 'Query'.", "{ subjectsx }", "Cannot query field '…' on type '…'."),
        (
            "Unknown argument 'code' on field 'Query.subject'.",
            "{ subject($code) }",
            "Unknown argument '…' on field '…'.",
        ),
    ],
)
def test_withheld_names_are_whole_words_the_caller_wrote(message: str, written: str, shown: str) -> None:
    assert withhold_names(message, written) == shown
