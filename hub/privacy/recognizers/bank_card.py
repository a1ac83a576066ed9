"""BANK_CARD: 16-19 digit payment card numbers (Luhn check; UnionPay cards start with 62)."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern
from stdnum import luhn

from hub.privacy.recognizers._base import ChinesePatternRecognizer

_CARD_PREFIX = re.compile(r"62|4|5[1-5]|2[2-7]|3[47]|35")


class BankCardRecognizer(ChinesePatternRecognizer):
    """Finds card numbers written plain or in groups of four; a UnionPay number failing Luhn scores low."""

    ENTITY = "BANK_CARD"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("card", r"(?<![0-9])[0-9]{4}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?(?![0-9])", 0.3),
    )
    CONTEXT = ("银行卡", "卡号", "账号", "帐号", "银行账户", "开户行", "借记卡", "信用卡", "收款账户")
    TRIGGER = re.compile(r"[0-9０-９]{4}")
    CONTEXT_BOOST = 0.4

    def validate_result(self, pattern_text: str) -> bool | None:
        """Answers True for a Luhn-valid card number, None for a UnionPay-shaped one, else False."""
        digits = re.sub(r"[ -]", "", pattern_text)
        if not 16 <= len(digits) <= 19 or not _CARD_PREFIX.match(digits):
            return False
        if luhn.is_valid(digits):
            return True
        return None if digits.startswith("62") else False
