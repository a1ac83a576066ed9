"""ADDRESS recognizer (street-level addresses), without any NLP engine."""

from __future__ import annotations

import pytest

from hub.privacy.recognizers import AddressRecognizer
from tests.privacy.cases import NEVER_PERSONAL, findings, scores

RECOGNIZER = AddressRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("山西省太原市小店区长治路111号", "山西省太原市小店区长治路111号"),
        ("太原市迎泽区柳巷南路23号院5单元302室", "太原市迎泽区柳巷南路23号院5单元302室"),
        ("住所地：山西省太原市小店区长治路111号。", "山西省太原市小店区长治路111号"),
        ("当事人张三住山西省太原市小店区长治路111号，", "山西省太原市小店区长治路111号"),
        ("当事人住所为长治路111号，", "长治路111号"),
        ("家住太原市小店区坞城南路12号3号楼2单元301，", "太原市小店区坞城南路12号3号楼2单元301"),
        ("位于北京市朝阳区建国路88号SOHO现代城A座1201室。", "北京市朝阳区建国路88号SOHO现代城A座1201室"),
        ("上海市黄浦区南京东路123弄4号", "上海市黄浦区南京东路123弄4号"),
        ("户籍地山西省晋中市介休市义安镇张村", "山西省晋中市介休市义安镇张村"),
        ("太原市小店区和平小区3号楼2单元302室", "太原市小店区和平小区3号楼2单元302室"),
        ("经营场所：平遥县古陶镇南大街45号", "平遥县古陶镇南大街45号"),
        ("新疆维吾尔自治区乌鲁木齐市天山区解放北路1号", "新疆维吾尔自治区乌鲁木齐市天山区解放北路1号"),
        ("住址：太原市小店区长治路１１１号", "太原市小店区长治路１１１号"),
    ],
)
def test_finds(text: str, expected: str) -> None:
    assert findings(RECOGNIZER, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        *NEVER_PERSONAL,
        "太原市市场监督管理局",
        "山西省太原市小店区",
        "于2024年3月5日在太原市小店区检查",
        "当事人于2024年3月5日在其经营场所销售过期食品3件",
        "依据第12号令",
        "G5京昆高速公路123公里处",
        "长治路",
    ],
)
def test_ignores(text: str) -> None:
    assert findings(RECOGNIZER, text) == []


def test_an_address_with_administrative_units_scores_higher_than_a_bare_street() -> None:
    [full] = scores(RECOGNIZER, "太原市小店区长治路111号")
    [bare] = scores(RECOGNIZER, "长治路111号")
    assert full > bare
