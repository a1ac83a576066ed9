"""WECHAT_ID recognizer (only after a WeChat word), without any NLP engine."""

from __future__ import annotations

import pytest

from hub.privacy.recognizers import WeChatIdRecognizer
from tests.privacy.cases import NEVER_PERSONAL, findings

RECOGNIZER = WeChatIdRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("当事人微信号wxid_k3j9x8m2p1，昵称小米粒。", "wxid_k3j9x8m2p1"),
        ("通过微信（zhanghui_1988）收取货款。", "zhanghui_1988"),
        ("买家添加卖家微信：Lily-7731后转账。", "Lily-7731"),
        ("其WeChat账号为 tyhz2020 。", "tyhz2020"),
        ("微信号: name_1990", "name_1990"),
        ("微信 Aili-4256", "Aili-4256"),
        ("微信号码是zhangsan", "zhangsan"),
        ("VX：abc_123456", "abc_123456"),
        ("微信号为：sunny_cat88。", "sunny_cat88"),
        ("微信/QQ：sunny_cat88", "sunny_cat88"),
        ("微信号ｗｘｉｄ＿ｋ３ｊ９ｘ８ｍ２ｐ１", "ｗｘｉｄ＿ｋ３ｊ９ｘ８ｍ２ｐ１"),
    ],
)
def test_finds(text: str, expected: str) -> None:
    assert findings(RECOGNIZER, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        *NEVER_PERSONAL,
        "wxid_k3j9x8m2p1",
        "zhanghui_1988",
        "通过微信支付货款",
        "微信公众号发布",
        "微信：abc",
        "微信：12345678901",
        "QQ/微信：28374651",
        "微信 WeChat",
        "微信号：a12345678901234567890123",
    ],
)
def test_ignores(text: str) -> None:
    assert findings(RECOGNIZER, text) == []
