"""PASSPORT recognizer (passports and Hong Kong/Macao/Taiwan permits, only where named), without any NLP engine."""

from __future__ import annotations

import pytest

from hub.privacy.recognizers import PassportRecognizer
from tests.privacy.cases import ID_VALID, NEVER_PERSONAL, findings

RECOGNIZER = PassportRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("护照号码E12345678，签发地山西。", "E12345678"),
        ("护照号：EA1234567。", "EA1234567"),
        ("持有G12345678号护照", "G12345678"),
        ("护照G12345678号", "G12345678"),
        ("外交护照D1234567", "D1234567"),
        ("公务护照号码P12345678", "P12345678"),
        ("持港澳通行证C60123456入境。", "C60123456"),
        ("往来港澳通行证号码CA2345678，有效期至2028年。", "CA2345678"),
        ("港澳居民来往内地通行证（回乡证）H1234567801", "H1234567801"),
        ("回乡证号码M12345678", "M12345678"),
        ("台湾居民来往大陆通行证号码05123456。", "05123456"),
        ("台胞证 1234567890B", "1234567890B"),
        ("大陆居民往来台湾通行证L12345678", "L12345678"),
        ("Passport No. K1234567", "K1234567"),
        ("美国护照号码 123456789", "123456789"),
        ("护照号码：Ｅ１２３４５６７８", "Ｅ１２３４５６７８"),
    ],
)
def test_finds(text: str, expected: str) -> None:
    assert findings(RECOGNIZER, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        *NEVER_PERSONAL,
        "E12345678",
        "订单号E12345678",
        "型号G12345678",
        f"身份证号{ID_VALID}",
        "护照有效期至20280315",
        "通行证办理费用人民币12345678元整",
        "12345678",
    ],
)
def test_ignores(text: str) -> None:
    assert findings(RECOGNIZER, text) == []
