"""Every refusal of a bad policy names file:line, the reason and a fix (the line is marked `# <-`)."""

from __future__ import annotations

import pytest

from hub.catalog.model import Catalog
from hub.errors import ConfigError
from hub.policy.load import load_policy
from tests.policy.conftest import Writer

FIN = {"kind": "kind: financial", "purposes": "purposes: [CREDIT_LENDING]"}
PUBLIC = {"kind": "kind: public", "purposes": "purposes: [PUBLIC_DISCLOSURE]", "max_sharing": "max_sharing: public"}
AUDIT = {"kind": "kind: audit", "purposes": "purposes: [AUDIT_REVIEW]"}

BROKEN: dict[str, tuple[dict[str, str], str]] = {
    "unknown record type": ({"rules": "rules:\n  penalties: allow  # <-"}, "unknown record type 'penalties'"),
    "unknown field": (
        {"rules": "rules:\n  penalty:\n    default: allow\n    fields:\n      decision_txt: deny  # <-"},
        "has no field 'decision_txt'",
    ),
    "unknown purpose": ({"purposes": "purposes: [SUPERVISION, SNOOPING]  # <-"}, "'purposes.1'"),
    "unknown purpose override": (
        {"rules": "rules: {}\nby_purpose:\n  SNOOPING:  # <-\n    penalty: allow"},
        "'by_purpose.SNOOPING'",
    ),
    "unknown decision": ({"rules": "rules:\n  penalty: permit  # <-"}, "unknown decision 'permit'"),
    "unknown masker": (
        {"rules": "rules:\n  penalty:\n    fields:\n      amount: mask:blur  # <-"},
        "unknown masking operator 'blur'",
    ),
    "unknown key": ({"operator_required": "operater_required: true  # <-"}, "'operater_required'"),
    "unknown scope": (
        {"scopes": "scopes:\n  - subject:read\n  - subject:write  # <-"},
        "unknown scope 'subject:write'",
    ),
    "scope listed twice": (
        {"scopes": "scopes:\n  - check:read\n  - check:read  # <-"},
        "scope check:read is listed twice",
    ),
    "no scope": ({"scopes": "scopes: []  # <-"}, "'scopes'"),
    "the register's scope outside an audit department": (
        {"scopes": "scopes:\n  - subject:read\n  - audit:read  # <-"},
        "a government department may not hold audit:read",
    ),
    "correction notices for a department that decides nothing": (
        {"scopes": "scopes:\n  - subject:read\n  - feedback:read  # <-"},
        "department 'demo' decides no item",
    ),
    "department is not the file stem": ({"department": "department: other  # <-"}, "does not match the file name"),
    "duplicate key": ({"rules": "rules:\n  penalty: allow\n  penalty: deny  # <-"}, "'penalty' is written twice"),
    "limit too low": (
        {"limits": "limits: {subjects_per_request: 0, depth: 8, aliases: 10, cost: 1000}  # <-"},
        "'limits.subjects_per_request'",
    ),
    "limit too high": (
        {"limits": "limits:\n  subjects_per_request: 10\n  depth: 8\n  aliases: 10\n  cost: 10000000  # <-"},
        "'limits.cost'",
    ),
    "limit not a number": (
        {"limits": "limits:\n  subjects_per_request: '10'  # <-\n  depth: 8\n  aliases: 10\n  cost: 100"},
        "'limits.subjects_per_request'",
    ),
    "default allows a field above max_sharing": (
        {"max_sharing": "max_sharing: public", "rules": "rules:\n  penalty: allow  # <-"},
        "'penalty.decision_text' is shared in the catalogue, above the public level",
    ),
    "field allowed above max_sharing": (
        {"rules": "rules:\n  registration:\n    fields:\n      legal_representative.id_number: allow  # <-"},
        "is restricted in the catalogue, above the shared level",
    ),
    "field masked above max_sharing_masked": (
        {"rules": "rules:\n  registration:\n    fields:\n      legal_representative.id_number: mask  # <-"},
        "above the shared level 'demo' may see masked",
    ),
    "mask of a field with nothing personal, above max_sharing": (
        {
            "max_sharing": "max_sharing: public\nmax_sharing_masked: shared",
            "rules": "rules:\n  representation: mask  # <-",
        },
        "(it holds no personal data, so `mask` shows it as it is)",
    ),
    "confidential allowed by a default": (
        {"max_sharing": "max_sharing: restricted", "rules": "rules:\n  report: allow  # <-"},
        "'report.reporter_name' is confidential",
    ),
    "confidential masked": (
        {
            "max_sharing": "max_sharing: restricted",
            "rules": "rules:\n  report:\n    fields:\n      reporter_phone: mask  # <-",
        },
        "'report.reporter_phone' is confidential",
    ),
    "max_sharing confidential": ({"max_sharing": "max_sharing: confidential  # <-"}, "cannot be confidential"),
    "masked ceiling more open": (
        {"max_sharing": "max_sharing: shared\nmax_sharing_masked: public  # <-"},
        "more open than max_sharing",
    ),
    "own_records_only caps other departments": (
        {
            "row_scope": "row_scope:\n  own_records_only: true",
            "rules": "rules:\n  penalty:\n    fields:\n      decision_text: allow  # <-",
        },
        "in another department's records (own_records_only)",
    ),
    "exception without own_records_only": (
        {"row_scope": "row_scope:\n  exceptions:\n    registration.phone: some law  # <-"},
        "only make sense with own_records_only",
    ),
    "exception for an unknown field": (
        {"row_scope": "row_scope:\n  own_records_only: true\n  exceptions:\n    registration.fax: some law  # <-"},
        "'registration.fax', which is not in the catalogue",
    ),
    "bad division prefix": ({"row_scope": "row_scope:\n  divisions:\n    - '14A'  # <-"}, "'row_scope.divisions.0'"),
    "public sees above public": (
        {**PUBLIC, "max_sharing": "max_sharing: shared  # <-"},
        "a public policy may only see items the catalogue marks public",
    ),
    "public sees a personal field in clear": (
        {**PUBLIC, "rules": "rules:\n  registration:\n    fields:\n      legal_representative.name: allow  # <-"},
        "the public may only see it masked",
    ),
    "audit with rules": ({**AUDIT, "rules": "rules:\n  penalty: allow  # <-"}, "an audit department may see no credit"),
    "purpose foreign to the kind": (
        {**FIN, "purposes": "purposes:\n  - CREDIT_LENDING\n  - LAW_ENFORCEMENT  # <-"},
        "a financial department may not state purpose LAW_ENFORCEMENT",
    ),
    "purpose listed twice": (
        {"purposes": "purposes:\n  - SUPERVISION\n  - SUPERVISION  # <-"},
        "purpose SUPERVISION is listed twice",
    ),
    "override of a purpose not stated": (
        {"rules": "rules: {}\nby_purpose:\n  LAW_ENFORCEMENT:  # <-\n    penalty: allow"},
        "not in the department's purposes",
    ),
    "financial without consent": (
        {**FIN, "consent": "consent:\n  natural_persons: not_required  # <-"},
        "only with their consent",
    ),
    "consent for an unknown record type": (
        {"consent": "consent:\n  natural_persons: required\n  record_types: [penalty, loans]  # <-"},
        "consent names unknown record type 'loans'",
    ),
    "YAML syntax error": ({"rules": "rules:\n  penalty: allow: deny  # <-"}, "YAML syntax error"),
}


@pytest.mark.parametrize(("sections", "fragment"), BROKEN.values(), ids=BROKEN.keys())
def test_bad_policy_names_file_line_and_fix(
    sections: dict[str, str], fragment: str, write_policy: Writer, catalog: Catalog
) -> None:
    path = write_policy(**sections)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if "# <-" in text)
    with pytest.raises(ConfigError) as caught:
        load_policy(path, catalog)
    text = str(caught.value)
    assert text.startswith(f"{path}:{line}: "), text
    assert fragment in text
    assert "(fix: " in text


def test_the_base_policy_is_valid(write_policy: Writer, catalog: Catalog) -> None:
    assert load_policy(write_policy(), catalog).department == "demo"


def test_a_policy_without_scopes_is_refused(write_policy: Writer, catalog: Catalog) -> None:
    with pytest.raises(ConfigError, match="'scopes': Field required"):
        load_policy(write_policy(scopes=""), catalog)


def test_refusals_carry_a_fix_naming_the_remedy(write_policy: Writer, catalog: Catalog) -> None:
    path = write_policy(max_sharing="max_sharing: restricted", rules="rules:\n  report: allow")
    with pytest.raises(ConfigError) as caught:
        load_policy(path, catalog)
    assert caught.value.fix == "write `reporter_name: deny` under report.fields"
