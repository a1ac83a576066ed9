"""Subject codes: Unified Social Credit Codes (GB 32100) and resident identity numbers (GB 11643)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from hub.errors import ErrorCode, HubError

_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹｘ", "0123456789ABCDEFGHJKLMNPQRTUWXYX"
)


_PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)


class SubjectKind(StrEnum):
    """Whether a subject is an organisation or a natural person."""

    LEGAL_ENTITY = "LEGAL_ENTITY"
    NATURAL_PERSON = "NATURAL_PERSON"


@dataclass(frozen=True, slots=True)
class SubjectCode:
    """A validated subject code in canonical form."""

    value: str
    kind: SubjectKind

    @property
    def division(self) -> str:
        """Answers the six-digit administrative division code the subject is registered in."""
        return self.value[2:8] if self.kind is SubjectKind.LEGAL_ENTITY else self.value[:6]


def _reason(exc: ValidationError) -> str:
    if isinstance(exc, InvalidLength):
        return "it must have 18 characters"
    if isinstance(exc, InvalidChecksum):
        return "its check character does not match"
    if isinstance(exc, InvalidComponent):
        return "a component (division code or birth date) is not valid"
    if isinstance(exc, InvalidFormat):
        return "it has characters outside the allowed alphabet"
    return "it is not a valid code"


def parse_subject_code(raw: str) -> SubjectCode:
    """Answers the validated code, or raises INVALID_SUBJECT_CODE saying why (without echoing it)."""
    return _parsed(raw.strip().translate(_FULLWIDTH).upper())


@functools.lru_cache(maxsize=65536)
def _parsed(text: str) -> SubjectCode:
    # Checksums are pure: a code seen before (every request names some) is not validated again.
    if len(text) != 18:
        raise HubError(
            ErrorCode.INVALID_SUBJECT_CODE,
            f"subject code has {len(text)} characters; it must have 18",
            fix="pass an 18-character Unified Social Credit Code or resident identity number",
        )
    could_be_personal = text[:17].isdigit() and text[:2] in _PROVINCES
    kinds = (_RIC, _USCC) if could_be_personal else (_USCC,)
    failures: list[str] = []
    for name, validate, kind in kinds:
        try:
            return SubjectCode(validate(text), kind)
        except ValidationError as exc:
            failures.append(f"{name} ({_reason(exc)})" if len(kinds) > 1 else _reason(exc))
    if len(kinds) == 1:
        message, fix = f"not a valid {kinds[0][0]}: {failures[0]}", f"check the {kinds[0][0]} for typing errors"
    else:
        message = f"not a valid {failures[0]}, nor a valid {failures[1]}"
        fix = "check the code for typing errors: a resident identity number or a USCC of 18 digits"
    raise HubError(ErrorCode.INVALID_SUBJECT_CODE, message, fix=fix)


_RIC = ("resident identity number", ric.validate, SubjectKind.NATURAL_PERSON)
_USCC = ("Unified Social Credit Code", uscc.validate, SubjectKind.LEGAL_ENTITY)
