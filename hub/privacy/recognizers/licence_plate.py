"""LICENSE_PLATE: mainland vehicle number plates, ordinary (`晋A·12345`) and new-energy (`晋AD12345`, `京A12345D`)."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from hub.privacy.recognizers._base import ChinesePatternRecognizer

PROVINCE_ABBREVIATIONS = "京津沪渝冀晋蒙辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川贵云藏陕甘青宁新"
# Plate letters leave out I and O (read as 1 and 0).
_LETTER = "[A-HJ-NP-Z]"
_CHAR = "[A-HJ-NP-Z0-9]"
_SEP = r"[·•・.\- ]?"
_SERIAL = rf"(?:[DF]{_CHAR}[0-9]{{4}}|[0-9]{{5}}[DF]|{_CHAR}{{4}}[0-9学警挂领试超])"
_DIGITS = re.compile(r"[0-9]")


class LicencePlateRecognizer(ChinesePatternRecognizer):
    """Finds plates written with `·`, `.`, `-`, a space or nothing after the issuing office's letter."""

    ENTITY = "LICENSE_PLATE"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("plate", rf"(?<![A-Za-z0-9])[{PROVINCE_ABBREVIATIONS}]{_LETTER}{_SEP}{_SERIAL}(?![A-Za-z0-9])", 0.6),
    )
    CONTEXT = ("车牌", "号牌", "车辆", "牌照", "驾驶", "机动车", "轿车", "货车", "汽车", "车号")
    TRIGGER = re.compile(rf"[{PROVINCE_ABBREVIATIONS}][A-HJ-NP-Za-hj-np-zＡ-Ｚ]")
    CONTEXT_BOOST = 0.3

    def invalidate_result(self, pattern_text: str) -> bool | None:
        """Answers True for a serial without a digit (`苏B·ABCDE`), which no plate has."""
        return not _DIGITS.search(pattern_text)
