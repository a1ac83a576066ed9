"""Property: whatever department, purpose, subject and selection, no response holds a value the
policy does not allow in that form (checked against the raw source rows over real HTTP)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.demo.generator import subject_facts
from hub.federation.adapter import ITEM, SqlSource
from hub.federation.fetch import Federation
from hub.federation.mapping import load_source_maps
from hub.graphql.selection import snake
from hub.identity.codes import parse_subject_code
from hub.policy.decision import Action
from hub.policy.load import load_policies
from hub.policy.purposes import Purpose
from hub.privacy.masking import MASKERS
from hub.store.engine import make_engine
from tests.conftest import _run_apart
from tests.support.server import COURT_CASE, SEED

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
POLICIES = load_policies(resource_dir("policies"), CATALOG)
LISTS = {
    "licences": "licence",
    "penalties": "penalty",
    "listings": "listing",
    "courtDishonesty": "court_dishonesty",
    "taxCredit": "tax_credit",
    "reports": "report",
}
REGISTRATION = {
    "name": "name",
    "status": "status",
    "registeredOn": "registered_on",
    "phone": "phone",
    "address": "address",
}
REPRESENTATIVE = {"name": "legal_representative.name", "idNumber": "legal_representative.id_number"}
ID_LIKE = re.compile(r"\d{17}[\dX]")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@pytest.fixture(scope="module")
def raw(hub: Any) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Answers every catalogued field of the candidate subjects, straight from the sources."""
    codes = [hub.samples["enterprise"], hub.samples["person"], hub.samples["blacklisted"]]
    codes += [subject_facts(SEED, i).subject.code for i in range(3, 9)]
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}

    async def fetch() -> None:
        maps = load_source_maps(resource_dir("schema") / "sources", CATALOG)
        urls = {n: s.url for n, s in hub.settings.sources.items()}
        # the hub-managed source of submitted records lives in the hub's own database
        sources = [SqlSource(m, make_engine(urls.get(n, hub.settings.database_url))) for n, m in maps.items()]
        federation = Federation(sources, default_timeout_ms=10_000, breaker_failures=100, breaker_reset=1)
        needs = {name: frozenset(rt.fields) for name, rt in CATALOG.record_types.items()}
        fetched = await federation.fetch(codes, needs)
        found.update({code: fetched.rows.get(code, {}) for code in codes})
        for source in sources:
            await source.engine.dispose()

    _run_apart(fetch())
    return found


selections = st.fixed_dictionaries(
    {
        "registration": st.lists(st.sampled_from(sorted(REGISTRATION)), unique=True, max_size=5),
        "representative": st.lists(st.sampled_from(sorted(REPRESENTATIVE)), unique=True, max_size=2),
        "lists": st.dictionaries(
            st.sampled_from(sorted(LISTS)),
            st.lists(st.sampled_from(range(10)), min_size=1, max_size=4, unique=True),
            max_size=3,
        ),
    }
)


def _query(selection: dict[str, Any]) -> tuple[str, dict[str, list[str]]]:
    parts = list(selection["registration"])
    if selection["representative"]:
        parts.append("legalRepresentative { " + " ".join(selection["representative"]) + " }")
    chosen: dict[str, list[str]] = {}
    for key, picks in selection["lists"].items():
        fields = list(CATALOG.record_types[LISTS[key]].fields)
        names = sorted({fields[i % len(fields)] for i in picks})
        chosen[key] = names
        parts.append(f"{key} {{ id {' '.join(_camel(n) for n in names)} }}")
    body = " ".join(parts) or "code"
    return f"query($c: ID!, $p: Purpose!) {{ subject(code: $c, purpose: $p) {{ code {body} }} }}", chosen


def _check(value: Any, raw_values: list[Any], action: Action, operator: str | None, where: str) -> None:
    if action is Action.DENY:
        assert value is None, f"{where}: denied but disclosed"
        return
    if value is None or action is Action.ALLOW or operator in (None, "none"):
        return
    if operator == "free_text":
        for raw_value in raw_values:
            for identifier in ID_LIKE.findall(str(raw_value)):
                assert identifier not in str(value), f"{where}: a resident ID survived desensitisation"
        return
    expected = {MASKERS[operator](str(v)) for v in raw_values if isinstance(v, str)}
    assert value in expected, f"{where}: {value!r} is not the {operator} mask of the source value"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    department=st.sampled_from(sorted(POLICIES.departments)),
    purpose=st.sampled_from(list(Purpose)),
    subject_index=st.integers(min_value=0, max_value=8),
    selection=selections,
)
def test_no_value_leaves_in_a_form_the_policy_does_not_allow(
    hub: Any, raw: dict[str, Any], department: str, purpose: Purpose, subject_index: int, selection: dict[str, Any]
) -> None:
    code = list(raw)[subject_index]
    kind = parse_subject_code(code).kind
    policy = POLICIES.departments[department]
    query, chosen = _query(selection)
    case = COURT_CASE if policy.conceals_until_case_closes(purpose) else None  # case-bound purposes name one
    body = hub.graphql(department, query, {"c": code, "p": purpose.value}, case=case).json()
    subject = (body.get("data") or {}).get("subject")
    if purpose not in policy.purposes:
        assert subject is None
        return
    if subject is None:
        return
    rows = raw[code]
    today = date.today()
    for field in selection["registration"]:
        decision = policy.decide(purpose, kind, f"registration.{REGISTRATION[field]}")
        values = [r.get(REGISTRATION[field]) for r in rows.get("registration", [])]
        _check(
            subject[field],
            values,
            decision.action,
            decision.masker or _class(f"registration.{REGISTRATION[field]}", kind),
            f"{department}/{purpose}/{field}",
        )
    for field in selection["representative"]:
        path = f"registration.{REPRESENTATIVE[field]}"
        decision = policy.decide(purpose, kind, path)
        values = [r.get(REPRESENTATIVE[field]) for r in rows.get("registration", [])]
        value = (subject.get("legalRepresentative") or {}).get(field)
        _check(value, values, decision.action, decision.masker or _class(path, kind), f"{department}/{path}")
    for key, names in chosen.items():
        items = subject.get(key)
        record_type = LISTS[key]
        if items is None:
            continue
        by_id = {r[ITEM]: r for r in rows.get(record_type, [])}
        for item in items:
            source_row = by_id[item["id"]]
            for name in names:
                path = f"{record_type}.{name}"
                decision = policy.decide(purpose, kind, path)
                _check(
                    item[_camel(name)],
                    [source_row.get(name)],
                    decision.action,
                    decision.masker or _class(path, kind),
                    f"{department}/{purpose}/{path}",
                )
        assert today


def _class(path: str, kind: Any) -> str:
    field = CATALOG.field(path)
    assert field is not None
    return field.pd_class(kind)


def test_snake_and_camel_agree() -> None:
    assert snake(_camel("legal_basis")) == "legal_basis"
