"""What may be repaired by law, which corrections fit, and how deadlines are counted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from hub.errors import ErrorCode, HubError
from hub.rights.deadlines import OBJECTION_WORKING_DAYS, add_working_days
from hub.rights.rules import check_repairable, coerce_correction

TAX_BLACK = {"list": "BLACK", "reason": "虚开增值税专用发票，被认定为重大税收违法失信主体，严重破坏市场公平竞争秩序"}
FOOD_BLACK = {"list": "BLACK", "reason": "生产经营不符合食品安全标准的食品，严重危害人民群众身体健康和生命安全"}


@pytest.mark.parametrize(
    ("record_type", "row"),
    [
        ("listing", TAX_BLACK),
        ("listing", {"list": "KEY_ATTENTION", "reason": "拖欠劳动者工资"}),
        ("penalty", {"decided_on": date(2025, 1, 1)}),
        ("court_dishonesty", {"performance": "全部履行"}),
    ],
)
def test_repairable_items(record_type: str, row: dict[str, Any]) -> None:
    check_repairable(record_type, row)


@pytest.mark.parametrize(
    ("record_type", "row", "words"),
    [
        ("court_dishonesty", {"performance": "全部未履行"}, "unperformed"),
        ("court_dishonesty", {"performance": "部分履行"}, "unperformed"),
        ("listing", FOOD_BLACK, "life and health"),
        ("listing", {"list": "RED"}, "not a record of dishonesty"),
        ("licence", {}, "nothing to repair"),
        ("tax_credit", {"grade": "D"}, "nothing to repair"),
    ],
)
def test_items_the_law_does_not_let_be_repaired(record_type: str, row: dict[str, Any], words: str) -> None:
    with pytest.raises(HubError) as caught:
        check_repairable(record_type, row)
    assert caught.value.code is ErrorCode.BAD_USER_INPUT
    assert words in caught.value.message
    assert caught.value.fix


@pytest.mark.parametrize(
    ("path", "current", "value", "expected"),
    [
        ("penalty.amount", Decimal("5000.00"), "1000.00", Decimal("1000.00")),
        ("listing.expires_on", date(2029, 1, 1), "2027-06-30", date(2027, 6, 30)),
        ("tax_credit.year", 2024, "2023", 2023),
        ("listing.list", "BLACK", "KEY_ATTENTION", "KEY_ATTENTION"),
        ("penalty.authority", "大同市市场监督管理局", "大同市平城区市场监督管理局", "大同市平城区市场监督管理局"),
    ],
)
def test_corrections_keep_the_type_of_the_value_they_replace(
    path: str, current: Any, value: str, expected: Any
) -> None:
    assert coerce_correction(path, current, value) == expected


@pytest.mark.parametrize(
    ("path", "current", "value"),
    [("penalty.amount", Decimal(1), "one thousand"), ("listing.expires_on", date(2029, 1, 1), "2029/01/01"),
     ("listing.list", "BLACK", "GREY")],
)  # fmt: skip
def test_corrections_that_do_not_fit_are_refused(path: str, current: Any, value: str) -> None:
    with pytest.raises(HubError) as caught:
        coerce_correction(path, current, value)
    assert caught.value.code is ErrorCode.BAD_USER_INPUT


def test_working_days_skip_weekends() -> None:
    friday = date(2026, 3, 6)
    assert add_working_days(friday, 1) == date(2026, 3, 9)
    assert add_working_days(friday, 5) == date(2026, 3, 13)
    assert add_working_days(friday, OBJECTION_WORKING_DAYS) == date(2026, 3, 27)
    assert add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9), "a Saturday filing counts from Monday"
