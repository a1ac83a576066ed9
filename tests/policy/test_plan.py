from __future__ import annotations

import pytest

from hub.catalog.model import Catalog
from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectCode, SubjectKind
from hub.policy import Action, Decision, PolicySet, Purpose
from hub.policy.load import load_policy
from tests.policy.conftest import Writer

LE, NP = SubjectKind.LEGAL_ENTITY, SubjectKind.NATURAL_PERSON
REQUEST = {
    "registration": ["name", "legal_representative.id_number", "phone"],
    "penalty": ["authority", "decided_on", "decision_text"],
    "report": ["topic", "reporter_name"],
    "tax_credit": ["grade"],
}


def test_bank_plan_fetches_only_what_it_may_see(policy_set: PolicySet) -> None:
    bank = policy_set.departments["bank"]
    plan = bank.plan(Purpose.CREDIT_LENDING, LE, REQUEST)
    assert plan.fetch == {
        "registration": {"name", "legal_representative.id_number", "phone"},
        "penalty": {"authority", "decided_on"},
        "tax_credit": {"grade"},
    }
    assert plan.decisions["registration.legal_representative.id_number"] == Decision(Action.MASK, "resident_id")
    assert plan.decisions["penalty.decision_text"].action is Action.DENY
    assert plan.decisions["report.reporter_name"].reason == "confidential"
    assert plan.consent_record_types == frozenset()


def test_bank_plan_for_a_person_needs_consent(policy_set: PolicySet) -> None:
    plan = policy_set.departments["bank"].plan(Purpose.CREDIT_LENDING, NP, REQUEST)
    assert "tax_credit" not in plan.fetch
    assert plan.consent_record_types == {"registration", "penalty"}
    government = policy_set.departments["market-regulation"].plan(Purpose.SUPERVISION, NP, REQUEST)
    assert government.consent_record_types == frozenset()


def test_foreign_purpose_is_refused(policy_set: PolicySet) -> None:
    with pytest.raises(HubError) as caught:
        policy_set.departments["bank"].plan(Purpose.LAW_ENFORCEMENT, LE, REQUEST)
    assert caught.value.code is ErrorCode.PURPOSE_NOT_ALLOWED
    assert "CREDIT_LENDING" in (caught.value.fix or "")
    decision = policy_set.departments["bank"].decide(Purpose.LAW_ENFORCEMENT, LE, "penalty.authority")
    assert decision.reason == "outside the purpose"


def test_unknown_fields_are_denied_and_never_fetched(policy_set: PolicySet) -> None:
    plan = policy_set.departments["market-regulation"].plan(
        Purpose.SUPERVISION, LE, {"penalty": ["secret"], "nonsense": ["x"]}
    )
    assert plan.fetch == {}
    assert {d.reason for d in plan.decisions.values()} == {"not in the catalogue"}


def test_by_purpose_replaces_the_record_types_rule(policy_set: PolicySet) -> None:
    bank = policy_set.departments["bank"]
    assert bank.decide(Purpose.CREDIT_LENDING, LE, "licence.title").action is Action.ALLOW
    assert bank.decide(Purpose.POST_LOAN_MONITORING, LE, "licence.title").action is Action.DENY


def test_mask_of_a_class_none_field_is_clear(policy_set: PolicySet) -> None:
    public = policy_set.departments["public"]
    assert public.decide(Purpose.PUBLIC_DISCLOSURE, LE, "registration.name") == Decision(Action.ALLOW)
    assert public.decide(Purpose.PUBLIC_DISCLOSURE, NP, "registration.name") == Decision(Action.MASK, "person_name")


def test_own_records_only_and_its_exception(policy_set: PolicySet) -> None:
    court, tax = policy_set.departments["court"], policy_set.departments["tax"]
    id_number = "registration.legal_representative.id_number"
    assert court.decide(Purpose.LAW_ENFORCEMENT, LE, id_number).action is Action.ALLOW
    assert tax.decide(Purpose.SUPERVISION, LE, id_number).action is Action.DENY
    assert tax.decide(Purpose.SUPERVISION, LE, "tax_credit.grade").action is Action.ALLOW


def test_explicit_masker_wins(write_policy: Writer, catalog: Catalog) -> None:
    path = write_policy(rules="rules:\n  penalty: {default: deny, fields: {amount: 'mask:redacted'}}")
    policy = load_policy(path, catalog)
    assert policy.decide(Purpose.SUPERVISION, LE, "penalty.amount") == Decision(Action.MASK, "redacted")


def test_divisions_bound_the_subjects(write_policy: Writer, catalog: Catalog) -> None:
    path = write_policy(row_scope="row_scope:\n  divisions: ['14', '4101']")
    policy = load_policy(path, catalog)
    assert policy.in_scope(SubjectCode("140105199003071238", NP))
    assert policy.in_scope(SubjectCode("91410100MA3X5Y7A1K", LE))
    assert not policy.in_scope(SubjectCode("110101199003071238", NP))
    assert not policy.in_scope(SubjectCode("91410200MA3X5Y7A1K", LE))
    everywhere = load_policy(write_policy(), catalog)
    assert everywhere.in_scope(SubjectCode("110101199003071238", NP))


def test_a_repeated_shape_reuses_its_plan_and_other_shapes_do_not(
    policy_set: PolicySet, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hub.policy.policy as policy_module

    bank = policy_set.departments["bank"]
    first = bank.plan(Purpose.CREDIT_LENDING, LE, REQUEST)
    assert bank.plan(Purpose.CREDIT_LENDING, LE, {k: list(v) for k, v in REQUEST.items()}) is first
    assert bank.plan(Purpose.CREDIT_LENDING, NP, REQUEST) is not first
    assert bank.plan(Purpose.CREDIT_LENDING, LE, {"penalty": ["authority"]}).fetch == {"penalty": {"authority"}}
    monkeypatch.setattr(policy_module, "PLANS_KEPT", 2)
    shapes = [{"penalty": ["authority"]}, {"penalty": ["decided_on"]}, {"tax_credit": ["grade"]}]
    plans = [bank.plan(Purpose.CREDIT_LENDING, LE, shape) for shape in shapes]
    assert [set(p.fetch) for p in plans] == [{"penalty"}, {"penalty"}, {"tax_credit"}]
    assert bank.plan(Purpose.CREDIT_LENDING, LE, REQUEST) == first  # rebuilt after the memo was cleared
    with pytest.raises(HubError) as refused:
        bank.plan(Purpose.SUPERVISION, LE, REQUEST)  # a foreign purpose is refused even for a known shape
    assert refused.value.code is ErrorCode.PURPOSE_NOT_ALLOWED


def test_a_department_without_natural_persons_may_look_up_enterprises_only(
    write_policy: Writer, catalog: Catalog
) -> None:
    policy = load_policy(write_policy(row_scope="row_scope:\n  natural_persons: false"), catalog)
    assert policy.out_of_scope(SubjectCode("140105199003071238", NP)) == (
        f"department '{policy.department}' may not look up natural persons"
    )
    assert policy.in_scope(SubjectCode("91410100MA3X5Y7A1K", LE))
    limited = load_policy(write_policy(row_scope="row_scope:\n  divisions: ['14']"), catalog)
    assert limited.out_of_scope(SubjectCode("110101199003071238", NP)) == (
        "the subject is outside the department's jurisdiction"
    )
