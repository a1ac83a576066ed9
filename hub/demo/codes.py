"""Valid, collision-free synthetic subject codes and phone numbers.

Uniqueness comes from the subject index, not from luck: an affine permutation of the index picks the
birth date and sequence number of a resident ID, or the organisation code inside a USCC.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from math import gcd
from random import Random

from stdnum.cn import ric, uscc

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

BIRTH_FIRST = date(1955, 1, 1)
BIRTH_DAYS = (date(2004, 12, 31) - BIRTH_FIRST).days + 1
_SEQUENCES = 998  # sequence numbers 001-998; odd for men, even for women
PERSON_SPACE = BIRTH_DAYS * _SEQUENCES
_ORG_DIGITS_SPACE = 10**8
_ORG_NEW_SPACE = 31**6  # codes issued since 2015 read MA + six characters
MAX_SUBJECTS = min(PERSON_SPACE, _ORG_NEW_SPACE)

_PERSON_STEP = 7_368_787
_ORG_STEP = 61_803_399
_NEW_STEP = 524_287
assert gcd(_PERSON_STEP, PERSON_SPACE) == 1
assert gcd(_ORG_STEP, _ORG_DIGITS_SPACE) == 1
assert gcd(_NEW_STEP, _ORG_NEW_SPACE) == 1


@cache
def _offset(seed: int, space: int) -> int:
    return Random(f"offset:{seed}:{space}").randrange(space)


def person_slot(seed: int, index: int) -> tuple[date, int]:
    """Answers the birth date and sequence number that belong to person `index` alone."""
    slot = (index * _PERSON_STEP + _offset(seed, PERSON_SPACE)) % PERSON_SPACE
    return BIRTH_FIRST + timedelta(days=slot // _SEQUENCES), slot % _SEQUENCES + 1


def resident_id(division: str, born: date, sequence: int) -> str:
    """Answers the 18-character resident ID with its ISO 7064 MOD 11-2 check character."""
    body = f"{division}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def _org_check(body: str) -> str:
    total = sum(_USCC_ALPHABET.index(char) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def organisation_code(seed: int, index: int, *, new_style: bool) -> str:
    """Answers the 9-character organisation code (GB 11714) that belongs to organisation `index` alone."""
    if new_style:
        slot = (index * _NEW_STEP + _offset(seed, _ORG_NEW_SPACE)) % _ORG_NEW_SPACE
        chars = []
        for _ in range(6):
            slot, digit = divmod(slot, 31)
            chars.append(_USCC_ALPHABET[digit])
        body = "MA" + "".join(reversed(chars))
    else:
        body = f"{(index * _ORG_STEP + _offset(seed, _ORG_DIGITS_SPACE)) % _ORG_DIGITS_SPACE:08d}"
    return body + _org_check(body)


def unified_code(category: str, division: str, org_code: str) -> str:
    """Answers the 18-character USCC (GB 32100) with its weighted mod-31 check character."""
    body = f"{category}{division}{org_code}"
    return body + uscc.calc_check_digit(body)


_MOBILE_PREFIXES = tuple(
    str(n) for n in (*range(130, 140), *range(150, 160), 166, 173, *range(175, 178), *range(180, 190), 191, 198, 199)
)


def mobile(rng: Random) -> str:
    """Answers an 11-digit mainland mobile number."""
    return f"{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def landline(rng: Random, area_code: str) -> str:
    """Answers a fixed-line number with its area code, such as 0351-7654321."""
    return f"{area_code}-{rng.randint(2, 8)}{rng.randrange(10**6):06d}"
