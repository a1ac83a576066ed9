"""Checking one row against the catalogue: each refusal names its field, reason and fix; good rows are canonical."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import uscc

from hub.catalog.load import load_catalog
from hub.collection.check import Action, CheckedRow, Reason, RowChecker, item_key, parse_date, submittable
from hub.collection.rows import RawRow
from hub.config import resource_dir
from hub.errors import ErrorCode, HubError

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
TODAY = date(2026, 12, 6)
CODE = "9114010000000020" + "1" + uscc.calc_check_digit("91140100000000201")
PERSON = "11010519491231002X"  # the example of GB 11643
GOOD = {
    "subject_code": CODE,
    "decision_number": "晋食许〔2026〕1号",
    "category": "罚款",
    "authority": "太原市市场监督管理局",
    "decided_on": "2026-11-20",
    "amount": "5000.00",
    "legal_basis": "《食品安全法》",
    "decision_text": "罚款",
}


def _check(values: dict[str, str | None], department: str = "market-regulation") -> CheckedRow | list:  # type: ignore[type-arg]
    return RowChecker(CATALOG, CATALOG.record_types["penalty"], department, TODAY).check(RawRow(7, values))


def test_a_good_row_is_canonical_and_keyed_by_authority_and_number() -> None:
    checked = _check({**GOOD, "decided_on": "2026年11月20日", "amount": "5000.00"})
    assert isinstance(checked, CheckedRow)
    assert checked.payload["decided_on"] == "2026-11-20"
    assert checked.decided_on == date(2026, 11, 20)
    assert checked.action is Action.SUBMIT
    assert checked.item_key == item_key("penalty", ["太原市市场监督管理局", "晋食许〔2026〕1号"])
    again = _check({**GOOD, "decided_on": "20261120"})
    assert isinstance(again, CheckedRow)
    assert again.content_hash == checked.content_hash


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"decision_number": ""}, "decision_number", Reason.REQUIRED),
        ({"subject_code": CODE[:-1] + ("0" if CODE[-1] != "0" else "1")}, "subject_code", Reason.INVALID_CODE),
        ({"decided_on": "2026-02-30"}, "decided_on", Reason.BAD_DATE),
        ({"decided_on": "2026-12-07"}, "decided_on", Reason.FUTURE_DATE),
        ({"disclosure_until": "2026-01-01"}, "disclosure_until", Reason.DATE_ORDER),
        ({"amount": "五千"}, "amount", Reason.BAD_NUMBER),
        ({"amount": "-1"}, "amount", Reason.BAD_NUMBER),
        ({"legal_basis": "法" * 1001}, "legal_basis", Reason.TOO_LONG),
        ({"authority": "国家税务总局太原市税务局"}, "authority", Reason.AUTHORITY),
        ({"action": "delete"}, "action", Reason.BAD_ACTION),
        ({"action": "correct"}, "reason", Reason.REASON_REQUIRED),
    ],
)
def test_each_fault_is_refused_at_its_field_with_a_fix(change: dict[str, str], field: str, reason: Reason) -> None:
    refused = _check({**GOOD, **change})
    assert isinstance(refused, list)
    assert [(r.row, r.field, r.code) for r in refused] == [(7, field, reason)]
    assert refused[0].reason
    assert refused[0].fix


def test_a_withdrawal_needs_only_the_key_and_its_reason() -> None:
    row = {
        "subject_code": CODE,
        "decision_number": "晋食许〔2026〕1号",
        "authority": "太原市市场监督管理局",
        "action": "撤回",
        "reason": "决定已撤销",
    }
    checked = _check(row)
    assert isinstance(checked, CheckedRow)
    assert (checked.action, checked.reason) == (Action.WITHDRAW, "决定已撤销")


def test_a_licence_category_outside_the_code_table_and_an_unknown_column_are_refused() -> None:
    checker = RowChecker(CATALOG, CATALOG.record_types["licence"], "market-regulation", TODAY)
    refused = checker.check(RawRow(2, {**GOOD, "title": "许可", "category": "随便"}, unknown=("颜色",)))
    assert isinstance(refused, list)
    assert {(r.field, r.code) for r in refused} >= {("category", Reason.NOT_ALLOWED), ("颜色", Reason.UNKNOWN_FIELD)}


def test_a_resident_id_is_a_valid_subject_and_a_refused_row_keeps_its_item_for_the_missing_count() -> None:
    checker = RowChecker(CATALOG, CATALOG.record_types["penalty"], "market-regulation", TODAY)
    assert isinstance(checker.check(RawRow(2, {**GOOD, "subject_code": PERSON})), CheckedRow)
    identity = checker.identify(RawRow(3, {**GOOD, "legal_basis": ""}))
    assert identity == (item_key("penalty", ["太原市市场监督管理局", "晋食许〔2026〕1号"]), date(2026, 11, 20))


def test_a_department_submits_only_record_types_it_is_authoritative_for() -> None:
    assert submittable(CATALOG, "penalty", "tax").name == "penalty"
    with pytest.raises(HubError) as closed:
        submittable(CATALOG, "court_dishonesty", "court")
    assert closed.value.code is ErrorCode.NOT_FOUND
    with pytest.raises(HubError) as foreign:
        submittable(CATALOG, "licence", "bank")
    assert foreign.value.code is ErrorCode.FORBIDDEN


def test_dates_are_read_in_the_usual_ways() -> None:
    assert parse_date("2026/3/1") == date(2026, 3, 1)
    assert parse_date("2026-13-01") is None
    assert parse_date("三月一日") is None
