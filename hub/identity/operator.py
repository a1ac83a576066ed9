"""The natural person operating a client, as the X-Hub-Operator header names them."""

from __future__ import annotations

from urllib.parse import unquote

OPERATOR_HEADER = "x-hub-operator"


def operator_name(raw: str | None) -> str | None:
    """Answers the operator named by X-Hub-Operator: raw UTF-8 or percent-encoded, trimmed to 120 characters."""
    if raw is None or not raw.strip():
        return None
    try:
        text = raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        text = raw
    return unquote(text).strip()[:120] or None
