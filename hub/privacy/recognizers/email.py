"""EMAIL_ADDRESS: e-mail addresses, by our own pattern (Presidio's EmailRecognizer would fetch a suffix list)."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from hub.privacy.recognizers._base import ChinesePatternRecognizer

_LOCAL = r"[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"


class EmailRecognizer(ChinesePatternRecognizer):
    """Finds `name@domain.tld` addresses (ASCII mailbox and domain, full-width @ and . accepted)."""

    ENTITY = "EMAIL_ADDRESS"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("email", rf"(?<![A-Za-z0-9._%+-]){_LOCAL}@(?:{_LABEL}\.)+[A-Za-z]{{2,24}}(?![A-Za-z0-9-])", 0.6),
    )
    CONTEXT = ("邮箱", "电子邮件", "邮件", "E-mail", "email", "Email", "EMAIL")
    TRIGGER = re.compile(r"[@＠]")

    def validate_result(self, pattern_text: str) -> bool | None:
        """Answers True unless the address has an empty or doubled dot part."""
        return ".." not in pattern_text
