"""The body of POST /graphql, checked before Strawberry parses it.

Strawberry answers a body that is not UTF-8, not a JSON object, or holds a lone surrogate (`"\\ud800"`,
valid JSON with no UTF-8 form) with a server error and nothing registered; here each is a 400
`BAD_USER_INPUT` naming what is wrong. The body arrives already capped (hub.web.body_limit).
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import Message, Receive

from hub.errors import ErrorCode, HubError

# Where hub.web.body_limit leaves the refusal of a body over the cap (read no further), for us to register.
BODY_REFUSAL = "hub.body_refusal"
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,127}$")
_SHAPE_FIX = 'send {"query": "...", "variables": {...}, "operationName": "..."} as UTF-8 JSON'


def _bad(message: str, fix: str = _SHAPE_FIX) -> HubError:
    return HubError(ErrorCode.BAD_USER_INPUT, message, fix=fix)


def _surrogate_at(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        return where if any("\ud800" <= char <= "\udfff" for char in value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _surrogate_at(key, where) or _surrogate_at(item, f"{where}.{key}")
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if found := _surrogate_at(item, f"{where}[{index}]"):
                return found
    return None


def check_body(body: bytes) -> HubError | None:
    """Answers why a POST /graphql body is refused (not UTF-8, not a JSON object, a lone surrogate), or None."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _bad(f"the request body is not UTF-8 (byte {exc.start})")
    try:
        data = json.loads(text)
    except ValueError as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        return _bad(f"the request body is not JSON{where}")
    if not isinstance(data, dict):
        return _bad(f"the request body is a JSON {_kind(data)}; it must be one JSON object")
    found = _surrogate_at(data, "body")
    if found is not None:
        return _bad(
            f"{found} holds a lone surrogate escape (\\ud800-\\udfff), which is no character",
            fix="escape characters outside the BMP as a surrogate pair, or send them as UTF-8",
        )
    name = data.get("operationName")
    if name is not None and (not isinstance(name, str) or not _NAME.match(name)):
        return _bad("operationName must be a GraphQL name (letters, digits, '_', at most 128)")
    return None


def _kind(data: Any) -> str:
    kinds = {str: "string", list: "array", bool: "boolean", type(None): "null", int: "number", float: "number"}
    return kinds.get(type(data), "value")


def replay(body: bytes, receive: Receive) -> Receive:
    """Answers a `receive` that hands `body` (already read here) to Strawberry, then passes on the client's."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again
