from __future__ import annotations

from pathlib import Path

import pytest

from hub.catalog.model import Catalog, Sharing
from hub.demo.departments import DEPARTMENTS as DEMO_DEPARTMENTS
from hub.errors import ConfigError
from hub.identity.codes import SubjectKind
from hub.policy import Action, DepartmentKind, PolicySet, Purpose, load_policies
from tests.policy.conftest import DEPARTMENTS, Writer


def test_all_seven_departments_load(policy_set: PolicySet) -> None:
    assert set(policy_set.departments) == set(DEPARTMENTS)
    assert policy_set.get("nobody") is None
    assert policy_set.get(None) is None


def test_bank_policy_attributes(policy_set: PolicySet) -> None:
    bank = policy_set.get("bank")
    assert bank is not None
    assert bank.kind is DepartmentKind.FINANCIAL
    assert bank.purposes == {Purpose.CREDIT_LENDING, Purpose.POST_LOAN_MONITORING}
    assert bank.operator_required
    assert bank.consent.natural_persons
    assert "penalty" in bank.consent.record_types
    assert bank.max_sharing is Sharing.SHARED
    assert bank.max_sharing_masked is Sharing.RESTRICTED
    assert (bank.limits.subjects_per_request, bank.limits.depth) == (20, 8)
    assert bank.divisions == ()


def test_privacy_office_sees_no_credit_field(policy_set: PolicySet, catalog: Catalog) -> None:
    office = policy_set.get("privacy-office")
    assert office is not None
    for found in catalog.all_fields():
        for kind in SubjectKind:
            assert office.decide(Purpose.AUDIT_REVIEW, kind, found.path).action is Action.DENY


def test_reserved_files_are_not_policies(write_policy: Writer, catalog: Catalog) -> None:
    path = write_policy()
    (path.parent / "measures.yaml").write_text("measures: []\n", encoding="utf-8")
    (path.parent / "README.md").write_text("# not yaml\n", encoding="utf-8")
    assert set(load_policies(path.parent, catalog).departments) == {"demo"}


def test_missing_and_empty_folders_are_refused(tmp_path: Path, catalog: Catalog) -> None:
    with pytest.raises(ConfigError, match="policies folder not found"):
        load_policies(tmp_path / "absent", catalog)
    with pytest.raises(ConfigError, match="no department policies"):
        load_policies(tmp_path, catalog)


def test_first_bad_file_stops_loading(write_policy: Writer, catalog: Catalog) -> None:
    write_policy()
    bad = write_policy("other", department="department: other", kind="kind: spaceship")
    with pytest.raises(ConfigError) as caught:
        load_policies(bad.parent, catalog)
    assert f"{bad}:3:" in str(caught.value)


def test_every_demo_client_holds_only_what_its_department_allows(policy_set: PolicySet) -> None:
    for department in DEMO_DEPARTMENTS:
        policy = policy_set.get(department.key)
        assert policy is not None
        assert set(department.scopes) <= policy.scopes, department.key


def test_only_departments_that_build_integrations_may_read_the_schema(policy_set: PolicySet) -> None:
    readers = {key for key, policy in policy_set.departments.items() if "catalog:read" in policy.scopes}
    assert readers == {"approval-bureau", "market-regulation", "bank"}
    assert {key for key, policy in policy_set.departments.items() if "audit:read" in policy.scopes} == {
        "privacy-office"
    }
