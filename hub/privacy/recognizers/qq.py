"""QQ_NUMBER: QQ account numbers, only right after QQ, qq, QQ号 or 扣扣 (a QQ group's number is not one)."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from hub.privacy.recognizers._base import ChinesePatternRecognizer

_WECHAT_WORD = r"(?:微信|WeChat|wechat|VX|vx)(?:号码|号)?"
# `QQ号为：`, and one handle for both (`QQ/微信：`, `微信、QQ号:`): a number is a QQ number, never a WeChat ID.
_LEAD = (
    rf"(?:{_WECHAT_WORD}[/、])?(?:QQ|qq|Qq|扣扣|企鹅号)(?!群)(?:号码|号|账号|帐号)?(?:[/、]{_WECHAT_WORD})?"
    r"(?:[ ]?(?:[:：]|为|是)){0,2}[ ]?"
)
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
