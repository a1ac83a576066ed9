"""A caller through another hub: its department's policy, never more than the policy for the asking hub."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.demo.federation import PROVINCIAL_HUB, provincial_hub_policy
from hub.identity.codes import SubjectKind, parse_subject_code
from hub.policy.decision import Action
from hub.policy.federated import NOT_FOR_HUB, intersect, shared_divisions, within_record_types
from hub.policy.load import PolicySet, load_policies
from hub.policy.purposes import Purpose
from hub.policy.self_access import self_access_policy

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
ALL_TYPES = frozenset(CATALOG.record_types)
APPROVAL = Purpose.ADMINISTRATIVE_APPROVAL
ENTITY = SubjectKind.LEGAL_ENTITY


def _policies(tmp_path: Path, *, consent: bool = False) -> PolicySet:
    folder = tmp_path / "policies"
    shutil.copytree(resource_dir("policies"), folder)
    (folder / f"{PROVINCIAL_HUB}.yaml").write_text(provincial_hub_policy(consent_for_persons=consent), "utf-8")
    return load_policies(folder, CATALOG)


def test_a_field_denied_by_either_policy_is_denied_and_masked_by_either_is_masked(tmp_path: Path) -> None:
    policies = _policies(tmp_path)
    own, via = policies.get("approval-bureau"), policies.get(PROVINCIAL_HUB)
    assert own is not None
    assert via is not None
    bound = intersect(own, via, "province", ALL_TYPES)
    assert own.decide(APPROVAL, ENTITY, "registration.phone").action is Action.MASK
    phone = bound.decide(APPROVAL, ENTITY, "registration.phone")
    assert phone.action is Action.DENY
    assert "the policy for hub 'province'" in phone.reason
    assert bound.decide(APPROVAL, ENTITY, "penalty.decision_text").action is Action.MASK, "masked here, allowed there"
    assert bound.decide(APPROVAL, ENTITY, "penalty.amount").action is Action.ALLOW
    assert bound.decide(APPROVAL, ENTITY, "report.topic").action is Action.DENY, "denied by its own"
    assert bound.purposes == own.purposes, "the caller's purposes: the asking hub states none of its own"
    assert bound.scopes == own.scopes & via.scopes


def test_record_types_the_hub_is_not_trusted_for_are_denied(tmp_path: Path) -> None:
    policies = _policies(tmp_path)
    own, via = policies.get("approval-bureau"), policies.get(PROVINCIAL_HUB)
    assert own is not None
    assert via is not None
    bound = intersect(own, via, "province", frozenset({"registration"}))
    denied = bound.decide(APPROVAL, ENTITY, "penalty.amount")
    assert denied.action is Action.DENY
    assert NOT_FOR_HUB in denied.reason
    assert bound.decide(APPROVAL, ENTITY, "registration.name").action is Action.ALLOW


def test_an_own_read_through_a_hub_sees_only_the_record_types_it_is_trusted_for() -> None:
    own = self_access_policy(CATALOG)
    bound = within_record_types(own, "province", frozenset({"registration", "penalty"}))
    assert bound.decide(Purpose.SELF_ACCESS, ENTITY, "penalty.amount") == own.decide(
        Purpose.SELF_ACCESS, ENTITY, "penalty.amount"
    )
    denied = bound.decide(Purpose.SELF_ACCESS, ENTITY, "tax_credit.grade")
    assert own.decide(Purpose.SELF_ACCESS, ENTITY, "tax_credit.grade").action is not Action.DENY
    assert denied.action is Action.DENY
    assert NOT_FOR_HUB in denied.reason
    nothing = within_record_types(own, "gone", frozenset())
    assert all(decision.action is Action.DENY for decision in nothing.table.values()), "deny by default"


def test_consent_needed_by_the_hub_policy_is_needed(tmp_path: Path) -> None:
    policies = _policies(tmp_path, consent=True)
    own, via = policies.get("approval-bureau"), policies.get(PROVINCIAL_HUB)
    assert own is not None
    assert via is not None
    assert not own.consent.needed(SubjectKind.NATURAL_PERSON, "representation")
    bound = intersect(own, via, "province", ALL_TYPES)
    assert bound.consent.needed(SubjectKind.NATURAL_PERSON, "representation")
    assert not bound.consent.needed(ENTITY, "representation")


@pytest.mark.parametrize(
    ("own", "via", "expected"),
    [
        ((), (), ()),
        (("14",), (), ("14",)),
        (("1401",), ("14",), ("1401",)),
        (("14",), ("1401", "1402"), ("1401", "1402")),
        (("1401",), ("1402",), ("none",)),
    ],
)
def test_jurisdiction_is_where_both_reach(
    own: tuple[str, ...], via: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert shared_divisions(own, via) == expected


def test_a_subject_outside_either_jurisdiction_is_out_of_scope(tmp_path: Path) -> None:
    from dataclasses import replace

    policies = _policies(tmp_path)
    own, via = policies.get("approval-bureau"), policies.get(PROVINCIAL_HUB)
    assert own is not None
    assert via is not None
    bound = intersect(own, replace(via, divisions=("1402",)), "province", ALL_TYPES)
    taiyuan = parse_subject_code("91140106110557379E")
    assert bound.out_of_scope(taiyuan) is not None
