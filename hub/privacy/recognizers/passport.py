"""PASSPORT: passports and Hong Kong, Macao and Taiwan travel permits, where the text names the document.

Chinese passports (`E12345678`, `EA1234567`, `G`, `P`, `S`, `D` + 7-8 digits), exit-entry permits
for Hong Kong and Macao (`C60123456`, `CA2345678`), home-return permits (`H`/`M` + 8 or 10 digits),
permits for Taiwan (`L`/`T` + 8 digits, Taiwan residents' 8-digit ones) and foreign passports
(1-2 letters and 6-9 digits). A bare code is not reported: only after 护照, 通行证, 回乡证, 台胞证 ….
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from hub.privacy.recognizers._base import ChinesePatternRecognizer

_OPEN = r"(?<![A-Za-z0-9])"
_CLOSE = r"(?![A-Za-z0-9])"
_AFTER_WINDOW = 16
_UNIT_AFTER = re.compile(r"[元万亿年月日号个件次]")
_DATE = re.compile(r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])")


class PassportRecognizer(ChinesePatternRecognizer):
    """Finds passport and travel-permit numbers after a word naming the document."""

    ENTITY = "PASSPORT"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("lettered", rf"{_OPEN}[A-Z]{{1,2}}[0-9]{{6,10}}{_CLOSE}", 0.4),
        Pattern("permit_digits", rf"{_OPEN}[0-9]{{8,10}}[A-Z]?{_CLOSE}", 0.3),
    )
    CONTEXT = (
        "护照",
        "通行证",
        "回乡证",
        "台胞证",
        "旅行证",
        "出入境证件",
        "passport",
        "Passport",
        "PASSPORT",
    )
    TRIGGER = re.compile("护照|通行证|回乡证|台胞证|旅行证|出入境证件|[Pp]assport|PASSPORT")
    CONTEXT_BOOST = 0.5
    CONTEXT_REQUIRED = True
    CONTEXT_WINDOW = 16

    def invalidate_result(self, pattern_text: str) -> bool | None:
        """Answers True for eight digits that read as a date (`20280315`, a validity, not a number)."""
        return _DATE.fullmatch(pattern_text) is not None

    def exclude(self, text: str, start: int, end: int) -> bool:
        """Answers whether a bare number is a quantity (`12345678元`), or the match an organisation's code."""
        quantity = text[start:end].isdigit() and _UNIT_AFTER.match(text, end) is not None
        return quantity or super().exclude(text, start, end)

    def has_context(self, text: str, start: int) -> bool:
        """Answers whether a document word stands just before the number or right after it (`G12345678号护照`)."""
        after = text[start : start + _AFTER_WINDOW]
        return super().has_context(text, start) or any(word in after for word in self.CONTEXT)
