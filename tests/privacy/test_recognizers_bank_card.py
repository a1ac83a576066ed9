"""BANK_CARD recognizer, without any NLP engine."""

from __future__ import annotations

import pytest

from hub.privacy.recognizers import BankCardRecognizer
from tests.privacy.cases import ID_VALID, NEVER_PERSONAL, card, findings, scores

RECOGNIZER = BankCardRecognizer()
UNIONPAY_19 = card("622202123456789012")
UNIONPAY_16 = card("622848000000123")
VISA = card("411111111111111")


def grouped(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"银行卡号：{UNIONPAY_19}。", UNIONPAY_19),
        (f"卡号 {grouped(UNIONPAY_19)}，", grouped(UNIONPAY_19)),
        (f"账号{UNIONPAY_16}", UNIONPAY_16),
        (f"{grouped(UNIONPAY_16)}", grouped(UNIONPAY_16)),
        (f"信用卡{VISA}", VISA),
        ("开户行中国银行太原分行，账号6217001234567890122。", "6217001234567890122"),
        ("收款账号6259651234123418（以银行回单为准）", "6259651234123418"),
        ("农商银行账号603367100012345678 5已冻结", "603367100012345678 5"),
        ("银行账户（账号 6033 6710 0012 3456 785）", "6033 6710 0012 3456 785"),
        ("存折账号 1402-0211-0900-0123", "1402-0211-0900-0123"),
        ("卡号：９５５８８０１２３４５６７８９０１２", "９５５８８０１２３４５６７８９０１２"),
        ("对公账户140202110900012345", "140202110900012345"),
        ("银行卡号 6228 4800 1234 5671 ，电话13812345678", "6228 4800 1234 5671"),
        ("借记卡 623668 0012345678901", "623668 0012345678901"),
        ("卡号6217001234567890122 13812345678", "6217001234567890122"),
    ],
)
def test_finds(text: str, expected: str) -> None:
    assert findings(RECOGNIZER, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        *NEVER_PERSONAL,
        ID_VALID,
        "13812345678",
        "1234567890123456",
        f"{UNIONPAY_19}0",
        f"流水号{UNIONPAY_19[:-1]}{(int(UNIONPAY_19[-1]) + 1) % 10}9999",
        "411111111111112",
        "订单号6033671000123456785",
        "编号 6033 6710 0012 3456 785",
        "账号 12345",
        "账号13812345678",
        "（2023）晋01执123号",
        "罚款人民币1234567890元",
        f"证书编号：晋AA{VISA}，经营场所",
        f"许可证号JY{UNIONPAY_16}",
        f"{UNIONPAY_16}A",
    ],
)
def test_ignores(text: str) -> None:
    assert findings(RECOGNIZER, text) == []


def test_a_unionpay_number_failing_luhn_is_kept_with_a_low_score_raised_by_context() -> None:
    number = UNIONPAY_19[:-1] + str((int(UNIONPAY_19[-1]) + 1) % 10)
    [bare] = scores(RECOGNIZER, number)
    [with_context] = scores(RECOGNIZER, f"银行卡号 {number}")
    assert bare < with_context < 1.0
    assert scores(RECOGNIZER, UNIONPAY_19) == [1.0]


def test_a_visa_number_failing_luhn_is_dropped_unless_called_a_card() -> None:
    wrong = VISA[:-1] + str((int(VISA[-1]) + 1) % 10)
    assert findings(RECOGNIZER, "编号" + wrong) == []
    assert findings(RECOGNIZER, "卡号" + wrong) == [wrong]
