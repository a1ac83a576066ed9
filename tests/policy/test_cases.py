from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hub.catalog.model import Catalog
from hub.errors import ConfigError
from hub.policy import PolicySet, check_cases
from hub.policy.cases import load_cases, run_cases
from hub.policy.load import load_policies
from tests.policy.conftest import DEPARTMENTS, POLICIES

CASES = POLICIES / "cases"


@pytest.mark.parametrize("department", DEPARTMENTS)
def test_every_cases_file_passes(department: str, policy_set: PolicySet) -> None:
    loaded = load_cases(CASES / f"{department}.yaml")
    assert len(loaded[1]) >= 10
    failures = run_cases(policy_set.departments[department], loaded)
    assert [f.render() for f in failures] == []


def test_check_cases_over_the_shipped_folder(policy_set: PolicySet) -> None:
    assert check_cases(policy_set, CASES) == []


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    """A copy of the shipped policies and cases to break."""
    target = tmp_path / "policies"
    shutil.copytree(POLICIES, target)
    return target


def test_a_wrong_expectation_is_reported_at_its_line(copied: Path, catalog: Catalog) -> None:
    cases = copied / "cases" / "bank.yaml"
    lines = cases.read_text(encoding="utf-8").splitlines()
    index = next(i for i, text in enumerate(lines) if "penalty.decision_text" in text)
    lines[index] = lines[index].replace("expect: deny", "expect: allow")
    cases.write_text("\n".join(lines) + "\n", encoding="utf-8")
    failures = check_cases(load_policies(copied, catalog), copied / "cases")
    assert [f.render() for f in failures] == [
        f"{cases}:{index + 1}: bank CREDIT_LENDING LEGAL_ENTITY penalty.decision_text: "
        "expected allow, got deny (denied by the department's rules)"
    ]


def test_a_refused_purpose_that_is_allowed_fails(copied: Path, catalog: Catalog) -> None:
    cases = copied / "cases" / "tax.yaml"
    cases.write_text("- {purpose: SUPERVISION, expect: PURPOSE_NOT_ALLOWED}\n", encoding="utf-8")
    failures = check_cases(load_policies(copied, catalog), copied / "cases")
    assert [f.message for f in failures] == ["tax SUPERVISION: expected PURPOSE_NOT_ALLOWED, got allowed purpose"]


def test_missing_and_stray_cases_files_fail(copied: Path, catalog: Catalog) -> None:
    (copied / "cases" / "court.yaml").rename(copied / "cases" / "courts.yaml")
    messages = [f.message for f in check_cases(load_policies(copied, catalog), copied / "cases")]
    assert messages == ["department 'court' has no cases file", "no department policy 'courts' for these cases"]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (
            "- {purpose: SUPERVISION, kind: LEGAL_ENTITY, field: penalty.amount, expect: allow}\n"
            "- {purpose: SNOOPING, expect: PURPOSE_NOT_ALLOWED}\n",
            2,
            "case 2",
        ),
        ("- {purpose: SUPERVISION, expect: allow}\n", 1, "needs kind and field"),
        ("- {purpose: SUPERVISION, kind: LEGAL_ENTITY, field: penalty.amount, expect: maybe}\n", 1, "unknown decision"),
        ("- {purpose: SUPERVISION, purpose: AUDIT_REVIEW, expect: PURPOSE_NOT_ALLOWED}\n", 1, "written twice"),
        ("- {purpose: SUPERVISION, expect: concealed}\n", 1, "needs conceal_access_days"),
        ("- {purpose: SUPERVISION, expect: shown, conceal_access_days: 3}\n", 1, "takes no conceal_access_days"),
        ("- {purpose: SUPERVISION, kind: LEGAL_ENTITY, expect: shown}\n", 1, "no kind or field"),
        ("- {purpose: SUPERVISION, expect: deny, conceal_until_case_closes: true}\n", 1, "go with expect: concealed"),
    ],
)
def test_malformed_cases_name_file_and_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_cases(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert fragment in str(caught.value)


def test_a_concealment_case_that_does_not_hold_is_reported_at_its_line(copied: Path, catalog: Catalog) -> None:
    cases = copied / "cases" / "court.yaml"
    lines = cases.read_text(encoding="utf-8").splitlines()
    index = next(i for i, text in enumerate(lines) if "expect: concealed" in text)
    lines[index] = "- {purpose: LAW_ENFORCEMENT, expect: concealed, conceal_access_days: 90}"
    lines.append("- {purpose: SUPERVISION, expect: shown}")
    cases.write_text("\n".join(lines) + "\n", encoding="utf-8")
    failures = check_cases(load_policies(copied, catalog), copied / "cases")
    assert [f.render() for f in failures] == [
        f"{cases}:{index + 1}: court LAW_ENFORCEMENT: expected concealed for 90 days, "
        "got concealed until the case closes, at most 180 days",
        f"{cases}:{len(lines)}: court SUPERVISION: expected shown at once, got PURPOSE_NOT_ALLOWED",
    ]
