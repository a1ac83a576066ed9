"""The size cap on every request body (`max_body_bytes`), applied before any endpoint reads or parses it."""

from __future__ import annotations

from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.errors import ErrorCode

_OAUTH_PATHS = ("/oauth/", "/dev/")


async def read_capped(scope: Scope, receive: Receive, limit: int) -> bytes | None:
    """Answers the whole body, or None as soon as it is known to exceed `limit` bytes (it is never read whole)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length" and value.strip().isdigit() and int(value) > limit:
            return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """Answers a `receive` that hands over `body` once, then passes on to the client's (for its disconnect)."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


def too_large(path: str, limit: int) -> JSONResponse:
    """Answers the 413 for a body over `limit` bytes, in the OAuth error shape on OAuth paths, else GraphQL's."""
    message = f"the request body is larger than {limit} bytes"
    fix = "send a smaller body; the limit is the deployment's setting max_body_bytes"
    if path.startswith(_OAUTH_PATHS):
        return JSONResponse({"error": "invalid_request", "error_description": f"{message} ({fix})"}, 413)
    error = {"message": message, "extensions": {"code": ErrorCode.BAD_USER_INPUT.value, "fix": fix}}
    return JSONResponse({"data": None, "errors": [error]}, 413)


class BodyLimit:
    """ASGI middleware: a request body larger than `limit` bytes is answered 413 without being read whole."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        try:
            body = await read_capped(scope, receive, self.limit)
        except ClientDisconnect:
            return
        if body is None:
            await too_large(scope["path"], self.limit)(scope, receive, send)
            return
        await self.app(scope, replay(body, receive), send)
