"""The court case a request is made for, as the X-Hub-Case header names it (e.g. （2024）晋01执123号)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from hub.errors import ErrorCode, HubError

CASE_HEADER = "x-hub-case"
CASE_EXAMPLE = "（2024）晋01执123号"
MAX_CASE_LENGTH = 64
_OPENING, _CLOSING = "(〔", ")〕"
_ALLOWED = re.compile(r"^[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff（）\-]{4,64}$")
_SPACE = re.compile(r"\s+")


def _decoded(raw: str) -> str:
    try:
        text = raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        text = raw
    return unquote(text)


def canonical_case_number(text: str, *, place: str) -> str:
    """Answers the canonical form of a case number (full-width parentheses, no spaces); BAD_USER_INPUT otherwise.

    `place` names where the number came from (the header or an argument) in the error; the
    refused text itself is never repeated.
    """
    plain = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    plain = plain.translate(str.maketrans(_OPENING + _CLOSING, "（（））"))
    if not _ALLOWED.match(plain) or not any(char.isdigit() for char in plain):
        raise HubError(
            ErrorCode.BAD_USER_INPUT,
            f"{place} is not a case number: use Chinese characters, digits, Latin letters, parentheses and '-' "
            f"only, 4 to {MAX_CASE_LENGTH} characters, with the year or number in digits",
            fix=f"write the case number as the court registered it, e.g. {CASE_EXAMPLE} (percent-encoded in a header)",
        )
    return plain


def case_number(raw: str | None) -> str | None:
    """Answers the case X-Hub-Case names (raw UTF-8 or percent-encoded), canonical; None when absent."""
    if raw is None or not raw.strip():
        return None
    return canonical_case_number(_decoded(raw), place="the X-Hub-Case header")
