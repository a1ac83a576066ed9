"""Subject codes: USCC and resident IDs validated with python-stdnum, errors that say why."""

from __future__ import annotations

import pytest
from stdnum.cn import ric, uscc

from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectKind, parse_subject_code

VALID_USCC = "91110000600037341L"
VALID_RIC = "11010519491231002X"


def test_valid_uscc_is_a_legal_entity() -> None:
    code = parse_subject_code(VALID_USCC)
    assert code.kind is SubjectKind.LEGAL_ENTITY
    assert code.division == "110000"
    assert uscc.is_valid(code.value)


def test_valid_resident_id_is_a_natural_person() -> None:
    code = parse_subject_code(VALID_RIC.lower())
    assert code.kind is SubjectKind.NATURAL_PERSON
    assert code.value == VALID_RIC
    assert code.division == "110105"
    assert ric.is_valid(code.value)


def test_full_width_and_spaces_are_normalised() -> None:
    assert parse_subject_code("  １１０１０５１９４９１２３１００２Ｘ ").value == VALID_RIC


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("abc", "3 characters"),
        ("91110000600037341X", "check character"),
        ("110105194912310021", "check character"),
        ("9111000060003734!L", "not a valid Unified Social Credit Code"),
    ],
)
def test_bad_codes_say_why_without_echoing(raw: str, reason: str) -> None:
    with pytest.raises(HubError) as caught:
        parse_subject_code(raw)
    assert caught.value.code is ErrorCode.INVALID_SUBJECT_CODE
    assert reason in caught.value.render()
    assert raw not in caught.value.render()


def test_all_digit_social_organisation_code_is_not_taken_for_a_person() -> None:
    body = "52140100" + "123456789"
    code = body + uscc.calc_check_digit(body)
    assert not ric.is_valid(code)
    assert parse_subject_code(code).kind is SubjectKind.LEGAL_ENTITY
