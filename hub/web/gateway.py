"""How pages reach the hub: the same HTTP endpoints as every caller, called in-process through the ASGI app.

No page reads a repository or a source directly: sign-in goes through `/dev/login` and `/oauth/token`,
data through `POST /graphql` with the session's bearer token, exports through `/audit/export.csv`.
Every call is therefore authenticated, decided by the caller's policy and registered like any other.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.errors import HubError
from hub.identity.header_text import REQUEST_ID_HEADER, request_id

TIMEOUT_SECONDS = 30.0
_OPERATION = re.compile(r"^\s*(?:query|mutation)\s+(\w+)")


@dataclass(frozen=True, slots=True)
class Answer:
    """A GraphQL response as a page needs it: data, error codes and messages, and the receipt."""

    data: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)
    event_id: str | None = None
    status: int = 200

    @property
    def codes(self) -> list[str]:
        """Answers the error codes of the response, in order."""
        return [str((error.get("extensions") or {}).get("code", "")) for error in self.errors]

    def part(self, name: str) -> Any:
        """Answers one root field's value, or None when it is missing or withheld."""
        return self.data.get(name)


@dataclass(frozen=True, slots=True)
class TokenAnswer:
    """What a sign-in produced: a token and its lifetime, or an error message."""

    token: str | None
    expires_in: int = 0
    error: str | None = None
    code: str | None = None


class Gateway:
    """Calls the hub's own endpoints for one page request, carrying its request id and client address."""

    def __init__(self, request: Request) -> None:
        self.app: ASGIApp = request.app
        try:  # the browser's id, when it is fit for the register
            self.request_id = request_id(request.headers.get(REQUEST_ID_HEADER)) or str(uuid.uuid4())
        except HubError:
            self.request_id = str(uuid.uuid4())
        client = request.client
        self._client = (client.host, client.port) if client else ("127.0.0.1", 0)

    def _http(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=self._client)
        return httpx.AsyncClient(transport=transport, base_url="http://hub.internal", timeout=TIMEOUT_SECONDS)

    async def dev_login(self, code: str) -> TokenAnswer:
        """Answers a self token from the development identity provider (`POST /dev/login`)."""
        async with self._http() as http:
            response = await http.post("/dev/login", json={"code": code}, headers=self._headers())
        return _token_answer(response)

    async def dev_officer_login(self, account: str) -> TokenAnswer:
        """Answers an officer's token from the development identity provider (`POST /dev/login`)."""
        async with self._http() as http:
            response = await http.post("/dev/login", json={"officer": account}, headers=self._headers())
        return _token_answer(response)

    async def dev_officers(self) -> list[dict[str, str]]:
        """Answers the officer accounts the development identity provider lists (`GET /dev/officers`)."""
        async with self._http() as http:
            response = await http.get("/dev/officers", headers=self._headers())
        try:
            listed = response.json().get("officers") if response.status_code == 200 else []
        except (ValueError, AttributeError):
            listed = []
        return [o for o in listed or [] if isinstance(o, dict) and isinstance(o.get("account"), str)]

    async def officer_token(self, id_token: str) -> TokenAnswer:
        """Answers the hub's token for the officer an ID token of the organisation's provider names
        (`POST /oauth/officer`); refused: `error` is the reason (`not_officer`, `no_client`, ...)."""
        async with self._http() as http:
            response = await http.post("/oauth/officer", json={"id_token": id_token}, headers=self._headers())
        answer = _token_answer(response)
        if answer.token is not None:
            return answer
        try:
            reason = response.json().get("error")
        except (ValueError, AttributeError):
            reason = None
        return TokenAnswer(None, error=str(reason) if reason else None, code=answer.code)

    async def client_token(self, client_id: str, client_secret: str) -> TokenAnswer:
        """Answers a client credentials token from the token endpoint (`POST /oauth/token`)."""
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
        async with self._http() as http:
            response = await http.post("/oauth/token", data=form, headers=self._headers())
        return _token_answer(response)

    async def graphql(
        self, token: str, query: str, variables: dict[str, Any] | None = None, *, operator: str | None = None
    ) -> Answer:
        """Answers the hub's response to one GraphQL operation made with `token` (`POST /graphql`)."""
        headers = self._headers(token, operator)
        async with self._http() as http:
            body = {"query": query, "variables": variables or {}, "operationName": operation_name(query)}
            response = await http.post("/graphql", json=body, headers=headers)
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        errors = answer.get("errors") or []
        event_id = ((answer.get("extensions") or {}).get("audit") or {}).get("eventId")
        return Answer(answer.get("data") or {}, errors, event_id, response.status_code)

    async def forward(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        path: str,
        params: dict[str, str],
        token: str,
        operator: str | None = None,
    ) -> None:
        """Streams the hub's answer to `GET path?params` made with `token` straight to the browser."""
        plain = {**self._headers(token, operator), "Accept": "text/csv"}
        headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in plain.items()]
        inner: Scope = {
            **scope,
            "method": "GET",
            "path": path,
            "raw_path": path.encode(),
            "query_string": urlencode(params).encode(),
            "headers": headers,
        }

        async def guarded(message: Message) -> None:
            """Passes the response on, adding nosniff to its headers."""
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"x-content-type-options", b"nosniff")]}
            await send(message)

        await self.app(inner, receive, guarded)  # a GET: the browser's (empty) body and its disconnect pass through

    def _headers(self, token: str | None = None, operator: str | None = None) -> dict[str, str]:
        headers = {"X-Request-Id": self.request_id, "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if operator:
            headers["X-Hub-Operator"] = quote(operator, safe="")
        return headers


def operation_name(document: str) -> str | None:
    """Answers the name of a document's operation (`query PortalRecord ...` → `PortalRecord`), registered with it."""
    found = _OPERATION.search(document)
    return found.group(1) if found else None


def _token_answer(response: httpx.Response) -> TokenAnswer:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 200 and isinstance(body, dict) and isinstance(body.get("access_token"), str):
        return TokenAnswer(body["access_token"], int(body.get("expires_in") or 0))
    body = body if isinstance(body, dict) else {}
    code = body.get("code") or body.get("error")
    description = body.get("error_description")
    return TokenAnswer(None, error=str(description or f"HTTP {response.status_code}"), code=str(code) if code else None)
