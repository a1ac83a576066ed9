"""CN_RESIDENT_ID recognizer, without any NLP engine."""

from __future__ import annotations

import pytest

from hub.privacy.recognizers import ResidentIdRecognizer
from tests.privacy.cases import ID_VALID, ID_VALID_X, NEVER_PERSONAL, findings, scores, wrong_check

RECOGNIZER = ResidentIdRecognizer()
FULL_WIDTH = ID_VALID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
G684 = f"{ID_VALID[:6]} {ID_VALID[6:14]} {ID_VALID[14:]}"
G684_HYPHEN = G684.replace(" ", "-")
G684_WRONG = " ".join(wrong_check(ID_VALID).partition(ID_VALID[6:14])).replace("  ", " ")
HYPHEN_X = f"{ID_VALID_X[:6]}-{ID_VALID_X[6:14]}-{ID_VALID_X[14:].lower()}"
G44442 = " ".join(ID_VALID[i : i + 4] for i in range(0, 18, 4))
FULL_WIDTH_GROUPED = G684.translate(str.maketrans("0123456789 ", "０１２３４５６７８９\u3000"))


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
        (f"公民身份号码{G684}，民族汉。", G684),
        (f"身份证号：{G44442}", G44442),
        (f"身份证号码：{G684_HYPHEN}，现住", G684_HYPHEN),
        (f"身份证号码：{HYPHEN_X}", HYPHEN_X),
        (f"号码{G684}。", G684),
        (f"证件号码 {G684_WRONG}", G684_WRONG),
        (f"身份证号{FULL_WIDTH_GROUPED}", FULL_WIDTH_GROUPED),
        ("旧身份证号110101 900307 123，", "110101 900307 123"),
        (f"身份证号：{ID_VALID_X.lower()}，", ID_VALID_X.lower()),
        (f"其证件号码为{wrong_check(ID_VALID_X)}。", wrong_check(ID_VALID_X)),
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
        f"编号{G684_WRONG}",
        f"1234 {G44442}",
        f"{G44442} 5678",
        "流水号 1101 0119 9013 0712 34",
        "电话 0351 7654321 1234 5678",
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
