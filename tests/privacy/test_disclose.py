"""The privacy step of a read (hub.privacy.disclose): each field kept, masked, redacted or withheld, and periods."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.errors import ErrorCode
from hub.identity.codes import SubjectKind
from hub.policy.decision import Action, Decision
from hub.policy.policy import Plan
from hub.privacy.disclose import Discloser, Disclosure, Withheld
from hub.privacy.masking import MASKERS

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
RECORDS = Path(__file__).parents[2] / "hub" / "records"


def _redact(text: str, names: Sequence[str]) -> str:
    return "".join("*" if ch in "".join(names) else ch for ch in text)


def _plan(**decisions: Decision) -> Plan:
    return Plan({f"registration.{k}": d for k, d in decisions.items()}, {}, frozenset())


def test_each_field_is_kept_masked_or_withheld_as_the_plan_decides_and_noted() -> None:
    discloser = Discloser(CATALOG, MASKERS, _redact)
    plan = _plan(
        status=Decision(Action.ALLOW),
        phone=Decision(Action.MASK, "phone"),
        address=Decision(Action.DENY, reason="not for this purpose"),
    )
    fields = ["status", "phone", "address", "nope"]
    rules = discloser.rules(plan, SubjectKind.NATURAL_PERSON, "registration", fields)
    disclosure = Disclosure("code")
    raw = ["开业", "13912345678", "太原", "x"]
    values = [discloser.value(r, v, [], disclosure) for r, v in zip(rules, raw, strict=True)]
    assert values[0] == "开业"
    assert values[1] != "13912345678"
    assert values[1].startswith("139")
    assert values[2] == Withheld(ErrorCode.FIELD_DENIED, "not for this purpose")
    assert values[3] == Withheld(ErrorCode.FIELD_DENIED, "not in the catalogue")
    assert disclosure.clear == {"registration.status"}
    assert disclosure.masked == {"registration.phone"}
    assert disclosure.denied == {"registration.address", "registration.nope"}
    assert discloser.rules(plan, SubjectKind.NATURAL_PERSON, "registration", fields) is rules, "once per plan"


def test_a_free_text_is_redacted_with_the_names_known() -> None:
    discloser = Discloser(CATALOG, MASKERS, _redact)
    plan = Plan({"listing.reason": Decision(Action.MASK)}, {}, frozenset())
    [rule] = discloser.rules(plan, SubjectKind.LEGAL_ENTITY, "listing", ["reason"])
    disclosure = Disclosure("code")
    assert discloser.value(rule, "张三拖欠工资", ["张三"], disclosure) == "**拖欠工资"
    assert disclosure.masked == {"listing.reason"}


def test_an_item_is_disclosed_within_its_period_only() -> None:
    discloser = Discloser(CATALOG, MASKERS, _redact)
    listing = CATALOG.record_types["listing"]
    row = {"listed_on": date(2026, 3, 1), "expires_on": date(2027, 2, 28), "status": "ACTIVE"}
    assert discloser.in_period(listing, row, date(2027, 2, 28))
    assert not discloser.in_period(listing, row, date(2027, 3, 1))
    assert not discloser.in_period(listing, {**row, "status": "REMOVED"}, date(2026, 4, 1))


def test_records_calls_privacy_and_masks_nothing_itself() -> None:
    for module in RECORDS.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        froms = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        modules = {n.module for n in froms}
        names = {a.name for n in froms for a in n.names}
        assert not {"hub.privacy.masking", "hub.privacy.redact"} & modules, f"{module.name} masks values itself"
        assert "shown_on" not in names, f"{module.name} decides disclosure periods itself"
