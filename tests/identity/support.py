"""Shared test helpers for identity: migrated databases, the identity stack, a uvicorn thread, forged tokens."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
import uvicorn
from joserfc import jwt
from joserfc.jwk import ECKey
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.config import Settings
from hub.errors import HubError
from hub.identity.credentials import new_client
from hub.identity.keys import KeyRing
from hub.identity.keywrap import KeyWrap
from hub.identity.service import AuthEvent, OAuthService
from hub.identity.tokens import TokenIssuer, TokenVerifier
from hub.store.clients import ClientRepository
from hub.store.engine import make_engine
from hub.store.keys import RevocationRepository, SigningKeyRepository
from hub.store.migrate import upgrade
from hub.web.oauth import oauth_routes

PG_URL = os.environ.get("HUB_TEST_PG_URL")
BACKENDS: list[Any] = ["sqlite", *([pytest.param("postgresql", marks=pytest.mark.postgres)] if PG_URL else [])]
ORG = "91350100M000100Y43"
OTHER_ORG = "91110000802100433B"
PERSON = "11010519491231002X"


def _pg(database: str, *, driver: bool) -> str:
    assert PG_URL is not None
    parts = urlsplit(PG_URL)
    scheme = parts.scheme if driver else "postgresql"
    return urlunsplit((scheme, parts.netloc, f"/{database}", "", ""))


async def _create_pg() -> tuple[str, str]:
    name = f"idhelper_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_pg("postgres", driver=False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return name, _pg(name, driver=True)


async def _drop_pg(name: str) -> None:
    admin = await asyncpg.connect(_pg("postgres", driver=False))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@asynccontextmanager
async def migrated_database(backend: str, tmp_path: Path, *, migrate: bool = True) -> AsyncIterator[str]:
    """Yields the URL of a freshly migrated hub database (SQLite file, or a scratch PostgreSQL database)."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / f'hub-{uuid.uuid4().hex[:8]}.db'}"
        if migrate:
            await asyncio.to_thread(upgrade, url)
        yield url
        return
    name, url = await _create_pg()
    try:
        if migrate:
            await asyncio.to_thread(upgrade, url)
        yield url
    finally:
        await _drop_pg(name)


@contextmanager
def migrated_database_sync(backend: str, tmp_path: Path) -> Iterator[str]:
    """Yields a migrated database URL from synchronous code (no event loop running)."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"
        upgrade(url)
        yield url
        return
    name, url = asyncio.run(_create_pg())
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(_drop_pg(name))


@dataclass
class Stack:
    """The identity pieces over one engine, as the app will wire them."""

    settings: Settings
    engine: AsyncEngine
    clients: ClientRepository
    keys: KeyRing
    revocations: RevocationRepository
    verifier: TokenVerifier
    service: OAuthService
    events: list[AuthEvent]
    wrap: KeyWrap


def make_settings(url: str, issuer: str = "http://127.0.0.1:8000", **overrides: Any) -> Settings:
    """Answers settings for a test hub, independent of the caller's environment (its wrap key in a temp dir)."""
    overrides.setdefault("signing_key_wrap_path", Path(tempfile.mkdtemp(prefix="hub-wrap-")) / "wrap.jwk")
    return Settings(database_url=url, issuer=issuer, audience="credit-hub", **overrides)


@asynccontextmanager
async def stack_on(backend: str, tmp_path: Path, **overrides: Any) -> AsyncIterator[Stack]:
    """Yields a wired identity stack over a fresh migrated database."""
    async with migrated_database(backend, tmp_path) as url:
        stack = build_stack(make_settings(url, **overrides))
        try:
            yield stack
        finally:
            await stack.engine.dispose()


def build_stack(settings: Settings, **verifier_options: Any) -> Stack:
    """Answers a wired identity stack on a new engine (create it in the loop that will use it)."""
    engine = make_engine(settings.database_url)
    clients, revocations = ClientRepository(engine), RevocationRepository(engine)
    wrap = KeyWrap.load_or_create(settings.signing_key_wrap_path)  # stacks over one settings share it
    keys = KeyRing(SigningKeyRepository(engine), settings, wrap=wrap, min_reload_seconds=0.0)
    verifier = TokenVerifier(settings, keys, revocations, **verifier_options)
    events: list[AuthEvent] = []

    async def record(event: AuthEvent) -> None:
        events.append(event)

    service = OAuthService(
        settings, clients=clients, keys=keys, revocations=revocations, verifier=verifier, on_event=record
    )
    return Stack(settings, engine, clients, keys, revocations, verifier, service, events, wrap)


async def add_client_ids(clients: ClientRepository, *client_ids: str) -> None:
    """Answers nothing; registers clients under the given ids, so tokens made for them verify (an unknown
    or inactive client's tokens are refused)."""
    for client_id in client_ids:
        client = new_client(name="测试客户端", org=ORG, department="market-supervision", scopes=["check:read"])
        await clients.register(replace(client, client_id=client_id))


async def add_client(
    clients: ClientRepository, scopes: str = "subject:read check:read", org: str = ORG, dept: str = "market-supervision"
) -> tuple[str, str]:
    """Answers (client_id, secret) of a newly registered client."""
    client = new_client(name="测试审批系统", org=org, department=dept, scopes=[scopes])
    await clients.register(client)
    return client.client_id, client.secret


def protected_app(stack: Stack) -> Starlette:
    """Answers the OAuth routes plus `/protected` (verifies the bearer token) and `/test/rotate`."""

    async def protected(request: Request) -> Response:
        try:
            principal = await stack.verifier.verify(request.headers.get("authorization"))
        except HubError as exc:
            body = {"code": str(exc.code), **{k: str(v) for k, v in exc.extra.items()}}
            return JSONResponse(body, 401, headers={"WWW-Authenticate": str(exc.extra["www_authenticate"])})
        return JSONResponse(
            {
                "sub": principal.subject,
                "scopes": sorted(principal.scopes),
                "client_id": principal.client_id,
                "org": principal.org,
                "dept": principal.department,
                "self_code": principal.self_code,
            }
        )

    async def rotate(_request: Request) -> Response:
        key = await stack.keys.rotate()
        return JSONResponse({"kid": key.kid})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await stack.engine.dispose()

    extra = [Route("/protected", protected), Route("/test/rotate", rotate, methods=["POST"])]
    return Starlette(routes=[*oauth_routes(stack.service), *extra], lifespan=lifespan)


def free_socket() -> socket.socket:
    """Answers a listening-ready socket bound to a free loopback port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve_in_thread(app: Starlette, sock: socket.socket) -> Iterator[str]:
    """Yields the base URL of `app` served by uvicorn on `sock` in a background thread."""
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    host, port = sock.getsockname()[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def b64(data: bytes | str) -> str:
    """Answers unpadded base64url of `data`."""
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims_for(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """Answers well-formed client-token claims for `settings`, with overrides (None removes a claim)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": settings.issuer,
        "sub": "ch_forged",
        "aud": settings.audience,
        "exp": now + 600,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "client_id": "ch_forged",
        "scope": "subject:read",
        "org": ORG,
        "dept": "market-supervision",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


async def forge(stack: Stack, claims: dict[str, Any], **header: Any) -> str:
    """Answers a token signed with the hub's real active key but with the given claims and header."""
    key = await stack.keys.signer()
    head = {"alg": key.algorithm, "kid": key.kid, "typ": "at+jwt", **header}
    return jwt.encode(head, claims, key.private, algorithms=[key.algorithm])


def unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    """Answers a compact JWS assembled by hand (for alg none and HMAC confusion tokens)."""
    return f"{b64(json.dumps(header))}.{b64(json.dumps(claims))}.{b64(signature)}"


MAX_TOKEN_CHARS_TRIED = 10_000  # above the verifier's cap, below the HTTP server's header limit


async def credential_attacks(stack: Stack, now: float) -> dict[str, tuple[str | None, str]]:
    """Answers the JWT attack set: per attack, the Authorization header sent and the reason it must be refused for.

    Signed with the hub's real key where the attack needs it (`forge`), with a stranger's key or by hand otherwise.
    `now` is the instant the tokens are made for.
    """
    settings = stack.settings
    key = await stack.keys.signer()
    good = claims_for(settings, iat=int(now), exp=int(now) + 600)
    head = {"alg": key.algorithm, "kid": key.kid, "typ": "at+jwt"}
    pem = key.public.as_pem()

    def hmac_signed(header: dict[str, Any], secret: bytes) -> str:
        signing_input = f"{b64(json.dumps(header))}.{b64(json.dumps(good))}".encode()
        return f"{signing_input.decode()}.{b64(hmac.new(secret, signing_input, hashlib.sha256).digest())}"

    stranger = ECKey.generate_key("P-256", parameters={"kid": "not-ours", "alg": "ES256"})
    stranger_public = stranger.as_dict(private=False)

    def by_stranger(**header: Any) -> str:
        return "Bearer " + jwt.encode({"alg": "ES256", "typ": "at+jwt", **header}, good, stranger)

    valid = await forge(stack, good)
    valid_head, _body, valid_sig = valid.split(".")
    expired = TokenIssuer(settings, clock=lambda: now - 7200).issue(
        key, subject="ch_x", client_id="ch_x", scopes=["subject:read"], org=ORG, dept="market-supervision"
    )
    padding = "A" * MAX_TOKEN_CHARS_TRIED

    async def forged(**overrides: Any) -> str:
        times: dict[str, Any] = {"iat": int(now), "exp": int(now) + 600}
        return f"Bearer {await forge(stack, claims_for(settings, **{**times, **overrides}))}"

    return {
        "missing": (None, "missing"),
        "not_bearer": (f"Basic {b64('a:b')}", "not_bearer"),
        "malformed": ("Bearer not-a-jwt", "malformed"),
        "two_tokens": ("Bearer a b", "malformed"),
        "alg_none": (f"Bearer {unsigned({**head, 'alg': 'none'}, good)}", "bad_algorithm"),
        "alg_None_capitalised": (f"Bearer {unsigned({**head, 'alg': 'None'}, good)}", "bad_algorithm"),
        "unknown_alg": (f"Bearer {unsigned({**head, 'alg': 'ES999'}, good, b'sig')}", "bad_algorithm"),
        "rs256_with_our_kid": (f"Bearer {unsigned({**head, 'alg': 'RS256'}, good, b'sig')}", "bad_algorithm"),
        "hs256_public_key_as_secret": (f"Bearer {hmac_signed({**head, 'alg': 'HS256'}, pem)}", "bad_algorithm"),
        "hs256_kid_as_secret": (f"Bearer {hmac_signed({**head, 'alg': 'HS256'}, key.kid.encode())}", "bad_algorithm"),
        "wrong_aud": (await forged(aud="other-api"), "bad_aud"),
        "token_for_another_audience_list": (await forged(aud=["other-api", "billing"]), "bad_aud"),
        "wrong_iss": (await forged(iss="https://evil.example"), "bad_iss"),
        "no_exp": (await forged(exp=None), "bad_exp"),
        "no_jti": (await forged(jti=None), "bad_jti"),
        "expired": (f"Bearer {expired.access_token}", "expired"),
        "nbf_in_the_future": (await forged(nbf=int(now) + 3600), "bad_nbf"),
        "iat_in_the_future": (await forged(iat=int(now) + 3600), "bad_iat"),
        "unknown_kid": (by_stranger(kid="not-ours"), "unknown_key"),
        "no_kid": (by_stranger(), "unknown_key"),
        "kid_path_injection": (by_stranger(kid="../../../../dev/null"), "unknown_key"),
        "kid_sql_injection": (by_stranger(kid="x' OR '1'='1"), "unknown_key"),
        "jku_header_injection": (by_stranger(kid="not-ours", jku="https://evil.example/jwks.json"), "unknown_key"),
        "x5u_header_injection": (by_stranger(kid="not-ours", x5u="https://evil.example/cert.pem"), "unknown_key"),
        "jwk_header_injection": (by_stranger(kid="not-ours", jwk=stranger_public), "unknown_key"),
        "jwk_header_with_our_kid": (by_stranger(kid=key.kid, jwk=stranger_public), "bad_signature"),
        "signature_stripped": (f"Bearer {valid_head}.{_body}.", "bad_signature"),
        "signature_removed": (f"Bearer {valid_head}.{_body}", "malformed"),
        "tampered_claims": (
            f"Bearer {valid_head}.{b64(json.dumps({**good, 'scope': 'audit:read subject:bulk'}))}.{valid_sig}",
            "bad_signature",
        ),
        "plain_jwt_typ": (f"Bearer {await forge(stack, good, typ='JWT')}", "bad_type"),
        "no_typ": (f"Bearer {unsigned({'alg': key.algorithm, 'kid': key.kid}, good, b'sig')}", "bad_type"),
        "huge_token": (f"Bearer {valid_head}.{_body}{padding}.{valid_sig}", "malformed"),
    }
