"""QQ_NUMBER: QQ account numbers, only right after QQ, qq, QQ号 or 扣扣 (a QQ group's number is not one)."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from hub.privacy.recognizers._base import ChinesePatternRecognizer

_LEAD = r"(?:QQ|qq|Qq|扣扣|企鹅号)(?!群)(?:号码|号|账号|帐号)?[ ]?(?:[:：]|为|是)?[ ]?"
_NUMBER = re.compile(r"[1-9][0-9]{4,10}$")


class QqNumberRecognizer(ChinesePatternRecognizer):
    """Finds `QQ：28374651`, `qq号1093847566`, `扣扣 736281940`; the span is the number alone."""

    ENTITY = "QQ_NUMBER"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (Pattern("qq", rf"{_LEAD}[1-9][0-9]{{4,10}}(?![0-9])", 0.7),)
    CONTEXT = ("QQ", "qq", "Qq", "扣扣", "企鹅号")
    TRIGGER = re.compile(r"(?:QQ|qq|Qq|ＱＱ|ｑｑ|扣扣|企鹅号)")
    CONTEXT_BOOST = 0.2

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Answers the span of the number, without the QQ word before it."""
        number = _NUMBER.search(text, start, end)
        return (number.start(), end) if number else None
