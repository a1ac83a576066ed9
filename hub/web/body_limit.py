"""The size cap on every request body (`max_body_bytes`), applied before any endpoint reads or parses it."""

from __future__ import annotations

from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.errors import ErrorCode, HubError

_OAUTH_PATHS = ("/oauth/", "/dev/")
# Endpoints that register the refusal themselves once they know the caller: they receive an empty body and
# the refusal under this scope key (hub.graphql.body.BODY_REFUSAL, the same key: the layers do not import each other).
BODY_REFUSAL = "hub.body_refusal"
_REGISTERING_PATHS = frozenset({"/graphql"})
_STREAMED_PATHS = ("/records/",)  # submissions stream their files and cap them themselves (max_submission_bytes)


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


def too_large_error(limit: int) -> HubError:
    """Answers the error of a body over `limit` bytes (BAD_USER_INPUT, HTTP 413)."""
    return HubError(
        ErrorCode.BAD_USER_INPUT,
        f"the request body is larger than {limit} bytes",
        fix="send a smaller body; the limit is the deployment's setting max_body_bytes",
    )


def too_large(path: str, limit: int) -> JSONResponse:
    """Answers the 413 for a body over `limit` bytes, in the OAuth error shape on OAuth paths, else GraphQL's."""
    error = too_large_error(limit)
    if path.startswith(_OAUTH_PATHS):
        return JSONResponse({"error": "invalid_request", "error_description": f"{error.message} ({error.fix})"}, 413)
    shaped = {"message": error.message, "extensions": {"code": error.code.value, "fix": error.fix}}
    return JSONResponse({"data": None, "errors": [shaped]}, 413)


class BodyLimit:
    """ASGI middleware: a request body larger than `limit` bytes is answered 413 without being read whole."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in ("GET", "HEAD", "OPTIONS")
            or scope["path"].startswith(_STREAMED_PATHS)
        ):
            await self.app(scope, receive, send)
            return
        try:
            body = await read_capped(scope, receive, self.limit)
        except ClientDisconnect:
            return
        if body is None and scope["path"] in _REGISTERING_PATHS:
            await self.app({**scope, BODY_REFUSAL: too_large_error(self.limit)}, replay(b"", receive), send)
            return
        if body is None:
            await too_large(scope["path"], self.limit)(scope, receive, send)
            return
        await self.app(scope, replay(body, receive), send)
