"""PHONE_NUMBER: mainland mobile numbers (1[3-9]x) and landlines with an area code."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from hub.privacy.recognizers._base import ChinesePatternRecognizer

_OPEN = r"(?<![0-9])"
_CLOSE = r"(?![0-9])"
_COUNTRY = r"(?:\+86|0086|86)[ -]?"
_AREA = r"(?:10|2[0-9]|[3-9][0-9]{2})"
_LOCAL = r"[1-9][0-9]{6,7}(?:(?:-|转|#)[0-9]{1,5})?"


class PhoneRecognizer(ChinesePatternRecognizer):
    """Finds mobiles (`138 1234 5678`, `+86-13812345678`) and landlines (`（0351）7654321`, `010-12345678-123`)."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("mobile", rf"{_OPEN}(?:{_COUNTRY})?1[3-9][0-9](?:[ -]?[0-9]{{4}}){{2}}{_CLOSE}", 0.75),
        Pattern("landline_parenthesised", rf"{_OPEN}(?:{_COUNTRY})?[(（]0?{_AREA}[)）][ -]?{_LOCAL}{_CLOSE}", 0.7),
        Pattern("landline", rf"{_OPEN}0{_AREA}[ -]{_LOCAL}{_CLOSE}", 0.7),
        Pattern("landline_international", rf"{_OPEN}(?:\+86|0086)[ -]?{_AREA}[ -]{_LOCAL}{_CLOSE}", 0.7),
    )
    CONTEXT = ("电话", "手机", "联系方式", "座机", "传真", "热线", "tel", "Tel", "TEL", "致电", "拨打")
    TRIGGER = re.compile(r"[0-9０-９]{3}")
    CONTEXT_BOOST = 0.2
