"""CN_RESIDENT_ID: 18-digit resident identity numbers (GB 11643, MOD 11-2 check) and old 15-digit ones.

Numbers are found plain or grouped by spaces or hyphens (`650102 19950922 2504`,
`6501 0219 9509 2225 04`, `411422-19920315-456X`), with a lower-case `x` and in full-width digits.
A grouped number needs its check character right or an ID word before it (身份证号, 证件号码 …).
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern
from stdnum.cn import ric

from hub.privacy.recognizers._base import ChinesePatternRecognizer, inside_organisation_code

_DATE_MMDD = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_OPEN = r"(?<![0-9A-Za-z])(?<![0-9][ \-])"
_CLOSE = r"(?![0-9A-Za-z])(?![ \-][0-9])"
_SEP = r"[ \-]{1,2}"
_CHECK = r"[0-9Xx]"
_ORGANISATION_CONTEXT = ("信用代码", "注册号", "纳税人识别号", "税号", "组织机构代码")
_SEPARATORS = re.compile(r"[ \-]")
_BIRTH_DATE = re.compile(rf"(?:18|19|20)[0-9]{{2}}{_DATE_MMDD}")


def _digits(pattern_text: str) -> str:
    return _SEPARATORS.sub("", pattern_text).upper()


class ResidentIdRecognizer(ChinesePatternRecognizer):
    """Finds resident ID numbers; a well-formed number with a wrong check character still counts, lower."""

    ENTITY = "CN_RESIDENT_ID"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("id18", rf"{_OPEN}[1-8][0-9]{{5}}(?:18|19|20)[0-9]{{2}}{_DATE_MMDD}[0-9]{{3}}{_CHECK}{_CLOSE}", 0.5),
        Pattern(
            "id18_6_8_4",
            rf"{_OPEN}[1-8][0-9]{{5}}{_SEP}(?:18|19|20)[0-9]{{2}}{_DATE_MMDD}{_SEP}[0-9]{{3}}{_CHECK}{_CLOSE}",
            0.45,
        ),
        Pattern(
            "id18_4_4_4_4_2",
            rf"{_OPEN}[1-8][0-9]{{3}}(?:{_SEP}[0-9]{{4}}){{3}}{_SEP}[0-9]{_CHECK}{_CLOSE}",
            0.4,
        ),
        Pattern("id15", rf"{_OPEN}[1-8][0-9]{{5}}[0-9]{{2}}{_DATE_MMDD}[0-9]{{3}}{_CLOSE}", 0.3),
        Pattern("id15_6_6_3", rf"{_OPEN}[1-8][0-9]{{5}}{_SEP}[0-9]{{2}}{_DATE_MMDD}{_SEP}[0-9]{{3}}{_CLOSE}", 0.3),
    )
    CONTEXT = (
        "身份证",
        "身份号码",
        "证件号",
        "公民身份",
        "居民身份",
        "证号",
        "身份证号码",
        "证件号码",
        "身份证明",
        "ID",
    )
    TRIGGER = re.compile(r"[0-9０-９]{3}")
    CONTEXT_BOOST = 0.35
    CONTEXT_WINDOW = 14

    def validate_result(self, pattern_text: str) -> bool | None:
        """Answers True for an 18-digit number whose MOD 11-2 check character matches, False for an
        impossible birth date, else None."""
        number = _digits(pattern_text)
        if len(number) == 18 and not _BIRTH_DATE.fullmatch(number[6:14]):
            return False
        if len(number) == 18 and ric.calc_check_digit(number) == number[-1]:
            return True
        return None

    def exclude(self, text: str, start: int, end: int) -> bool:
        """Answers whether the number is an organisation's code, or a grouped number that nothing says is an ID."""
        written = text[start:end]
        checked = self.validate_result(written) is True
        called_an_id = self.has_context(text, start)
        if not checked and not called_an_id and inside_organisation_code(text, start, end):
            return True
        if _SEPARATORS.search(written) and not checked and not called_an_id:
            return True
        before = text[max(0, start - self.CONTEXT_WINDOW) : start]
        return any(word in before for word in _ORGANISATION_CONTEXT) and not called_an_id
