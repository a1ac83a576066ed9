"""Test data for the privacy tests: valid codes built with python-stdnum; texts that are never personal data."""

from __future__ import annotations

from collections.abc import Callable

from stdnum import luhn
from stdnum.cn import ric, uscc

from hub.privacy.recognizers import ChinesePatternRecognizer, KnownNamesRecognizer

Recognizer = ChinesePatternRecognizer | KnownNamesRecognizer


def resident_id(body17: str) -> str:
    """Answers an 18-digit resident ID with the right MOD 11-2 check character."""
    return body17 + ric.calc_check_digit(body17 + "0")


def wrong_check(code: str) -> str:
    """Answers the code with a different, wrong last character."""
    return code[:-1] + ("1" if code[-1] != "1" else "2")


def organisation_code(body17: str) -> str:
    """Answers an 18-character USCC with the right check character."""
    return body17 + uscc.calc_check_digit(body17)


def card(body: str) -> str:
    """Answers a card number with the right Luhn check digit."""
    return body + luhn.calc_check_digit(body)


def all_digit_uscc(prefix: str, accept: Callable[[str], bool]) -> str:
    """Answers a valid all-digit USCC that starts with prefix and that accept() takes."""
    for serial in range(10 ** (17 - len(prefix))):
        code = organisation_code(prefix + f"{serial:0{17 - len(prefix)}d}")
        if code.isdigit() and accept(code):
            return code
    raise AssertionError("no such USCC")


def findings(recognizer: Recognizer, text: str) -> list[str]:
    """Answers the substrings a recognizer reports, analysed without any NLP engine."""
    return [text[r.start : r.end] for r in recognizer.analyze(text, recognizer.supported_entities, None)]


def scores(recognizer: Recognizer, text: str) -> list[float]:
    """Answers the scores a recognizer gives, analysed without any NLP engine."""
    return [r.score for r in recognizer.analyze(text, recognizer.supported_entities, None)]


ID_VALID = resident_id("11010519900307123")
ID_VALID_X = "11010519491231002X"
USCC_LETTERS = organisation_code("91140100MA0L1234X")
USCC_DIGITS_ID_SHAPED = all_digit_uscc("11010119900307", lambda c: ric.calc_check_digit(c) != c[-1])
USCC_DIGITS_CARD_SHAPED = all_digit_uscc("5214010000", luhn.is_valid)

NEVER_PERSONAL = [
    f"统一社会信用代码：{USCC_LETTERS}",
    "统一社会信用代码：91140100MA0L1234X5",
    f"统一社会信用代码：{USCC_DIGITS_ID_SHAPED}",
    f"代码{USCC_DIGITS_ID_SHAPED}。",
    f"单位代码 {USCC_DIGITS_CARD_SHAPED}",
    "并市监罚〔2024〕123号",
    "晋税罚字[2023]第045号",
    "太原市市场监督管理局行政处罚决定书 并市监罚〔2024〕123号",
    "2024年3月5日",
    "2024-03-05",
    "于2024年3月5日作出处罚决定",
    "罚款人民币5000元",
    "罚款50,000.00元",
    "没收违法所得人民币12,345.67元，罚款人民币100000元",
    "《中华人民共和国食品安全法》第一百二十四条",
    "依据《中华人民共和国行政处罚法》第二十八条第一款",
    "当事人：太原市某某食品有限公司",
    "销售过期食品3件，货值金额150元",
]
