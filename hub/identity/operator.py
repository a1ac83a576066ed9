"""The natural person operating a client, as the X-Hub-Operator header names them."""

from __future__ import annotations

from hub.identity.header_text import header_text

OPERATOR_HEADER = "x-hub-operator"
MAX_OPERATOR_LENGTH = 120


def operator_name(raw: str | None) -> str | None:
    """Answers the operator named by X-Hub-Operator (raw UTF-8 or percent-encoded, trimmed); None when absent.

    Raises HubError(BAD_USER_INPUT) naming the header for invisible, control or formatting characters,
    text without a letter or digit, or more than 120 characters.
    """
    example = "clerk-0042 or %E7%8E%8B%E5%AE%A1%E6%89%B9"
    return header_text(raw, header="X-Hub-Operator", max_chars=MAX_OPERATOR_LENGTH, example=example)
