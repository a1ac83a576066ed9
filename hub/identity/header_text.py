"""Text a caller sends in a header that reaches the register: decoded, and refused unless plainly visible.

A register entry must be readable by the privacy officer and storable by every backend: a NUL stops
PostgreSQL, a zero-width or bidi character hides or disguises a name, an unassigned or private-use
code point renders as nothing. Such text is refused (BAD_USER_INPUT), never trimmed or stored.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

from hub.errors import ErrorCode, HubError

MAX_RAW_HEADER = 1024
# Letters that render as blank (Hangul fillers, the braille blank, the Mongolian vowel separator).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
_KINDS = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Cn": "an unassigned code point",
    "Co": "a private-use character",
    "Cs": "a lone surrogate",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


def unfit_character(text: str) -> str | None:
    """Answers what makes `text` unfit for the register (e.g. 'a control character U+0000'), or None."""
    for char in text:
        category = unicodedata.category(char)
        kind = _KINDS.get(category)
        if kind is None and category == "Zs" and char != " ":
            kind = "a space other than U+0020"
        if kind is None and char in _BLANK_LETTERS:
            kind = "an invisible character"
        if kind is not None:
            return f"{kind} (U+{ord(char):04X})"
    return None


def decoded_header(raw: str) -> str | None:
    """Answers a header's text as sent raw in UTF-8 or percent-encoded; None when it is not valid UTF-8."""
    try:
        text = raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        text = raw  # a client that sent Latin-1 itself
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        return None


def header_text(raw: str | None, *, header: str, max_chars: int, example: str) -> str | None:
    """Answers the trimmed text of a register header, None when absent or blank; BAD_USER_INPUT if unfit.

    The error names the header, what is wrong and the fix, never the refused text itself.
    """
    if raw is None or not raw.strip():
        return None
    fix = f"send printable text of at most {max_chars} characters, percent-encoded UTF-8 if not ASCII (e.g. {example})"
    if len(raw) > MAX_RAW_HEADER:
        raise HubError(ErrorCode.BAD_USER_INPUT, f"the {header} header holds more than {MAX_RAW_HEADER} bytes", fix=fix)
    decoded = decoded_header(raw)
    if decoded is None:
        raise HubError(
            ErrorCode.BAD_USER_INPUT, f"the {header} header holds percent-encoding that is not UTF-8", fix=fix
        )
    text = decoded.strip(" ")
    problem = unfit_character(text)
    if problem is None and len(text) > max_chars:
        problem = f"{len(text)} characters, more than {max_chars}"
    if problem is None and not any(unicodedata.category(char)[0] in "LN" for char in text):
        problem = "no letter or digit"
    if problem is not None:
        raise HubError(ErrorCode.BAD_USER_INPUT, f"the {header} header holds {problem}", fix=fix)
    return text


REQUEST_ID_HEADER = "x-request-id"
MAX_REQUEST_ID = 128


def request_id(raw: str | None) -> str | None:
    """Answers the caller's X-Request-Id (visible ASCII, at most 128 characters), None when absent.

    Raises HubError(BAD_USER_INPUT) naming the header otherwise.
    """
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if len(text) > MAX_REQUEST_ID or not all("!" <= char <= "~" for char in text):
        raise HubError(
            ErrorCode.BAD_USER_INPUT,
            f"the X-Request-Id header must be 1 to {MAX_REQUEST_ID} visible ASCII characters",
            fix="send a UUID or another id of letters, digits and punctuation, or leave the header out",
        )
    return text
