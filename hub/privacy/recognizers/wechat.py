"""WECHAT_ID: WeChat account names, only right after 微信, 微信号, WeChat, weixin or VX."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from hub.privacy.recognizers._base import ChinesePatternRecognizer

_LEAD = (
    r"(?:微信|WeChat|wechat|Wechat|WECHAT|weixin|Weixin|VX|vx|V信)"
    r"(?:号码|号|账号|帐号|ID|id)?(?:[/、](?:QQ|qq)(?:号)?)?(?:[ ]?(?:[:：]|为|是)){0,2}[ ]?[(（]?[ ]?"
)
# A WeChat ID: 6-20 letters, digits, `_` and `-`, starting with a letter (`wxid_` for generated ones).
_ID = r"(?:wxid_[a-z0-9]{6,20}|[A-Za-z][A-Za-z0-9_-]{5,19})"
_FOUND_ID = re.compile(_ID + "$")
_NOT_IDS = frozenset({"wechat", "weixin", "account", "number"})


class WeChatIdRecognizer(ChinesePatternRecognizer):
    """Finds `微信号wxid_k3j9x8m2p1`, `微信（zhanghui_1988）`, `微信：Lily-7731`; the span is the ID alone."""

    ENTITY = "WECHAT_ID"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (Pattern("wechat", rf"{_LEAD}{_ID}(?![A-Za-z0-9_-])", 0.7),)
    CONTEXT = ("微信", "WeChat", "wechat", "Wechat", "WECHAT", "weixin", "Weixin", "VX", "vx", "V信")
    TRIGGER = re.compile(r"微信|[Ww][Ee][Cc][Hh][Aa][Tt]|[Ww]eixin|VX|vx|V信")
    CONTEXT_BOOST = 0.2

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Answers the span of the ID without the words before it; None for an English word, not an ID."""
        found = _FOUND_ID.search(text, start, end)
        if found is None or found.group().lower() in _NOT_IDS:
            return None
        return found.start(), end
