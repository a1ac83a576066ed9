"""Another Credit Hub as a source: one GraphQL request per query, as the original caller, through token exchange."""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from joserfc import jwt

from hub.errors import ErrorCode
from hub.federation.adapter import Row
from hub.federation.caller import Caller, RemoteReceipt, current_caller
from hub.federation.hub_mapping import HubSourceMap
from hub.federation.remote_query import OWN_ROOT, AnswerReader, Part, alias, batch
from hub.identity.federation import (
    ACCESS_TOKEN_TYPE,
    CALLER_TOKEN_TYPE,
    JWT_TOKEN_TYPE,
    SELF_ACCESS_DEPARTMENT,
    SELF_ACCESS_PURPOSE,
    TOKEN_EXCHANGE,
    UPSTREAM_EVENT_HEADER,
    UPSTREAM_REQUEST_HEADER,
)
from hub.identity.keys import SigningKey

log = logging.getLogger(__name__)

ASSERTION_SECONDS = 60
_KEEP_MARGIN_S = 20.0
_DEFAULT_TIMEOUT_MS = 1000  # as Settings.source_timeout_ms; a read abandoned sooner cancels its request anyway

Signer = Callable[[], Awaitable[SigningKey]]


class RemoteHubError(Exception):
    """Another hub did not give a usable answer (down, refused our credentials, or no receipt)."""


@dataclass(frozen=True, slots=True)
class HubCredentials:
    """This hub's client at the other hub, and the issuer it signs caller assertions as."""

    client_id: str
    client_secret: str
    issuer: str


class HubSource:
    """Another hub that answers for some record types; asked as the original caller, within a timeout."""

    def __init__(
        self,
        mapping: HubSourceMap,
        url: str,
        credentials: HubCredentials,
        *,
        timeout_ms: int | None = None,
        signer: Signer | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.mapping = mapping
        self.name = mapping.name
        self.url = url.rstrip("/")
        self.credentials = credentials
        self.timeout_ms = timeout_ms or mapping.timeout_ms
        self.timeout_s = (self.timeout_ms or _DEFAULT_TIMEOUT_MS) / 1000
        self.signer = signer  # this hub's own signing key, set once the key ring is open
        self._clock = clock
        self._client: httpx.AsyncClient | None = None
        self._tokens: dict[tuple[Any, ...], tuple[str, float]] = {}
        # reads of one request waiting for their shared round trip, by (event, purpose, consents)
        self._pending: dict[tuple[Any, ...], list[tuple[Part, asyncio.Future[dict[str, list[Row]]]]]] = {}

    @property
    def client(self) -> httpx.AsyncClient:
        """Answers the HTTP client to the other hub (kept open: connections are reused)."""
        if self._client is None:
            limits = httpx.Limits(max_connections=50, max_keepalive_connections=20)
            self._client = httpx.AsyncClient(base_url=self.url, limits=limits, timeout=self.timeout_s)
        return self._client

    async def aclose(self) -> None:
        """Answers nothing; closes the connections to the other hub."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def provides(self, needs: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str]]:
        """Answers the part of `needs` (record type -> fields) the other hub answers for."""
        found: dict[str, frozenset[str]] = {}
        for record_type, fields in needs.items():
            known = self.mapping.record_types.get(record_type)
            if known is not None and (fields & known or not fields):
                found[record_type] = fields & known
        return found

    async def fetch(
        self, codes: Sequence[str], needs: Mapping[str, frozenset[str]], deadline: float | None = None
    ) -> dict[str, list[Row]]:
        """Answers the other hub's rows for `codes`, per record type; raises when it gives no usable answer.

        The reads of one request that start together (its subject kinds, aliases) share one round trip: each
        joins the batch of its request, which is sent once they have all joined.
        """
        caller = current_caller()
        if caller is None:
            raise RemoteHubError("no caller to ask the other hub for")
        key = (caller.event_id, caller.purpose, caller.consent_ids)
        loop = asyncio.get_running_loop()
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = []
            loop.call_soon(lambda: loop.create_task(self._send(key, caller)))
        # a caller without subject:bulk may not ask `subjects`: its codes go as aliased `subject` fields
        many = caller.bulk or len(codes) <= 1
        parts = [Part(tuple(codes), needs)] if many else [Part((code,), needs) for code in codes]
        waiting: list[asyncio.Future[dict[str, list[Row]]]] = []
        for part in parts:
            done: asyncio.Future[dict[str, list[Row]]] = loop.create_future()
            pending.append((part, done))
            waiting.append(done)
        if len(waiting) == 1:
            return await waiting[0]
        merged: dict[str, list[Row]] = {}
        for rows in await asyncio.gather(*waiting):
            for record_type, found in rows.items():
                merged.setdefault(record_type, []).extend(found)
        return merged

    async def _send(self, key: tuple[Any, ...], caller: Caller) -> None:
        """Answers nothing; asks the other hub for every part of a batch in one request and settles each part.

        The request is bounded by the source's timeout, and cancelled once no part waits for it any more (their
        reads timed out, or the request that asked ended)."""
        batch_parts = self._pending.pop(key, [])
        me, settling = asyncio.current_task(), [False]

        def abandoned(_: object) -> None:
            if not settling[0] and me is not None and all(done.done() for _, done in batch_parts):
                me.cancel()

        for _, done in batch_parts:
            done.add_done_callback(abandoned)
        try:
            async with asyncio.timeout(self.timeout_s):
                answers = await self._ask([part for part, _ in batch_parts], caller)
        except Exception as exc:  # every part fails alike: the source is unavailable for this request
            settling[0] = True
            for _, done in batch_parts:
                if not done.done():
                    done.set_exception(exc)
            return
        settling[0] = True
        for (_, done), rows in zip(batch_parts, answers, strict=True):
            if not done.done():  # a part whose read timed out is cancelled already
                done.set_result(rows)

    async def _ask(self, parts: list[Part], caller: Caller) -> list[dict[str, list[Row]]]:
        own = caller.self_code is not None
        if own and any(part.codes != (caller.self_code,) for part in parts):
            raise self._refused("a subject's own read asks for another subject")
        token = await self._token(caller)
        query, variables = batch(parts, caller.purpose or "", own=own)
        # the operator, purpose and consents travel in the token (signed by us), never as headers of their own
        headers = {
            "Authorization": f"Bearer {token}",
            UPSTREAM_EVENT_HEADER: caller.event_id,
            UPSTREAM_REQUEST_HEADER: str(caller.next_ordinal(self.name)),
        }
        response = await self._post(orjson.dumps({"query": query, "variables": variables}), headers)
        if response.status_code != 200:
            if response.status_code == 401:
                self._tokens.clear()
            raise self._refused(f"the hub answered HTTP {response.status_code}")
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise self._refused("the hub's answer is not JSON") from None
        if not isinstance(body, dict):
            raise self._refused("the hub's answer is not a JSON object")
        found: list[dict[str, list[Row]]] = []
        for index, part in enumerate(parts):
            reader = AnswerReader(self.name, self.mapping.title, part.needs, part.codes)
            answer = reader.read(body, alias(index) if len(parts) > 1 else OWN_ROOT if own else None)
            if answer.receipt is None:  # no disclosure without a receipt, at the other end too
                raise self._refused("the hub gave no receipt")
            refusal = answer.refusal
            if refusal is not None:
                if refusal.code in (ErrorCode.UNAUTHENTICATED, ErrorCode.AUDIT_UNAVAILABLE):
                    raise self._refused(f"the hub refused: {refusal.code.value}")
                answer.rows = {rt: [reader.sentinel(code, refusal) for code in part.codes] for rt in part.needs}
            found.append(answer.rows)
        caller.receipts.append(RemoteReceipt(self.name, str(body["extensions"]["audit"]["eventId"])))
        return found

    async def _post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        """Answers the other hub's response to a GraphQL request, sent again once when a kept connection failed
        under it (the other hub registers a request sent again under the first one's receipt, so never twice)."""
        content = {"content-type": "application/json"}
        try:
            return await self.client.post("/graphql", content=body, headers={**headers, **content})
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            log.info("hub source %s: a kept connection failed; the request is sent once more", self.name)
            return await self.client.post("/graphql", content=body, headers={**headers, **content})

    async def ping(self) -> None:
        """Answers nothing; raises when the other hub does not say it is alive."""
        response = await self.client.get("/healthz")
        if response.status_code != 200:
            raise RemoteHubError(f"the hub answered HTTP {response.status_code}")

    async def _token(self, caller: Caller) -> str:
        """Answers an access token of the other hub naming `caller` (RFC 8693), reused while it lives."""
        key = (caller.client_id, caller.org, caller.department, caller.purpose, caller.operator, caller.consent_ids,
               caller.self_code)  # fmt: skip
        now = time.monotonic()
        known = self._tokens.get(key)
        if known is not None and known[1] - _KEEP_MARGIN_S > now:
            return known[0]
        assertion = await self._assertion(caller)
        basic = base64.b64encode(f"{self.credentials.client_id}:{self.credentials.client_secret}".encode()).decode()
        form = {
            "grant_type": TOKEN_EXCHANGE,
            "subject_token": assertion,
            "subject_token_type": JWT_TOKEN_TYPE,
            "requested_token_type": ACCESS_TOKEN_TYPE,
        }
        response = await self.client.post("/oauth/token", data=form, headers={"Authorization": f"Basic {basic}"})
        if response.status_code != 200:
            error = (
                response.json().get("error", "")
                if response.headers.get("content-type", "").startswith("application/json")
                else ""
            )
            raise self._refused(f"token exchange refused: HTTP {response.status_code} {error}".strip())
        body = response.json()
        token, lifetime = str(body["access_token"]), float(body.get("expires_in", 60))
        if len(self._tokens) > 1024:
            self._tokens.clear()
        self._tokens[key] = (token, now + lifetime)
        return token

    def _refused(self, reason: str) -> RemoteHubError:
        """Answers the error for an unusable answer, logged with its reason (codes and statuses, no personal data)."""
        log.warning("hub source %s: %s", self.name, reason)
        return RemoteHubError(reason)

    async def _assertion(self, caller: Caller) -> str:
        """Answers a short-lived JWT, signed by this hub, naming the original caller to the other hub."""
        if self.signer is None:
            raise RemoteHubError("this hub's signing key is not open yet")
        key = await self.signer()
        now = int(self._clock())
        claims: dict[str, Any] = {
            "iss": self.credentials.issuer,
            "aud": f"{self.url}/oauth/token",
            "sub": caller.client_id or "anonymous",
            "iat": now,
            "exp": now + ASSERTION_SECONDS,
            "jti": secrets.token_urlsafe(18),
            "org": caller.org,
            "dept": caller.department,
            "purpose": caller.purpose,
        }
        if caller.self_code is not None:  # we vouch that our caller signed in as this subject, reading its own
            own = {"sub": caller.self_code, "org": caller.self_code}
            claims.update(own, dept=SELF_ACCESS_DEPARTMENT, purpose=SELF_ACCESS_PURPOSE)
        optional = {"operator": caller.operator, "client_name": caller.client_name}
        claims.update({name: value for name, value in optional.items() if value})
        if caller.consent_ids:
            claims["consent"] = list(caller.consent_ids)
        header = {"alg": key.algorithm, "kid": key.kid, "typ": CALLER_TOKEN_TYPE}
        return jwt.encode(header, claims, key.private, algorithms=[key.algorithm])


async def gather_closing(sources: Sequence[HubSource]) -> None:
    """Answers nothing; closes every hub source's connections."""
    await asyncio.gather(*(source.aclose() for source in sources))
