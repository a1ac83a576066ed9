"""QQ_NUMBER recognizer (only after a QQ word), without any NLP engine."""

from __future__ import annotations

import pytest

from hub.privacy.recognizers import QqNumberRecognizer
from tests.privacy.cases import ID_VALID, NEVER_PERSONAL, findings

RECOGNIZER = QqNumberRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("申请人QQ：28374651，邮箱另附。", "28374651"),
        ("其通过qq号1093847566与买家联系。", "1093847566"),
        ("扣扣 736281940 已被封禁。", "736281940"),
        ("QQ号码:12345", "12345"),
        ("QQ 28374651", "28374651"),
        ("ＱＱ：２８３７４６５１", "２８３７４６５１"),
        ("其QQ账号为10938475661。", "10938475661"),
        ("联系方式：QQ是736281940", "736281940"),
        ("其QQ号为：736281940。", "736281940"),
        ("QQ/微信：28374651", "28374651"),
        ("微信、QQ号:28374651", "28374651"),
    ],
)
def test_finds(text: str, expected: str) -> None:
    assert findings(RECOGNIZER, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        *NEVER_PERSONAL,
        ID_VALID,
        "28374651",
        "编号28374651",
        "QQ群123456789",
        "QQ：1234",
        "QQ：012345678",
        "QQ：123456789012",
        "腾讯QQ音乐会员费30元",
    ],
)
def test_ignores(text: str) -> None:
    assert findings(RECOGNIZER, text) == []
