"""CN_RESIDENT_ID recognizer, without any NLP engine."""

from __future__ import annotations

import pytest

from hub.privacy.recognizers import ResidentIdRecognizer
from tests.privacy.cases import ID_VALID, ID_VALID_X, NEVER_PERSONAL, findings, scores, wrong_check

RECOGNIZER = ResidentIdRecognizer()
FULL_WIDTH = ID_VALID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"身份证号码：{ID_VALID}，", ID_VALID),
        (f"公民身份号码{ID_VALID_X}", ID_VALID_X),
        (f"身份证号{ID_VALID_X.lower()}。", ID_VALID_X.lower()),
        (f"身份证号：{FULL_WIDTH}", FULL_WIDTH),
        (f"身份证号：{wrong_check(ID_VALID)}", wrong_check(ID_VALID)),
        ("旧身份证110101900307123，", "110101900307123"),
        (f"{ID_VALID}", ID_VALID),
    ],
)
def test_finds(text: str, expected: str) -> None:
    assert findings(RECOGNIZER, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        *NEVER_PERSONAL,
        f"编号{ID_VALID}0",
        f"A{ID_VALID}",
        "110101199013071234",
        "110101199003321234",
        "910101199003071234",
        "1101011990030712",
        "订单号123456789012345678",
    ],
)
def test_ignores(text: str) -> None:
    assert findings(RECOGNIZER, text) == []


def test_a_wrong_check_character_scores_lower_than_a_right_one() -> None:
    [right] = scores(RECOGNIZER, ID_VALID)
    [wrong] = scores(RECOGNIZER, wrong_check(ID_VALID))
    assert right == 1.0
    assert 0 < wrong < right


def test_context_raises_the_score_of_an_unchecked_number() -> None:
    [bare] = scores(RECOGNIZER, f"编号 {wrong_check(ID_VALID)}")
    [with_context] = scores(RECOGNIZER, f"身份证号 {wrong_check(ID_VALID)}")
    assert with_context > bare


def test_validate_result_is_the_mod_11_2_check() -> None:
    assert RECOGNIZER.validate_result(ID_VALID) is True
    assert RECOGNIZER.validate_result(ID_VALID_X.lower()) is True
    assert RECOGNIZER.validate_result(wrong_check(ID_VALID)) is None
