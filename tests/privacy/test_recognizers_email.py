"""EMAIL_ADDRESS recognizer, without any NLP engine (and without tldextract)."""

from __future__ import annotations

import pytest

from hub.privacy.recognizers import EmailRecognizer
from tests.privacy.cases import NEVER_PERSONAL, findings

RECOGNIZER = EmailRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("邮箱：zhang.san@example.com。", "zhang.san@example.com"),
        ("电子邮件zhangsan@qq.com", "zhangsan@qq.com"),
        ("联系 li_si+credit@mail.sx.gov.cn，", "li_si+credit@mail.sx.gov.cn"),
        ("邮箱 wang＠example．com", "wang＠example．com"),
        ("<a1@b-c.org>", "a1@b-c.org"),
    ],
)
def test_finds(text: str, expected: str) -> None:
    assert findings(RECOGNIZER, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [*NEVER_PERSONAL, "zhang@localhost", "@example.com", "zhang@", "a..b@example.com", "微博@山西发布", "x@y.z"],
)
def test_ignores(text: str) -> None:
    assert findings(RECOGNIZER, text) == []


def test_is_not_presidios_email_recognizer() -> None:
    from presidio_analyzer.predefined_recognizers import EmailRecognizer as PresidioEmail

    assert not isinstance(RECOGNIZER, PresidioEmail)
