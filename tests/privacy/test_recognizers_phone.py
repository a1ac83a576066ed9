"""PHONE_NUMBER recognizer (mobiles and landlines), without any NLP engine."""

from __future__ import annotations

import pytest

from hub.privacy.recognizers import PhoneRecognizer
from tests.privacy.cases import ID_VALID, NEVER_PERSONAL, findings, scores

RECOGNIZER = PhoneRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系电话：13812345678。", "13812345678"),
        ("手机138-1234-5678", "138-1234-5678"),
        ("手机 138 1234 5678，", "138 1234 5678"),
        ("电话+86 138 1234 5678", "+86 138 1234 5678"),
        ("电话+86-13812345678", "+86-13812345678"),
        ("电话１３８１２３４５６７８", "１３８１２３４５６７８"),
        ("19912345678", "19912345678"),
        ("座机0351-7654321", "0351-7654321"),
        ("电话（0351）7654321", "（0351）7654321"),
        ("电话(010)12345678，", "(010)12345678"),
        ("分机010-12345678-123。", "010-12345678-123"),
        ("传真 020-87654321", "020-87654321"),
    ],
)
def test_finds(text: str, expected: str) -> None:
    assert findings(RECOGNIZER, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        *NEVER_PERSONAL,
        ID_VALID,
        "12812345678",
        "138123456789",
        "1381234567",
        "6222021234567890123",
        "0351-765",
        "第0351号",
        "邮编030006",
    ],
)
def test_ignores(text: str) -> None:
    assert findings(RECOGNIZER, text) == []


def test_context_raises_the_score() -> None:
    [bare] = scores(RECOGNIZER, "号码 13812345678")
    [with_context] = scores(RECOGNIZER, "联系电话 13812345678")
    assert with_context > bare
