"""PHONE_NUMBER: mainland mobiles and landlines, written any way clerks write them, checked by `phonenumbers`.

The patterns find anything shaped like a number with an optional country code (`+86`, `0086`), an
area code (`0351`, `（0351）`, `+86 351`), separators or none, and an extension (`-801`, `转801`);
`phonenumbers` then drops what a company answers (toll-free 800, shared-cost 400) and any number
of an impossible length, and service numbers (955xx, 12345, 12368) never match.
"""

from __future__ import annotations

import re
from typing import ClassVar

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType
from presidio_analyzer import Pattern

from hub.privacy.recognizers._base import ChinesePatternRecognizer

_OPEN = r"(?<![0-9])"
_CLOSE = r"(?![0-9])"
_SEP = r"[ \-—–]?"
_COUNTRY = r"(?:[(（]?(?:\+|00)86[)）]?|86(?=[ \-]))"
_AREA = r"(?:10|2[0-9]|[3-9][0-9]{2})"
_EXTENSION = r"(?:[ ]?(?:-|—|转|分机|#|ext\.?|EXT\.?)[ ]?[0-9]{1,5})"
_LOCAL = r"[1-9][0-9]{2,3}" + _SEP + r"[0-9]{4}"
_MOBILE = r"1[3-9][0-9]" + _SEP + r"[0-9]{4}" + _SEP + r"[0-9]{4}"
# Numbers a company or a service answers; a number `phonenumbers` cannot place (a new range, a
# made-up one) still counts when its length is possible: missing a phone costs more than masking one.
_COMPANY_TYPES = frozenset(
    {
        PhoneNumberType.TOLL_FREE,
        PhoneNumberType.SHARED_COST,
        PhoneNumberType.PREMIUM_RATE,
        PhoneNumberType.UAN,
        PhoneNumberType.VOICEMAIL,
        PhoneNumberType.PAGER,
    }
)
_EXTENSION_TAIL = re.compile(_EXTENSION + "$")
# A landline without its area code (`电话：7654321`): local numbers begin with 2-8 (9 is 95xxx/96xxx).
_LOCAL_ONLY = re.compile(r"[2-8][0-9]{2,3}[ \-—–]?[0-9]{4}")
_LOCAL_CONTEXT = ("电话", "座机", "固话", "联系方式", "传真", "tel", "Tel", "TEL")
# A number after these is an office's or a company's, not a person's (举报电话, 服务热线).
_SERVICE_WORDS = re.compile(r"举报|投诉|服务|咨询|监督|客服|办公|值班|热线|查询|受理")
_UNIT_AFTER = re.compile(r"[元万亿年月日号件次条个]")


def is_personal_number(written: str) -> bool:
    """Answers whether a written number (extension allowed) is a Chinese number of a possible length
    that no company answers (not toll-free, shared-cost, premium or a universal access number)."""
    return any(_is_personal(number) for number in (written, _EXTENSION_TAIL.sub("", written)))


def _is_personal(number: str) -> bool:
    digits = re.sub(r"[^0-9+]", "", number)
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except NumberParseException:
        return False
    if parsed.country_code != 86 or not phonenumbers.is_possible_number(parsed):
        return False
    return phonenumbers.number_type(parsed) not in _COMPANY_TYPES


class PhoneRecognizer(ChinesePatternRecognizer):
    """Finds mobiles (`138 1234 5678`, `0086 13812345678`) and landlines (`03517654321`, `（0351）7654321转801`)."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("mobile", rf"{_OPEN}(?:{_COUNTRY}{_SEP})?{_MOBILE}{_CLOSE}", 0.75),
        Pattern(
            "landline_parenthesised",
            rf"{_OPEN}(?:{_COUNTRY}{_SEP})?[(（]0?{_AREA}[)）]{_SEP}{_LOCAL}{_EXTENSION}?{_CLOSE}",
            0.7,
        ),
        Pattern("landline", rf"{_OPEN}0{_AREA}{_SEP}{_LOCAL}{_EXTENSION}?{_CLOSE}", 0.7),
        Pattern("landline_international", rf"{_OPEN}{_COUNTRY}{_SEP}0?{_AREA}{_SEP}{_LOCAL}{_EXTENSION}?{_CLOSE}", 0.7),
        Pattern(
            "landline_local",
            rf"{_OPEN}(?<![0-9][ \-—–])(?<![)）+])[2-8][0-9]{{2,3}}{_SEP}[0-9]{{4}}{_EXTENSION}?{_CLOSE}",
            0.4,
        ),
    )
    CONTEXT = ("电话", "手机", "联系方式", "座机", "传真", "热线", "tel", "Tel", "TEL", "致电", "拨打")
    TRIGGER = re.compile(r"[0-9０-９]{3}")
    CONTEXT_BOOST = 0.2

    def validate_result(self, pattern_text: str) -> bool | None:
        """Answers None (keep the pattern's score) for a personal number, else False."""
        return None if is_personal_number(pattern_text) else False

    def exclude(self, text: str, start: int, end: int) -> bool:
        """Answers whether a match is an organisation's code, or a number without an area code that no
        phone word before it calls a person's (`联系电话：7654321`; not `举报电话7654321`, `7654321元`)."""
        if super().exclude(text, start, end):
            return True
        if not _LOCAL_ONLY.fullmatch(_EXTENSION_TAIL.sub("", text[start:end])):
            return False
        before = text[max(0, start - self.CONTEXT_WINDOW) : start]
        if not any(word in before for word in _LOCAL_CONTEXT) or _SERVICE_WORDS.search(before):
            return True
        return _UNIT_AFTER.match(text, end) is not None
