"""BANK_CARD: payment card and bank account numbers, plain or grouped.

Without a word saying it is a card or an account, only a 16-19 digit number of a card scheme's
prefix that passes the Luhn check counts (UnionPay numbers failing Luhn are kept, low). After
卡号, 账号, 银行卡, 开户行 and the like, any 12-21 digit number counts, of any issuer, Luhn or not,
however it is grouped (`6033 6710 0012 3456 785`).
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern
from stdnum import luhn

from hub.privacy.recognizers._base import ChinesePatternRecognizer

_CARD_PREFIX = re.compile(r"62|4|5[1-5]|2[2-7]|3[47]|35")
_SEPARATORS = re.compile(r"[ \-]")
_OPEN = r"(?<![0-9A-Za-z])(?<![0-9][ \-])"
_CLOSE = r"(?![0-9A-Za-z])(?![ \-][0-9])"


def _digits(pattern_text: str) -> str:
    return _SEPARATORS.sub("", pattern_text)


def is_card_number(pattern_text: str) -> bool:
    """Answers whether a number is a 16-19 digit card number of a known scheme that passes the Luhn check."""
    digits = _digits(pattern_text)
    return 16 <= len(digits) <= 19 and bool(_CARD_PREFIX.match(digits)) and luhn.is_valid(digits)


class BankCardRecognizer(ChinesePatternRecognizer):
    """Finds card and account numbers; a number that is neither a checked card nor called one is dropped."""

    ENTITY = "BANK_CARD"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("card", r"(?<![0-9A-Za-z])[0-9]{4}(?:[ -]?[0-9]{4}){2,4}(?:[ -]?[0-9]{1,4})?(?![0-9A-Za-z])", 0.3),
        Pattern("account_grouped", rf"{_OPEN}[0-9]{{3,19}}(?:[ \-][0-9]{{1,18}}){{1,4}}{_CLOSE}", 0.3),
    )
    CONTEXT = (
        "银行卡",
        "卡号",
        "账号",
        "帐号",
        "银行账户",
        "银行帐户",
        "开户行",
        "开户银行",
        "借记卡",
        "信用卡",
        "储蓄卡",
        "收款账户",
        "账户",
        "帐户",
        "存折",
    )
    TRIGGER = re.compile(r"[0-9０-９]{4}")
    CONTEXT_BOOST = 0.4
    CONTEXT_WINDOW = 16

    def validate_result(self, pattern_text: str) -> bool | None:
        """Answers True for a Luhn-valid card number, False for a length no card or account has, else None."""
        if is_card_number(pattern_text):
            return True
        return None if 12 <= len(_digits(pattern_text)) <= 21 else False

    def exclude(self, text: str, start: int, end: int) -> bool:
        """Answers whether a number is neither a checked card, nor a UnionPay-shaped one, nor called a card."""
        if super().exclude(text, start, end):
            return True
        written = text[start:end]
        if is_card_number(written) or self.has_context(text, start):
            return False
        digits = _digits(written)
        return not (digits.startswith("62") and 16 <= len(digits) <= 19)
