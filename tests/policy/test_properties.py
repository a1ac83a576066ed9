"""Whatever the department, purpose, kind, field or policy text, the table never exceeds the catalogue."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st

from hub.catalog.model import Catalog, Sharing
from hub.errors import ConfigError
from hub.identity.codes import SubjectKind
from hub.policy import Action, DepartmentKind, Policy, PolicySet, Purpose
from hub.policy.decision import ABOVE_LEVEL, MASKERS
from hub.policy.load import load_policy
from hub.policy.purposes import PURPOSES_BY_KIND
from tests.policy.conftest import DEPARTMENTS

SAFE = settings(max_examples=200, deadline=None)


def assert_within_catalogue(policy: Policy, catalog: Catalog, purpose: Purpose, kind: SubjectKind, path: str) -> None:
    """The invariants every decision of every compiled policy keeps."""
    decision = policy.decide(purpose, kind, path)
    assert decision.reason != ABOVE_LEVEL, "the checks let through a rule the table had to cut"
    found = catalog.field(path)
    if found is None or purpose not in policy.purposes or policy.kind is DepartmentKind.AUDIT:
        assert decision.action is Action.DENY
        return
    record_type = catalog.record_types[found.record_type]
    if decision.action is Action.DENY:
        assert decision.masker is None
        assert decision.reason
        return
    assert found.sharing is not Sharing.CONFIDENTIAL
    assert kind in record_type.subject_kinds
    ceiling = policy.max_sharing if decision.action is Action.ALLOW else policy.max_sharing_masked
    assert found.sharing.rank <= ceiling.rank
    foreign = record_type.department != policy.department
    if policy.own_records_only and foreign and path not in policy.exceptions:
        assert found.sharing is Sharing.PUBLIC
    if decision.action is Action.MASK:
        assert decision.masker in MASKERS
    else:
        assert decision.masker is None
        if policy.kind is DepartmentKind.PUBLIC:
            assert found.pd_class(kind) == "none"


def field_paths(catalog: Catalog) -> st.SearchStrategy[str]:
    known = st.sampled_from([f.path for f in catalog.all_fields()])
    return st.one_of(known, st.text(min_size=0, max_size=30), known.map(lambda p: p + "x"))


@SAFE
@given(data=st.data())
def test_shipped_policies_stay_within_the_catalogue(
    data: st.DataObject, policy_set: PolicySet, catalog: Catalog
) -> None:
    policy = policy_set.departments[data.draw(st.sampled_from(DEPARTMENTS))]
    purpose = data.draw(st.sampled_from(list(Purpose)))
    kind = data.draw(st.sampled_from(list(SubjectKind)))
    assert_within_catalogue(policy, catalog, purpose, kind, data.draw(field_paths(catalog)))


@SAFE
@given(data=st.data())
def test_plan_fetches_only_allowed_and_masked(data: st.DataObject, policy_set: PolicySet, catalog: Catalog) -> None:
    policy = policy_set.departments[data.draw(st.sampled_from(DEPARTMENTS))]
    purpose = data.draw(st.sampled_from(sorted(policy.purposes)))
    kind = data.draw(st.sampled_from(list(SubjectKind)))
    names = {rt: [*t.fields, "bogus"] for rt, t in catalog.record_types.items()} | {"bogus": ["x"]}
    requested = data.draw(
        st.dictionaries(st.sampled_from(sorted(names)), st.just(None), max_size=len(names)).map(
            lambda picked: {rt: data.draw(st.lists(st.sampled_from(names[rt]), unique=True)) for rt in picked}
        )
    )
    plan = policy.plan(purpose, kind, requested)
    assert set(plan.decisions) == {f"{rt}.{name}" for rt, fields in requested.items() for name in fields}
    for record_type, fetched in plan.fetch.items():
        assert fetched
        for name in fetched:
            assert plan.decisions[f"{record_type}.{name}"].action in (Action.ALLOW, Action.MASK)
    for path, decision in plan.decisions.items():
        record_type, _, name = path.partition(".")
        assert (decision.action is not Action.DENY) == (name in plan.fetch.get(record_type, ()))
    assert plan.consent_record_types <= set(plan.fetch)
    if kind is SubjectKind.LEGAL_ENTITY or not policy.consent.natural_persons:
        assert plan.consent_record_types == frozenset()


DECISIONS = ["allow", "deny", "deny", "deny", "mask", "mask:phone", "mask:redacted"]
LEVELS = [level.value for level in Sharing]


@st.composite
def policy_documents(draw: st.DrawFn, catalog: Catalog) -> dict[str, Any]:
    """Random policy documents, valid or not, over the real catalogue."""
    kind = draw(st.sampled_from(list(DepartmentKind)))
    purposes = draw(st.lists(st.sampled_from(sorted(p.value for p in PURPOSES_BY_KIND[kind])), min_size=1, unique=True))
    rules: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(sorted(catalog.record_types)), unique=True)):
        fields = sorted(catalog.record_types[name].fields)
        overrides = draw(st.dictionaries(st.sampled_from(fields), st.sampled_from(DECISIONS)))
        rules[name] = (
            draw(st.sampled_from(DECISIONS))
            if not overrides
            else {"default": draw(st.sampled_from(DECISIONS)), "fields": overrides}
        )
    document: dict[str, Any] = {
        "department": draw(st.sampled_from(["demo", "tax", "court", "market-regulation"])),
        "title": "generated",
        "kind": kind.value,
        "purposes": purposes,
        "scopes": ["subject:read"],
        "operator_required": draw(st.booleans()),
        "max_sharing": draw(st.sampled_from(LEVELS)),
        "consent": {"natural_persons": draw(st.sampled_from(["required", "not_required"]))},
        "row_scope": {"own_records_only": draw(st.booleans())},
        "limits": {"subjects_per_request": 10, "depth": 8, "aliases": 10, "cost": 100},
        "rules": rules,
    }
    if draw(st.booleans()):
        document["max_sharing_masked"] = draw(st.sampled_from(LEVELS))
    return document


@SAFE
@given(data=st.data())
def test_any_policy_that_loads_stays_within_the_catalogue(data: st.DataObject, catalog: Catalog) -> None:
    document = data.draw(policy_documents(catalog))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{document['department']}.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        refused: ConfigError | None = None
        try:
            policy = load_policy(path, catalog)
        except ConfigError as exc:
            refused = exc
    if refused is not None:
        event("refused")
        assert str(refused).startswith(f"{path}:")
        assert refused.fix
        return
    event("loaded")
    for purpose in Purpose:
        for kind in SubjectKind:
            for found in catalog.all_fields():
                assert_within_catalogue(policy, catalog, purpose, kind, found.path)
