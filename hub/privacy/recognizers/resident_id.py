"""CN_RESIDENT_ID: 18-digit resident identity numbers (GB 11643, MOD 11-2 check) and old 15-digit ones."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern
from stdnum.cn import ric

from hub.privacy.recognizers._base import ChinesePatternRecognizer, inside_organisation_code

_DATE_MMDD = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_OPEN = r"(?<![0-9A-Za-z])"
_CLOSE = r"(?![0-9A-Za-z])"
_ORGANISATION_CONTEXT = ("信用代码", "注册号", "纳税人识别号", "税号", "组织机构代码")


class ResidentIdRecognizer(ChinesePatternRecognizer):
    """Finds resident ID numbers; a well-formed number with a wrong check character still counts, lower."""

    ENTITY = "CN_RESIDENT_ID"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("id18", rf"{_OPEN}[1-8][0-9]{{5}}(?:18|19|20)[0-9]{{2}}{_DATE_MMDD}[0-9]{{3}}[0-9Xx]{_CLOSE}", 0.5),
        Pattern("id15", rf"{_OPEN}[1-8][0-9]{{5}}[0-9]{{2}}{_DATE_MMDD}[0-9]{{3}}{_CLOSE}", 0.3),
    )
    CONTEXT = ("身份证", "身份号码", "证件号", "公民身份", "居民身份", "证号", "身份证号码")
    TRIGGER = re.compile(r"[0-9０-９]{15}")
    CONTEXT_BOOST = 0.35

    def validate_result(self, pattern_text: str) -> bool | None:
        """Answers True for an 18-digit number whose MOD 11-2 check character matches, else None."""
        number = pattern_text.upper()
        if len(number) == 18 and ric.calc_check_digit(number) == number[-1]:
            return True
        return None

    def exclude(self, text: str, start: int, end: int) -> bool:
        """Answers whether the number is an organisation's code rather than a person's."""
        if self.validate_result(text[start:end]) is not True and inside_organisation_code(text, start, end):
            return True
        before = text[max(0, start - self.CONTEXT_WINDOW) : start]
        return any(word in before for word in _ORGANISATION_CONTEXT) and not self.has_context(text, start)
