"""LICENSE_PLATE recognizer (ordinary and new-energy plates), without any NLP engine."""

from __future__ import annotations

import pytest

from hub.privacy.recognizers import LicencePlateRecognizer
from tests.privacy.cases import NEVER_PERSONAL, findings, scores

RECOGNIZER = LicencePlateRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("驾驶晋A·7K2P9号小型轿车超速。", "晋A·7K2P9"),
        ("车牌号晋K36521的货车违规停放。", "晋K36521"),
        ("涉案车辆为新能源车晋AD65432。", "晋AD65432"),
        ("查封京N 8F3D2小型汽车一辆", "京N 8F3D2"),
        ("车辆号牌粤B.12345D，车主为李某。", "粤B.12345D"),
        ("该车（新J95440）已被扣押。", "新J95440"),
        ("晋A·12345", "晋A·12345"),
        ("晋A12345", "晋A12345"),
        ("京A12345D", "京A12345D"),
        ("沪A·F12345", "沪A·F12345"),
        ("苏E-BTSX6", "苏E-BTSX6"),
        ("晋A1234学", "晋A1234学"),
        ("车牌晋Ａ１２３４５", "晋Ａ１２３４５"),
        ("蒙K•88888", "蒙K•88888"),
    ],
)
def test_finds(text: str, expected: str) -> None:
    assert findings(RECOGNIZER, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        *NEVER_PERSONAL,
        "（2023）晋01执123号",
        "（2024）晋0105民初5678号",
        "晋税罚字[2023]第045号",
        "京ICP备12345678号",
        "粤B2-20090059",
        "苏B·ABCDE",
        "晋A1234567",
        "晋A123",
        "山西晋A公司",
    ],
)
def test_ignores(text: str) -> None:
    assert findings(RECOGNIZER, text) == []


def test_context_raises_the_score() -> None:
    [bare] = scores(RECOGNIZER, "晋A12345")
    [with_context] = scores(RECOGNIZER, "车牌号晋A12345")
    assert with_context > bare
