"""The portal's sign-in through the OpenID Connect provider: authorization code with PKCE, state and nonce, and
what the person had typed kept across the round trip.

The session cookie is `SameSite=Strict`, so the browser does not send it on the provider's redirect back. The
flow lives in a cookie of its own instead, sealed like the session and `SameSite=Lax` (sent on that top-level
GET only), for ten minutes: state, nonce, PKCE verifier, and the form and input to return to. The callback
checks the state, redeems the code at the provider's token endpoint and checks the nonce; the hub verifies the
ID token's signature, issuer, audience and expiry on the first request made with it, as for every caller.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
import zlib
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.requests import Request
from starlette.responses import Response

from hub.config import OidcSettings

FLOW_COOKIE = "__Host-hub-portal-oidc"
FLOW_SECONDS = 600
TOKEN_TIMEOUT_SECONDS = 10.0
_COOKIE_BYTES = 3800  # a browser keeps a cookie of at most 4096 bytes, name and attributes included
_INFO = b"credit-hub portal oidc flow v1"


@dataclass
class Flow:
    """One sign-in in progress: what binds the provider's answer to this browser, and where to return."""

    state: str = ""
    nonce: str = ""
    verifier: str = ""
    resume: str | None = None
    carried: list[tuple[str, str]] = field(default_factory=list)
    cut: bool = False  # some typed text was too long to carry whole
    expires: float = field(default_factory=lambda: time.time() + FLOW_SECONDS)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The provider's answer: the ID token to use as the session's bearer, its subject and lifetime."""

    token: str
    subject: str
    expires_in: int


class OidcError(Exception):
    """The sign-in did not complete; `reason` is a message key of the portal's catalogue."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class OidcSignIn:
    """Starts and completes the portal's sign-in at the configured provider."""

    def __init__(
        self, config: OidcSettings, secret: str | None, http: httpx.AsyncClient | None = None, cookie: str = FLOW_COOKIE
    ) -> None:
        material = secret.encode() if secret else os.urandom(32)
        self.cookie = cookie  # the console's sign-in keeps its flow apart from the portal's
        self._aead = AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(material))
        self.config = config
        self._http = http

    def keep(self, response: Response, resume: str | None, carried: list[tuple[str, str]]) -> None:
        """Answers nothing; remembers on `response` the form and input to return to after signing in."""
        self._save(response, Flow(resume=resume, carried=list(carried)))

    def start(self, request: Request, redirect_uri: str) -> tuple[str, Flow]:
        """Answers the provider's authorization URL and the flow to remember (what was kept, a fresh state)."""
        kept = self._load(request) or Flow()
        flow = Flow(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48),
                    kept.resume, kept.carried, kept.cut)  # fmt: skip
        challenge = _b64(hashlib.sha256(flow.verifier.encode()).digest())
        query = urlencode({
            "response_type": "code", "client_id": self.config.client_id, "redirect_uri": redirect_uri,
            "scope": "openid", "state": flow.state, "nonce": flow.nonce,
            "code_challenge": challenge, "code_challenge_method": "S256",
        })  # fmt: skip
        endpoint = str(self.config.authorization_endpoint)
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}", flow

    def pending(self, request: Request) -> Flow | None:
        """Answers the sign-in this browser started (not expired), or None."""
        return self._load(request)

    async def complete(self, request: Request, flow: Flow, redirect_uri: str) -> SignedIn:
        """Answers the provider's ID token for the code it sent back; OidcError when anything does not match."""
        params = request.query_params
        if params.get("error"):
            raise OidcError("oidc_refused")
        code, state = params.get("code", ""), params.get("state", "")
        if not flow.state or not code or not hmac.compare_digest(state.encode(), flow.state.encode()):
            raise OidcError("oidc_state")
        answer = await self._redeem(code[:2000], flow.verifier, redirect_uri)
        token = answer.get("id_token")
        claims = _payload(token) if isinstance(token, str) else {}
        nonce = claims.get("nonce")
        if not isinstance(token, str) or not isinstance(nonce, str):
            raise OidcError("oidc_failed")
        if not hmac.compare_digest(nonce.encode(), flow.nonce.encode()):
            raise OidcError("oidc_state")
        subject = claims.get(self.config.subject_claim)
        exp = claims.get("exp")
        if not isinstance(subject, str) or not isinstance(exp, int):
            raise OidcError("oidc_failed")
        return SignedIn(token, subject, max(0, exp - int(time.time())))

    async def _redeem(self, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "code_verifier": verifier, "client_id": str(self.config.client_id)}  # fmt: skip
        secret = self.config.client_secret
        auth: dict[str, Any] = {"auth": httpx.BasicAuth(str(self.config.client_id), secret)} if secret else {}
        client = self._http or httpx.AsyncClient(timeout=TOKEN_TIMEOUT_SECONDS)
        try:
            response = await client.post(str(self.config.token_endpoint), data=form, **auth)
            body = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            raise OidcError("oidc_unreachable") from None
        finally:
            if self._http is None:
                await client.aclose()
        if not isinstance(body, dict):
            raise OidcError("oidc_failed")
        return body

    def forget(self, response: Response) -> None:
        """Answers nothing; deletes the flow cookie (the sign-in is over, one way or the other)."""
        response.delete_cookie(self.cookie, path="/", secure=True, httponly=True, samesite="lax")

    def end_session(self, back_to: str) -> str | None:
        """Answers the provider's RP-initiated logout URL (OpenID Connect RP-Initiated Logout 1.0) that ends the
        person's session there and sends them `back_to`, or None when the provider's end-session endpoint is not
        configured. It names the client, never the ID token: the URL stays in the browser's history on a shared
        desk, and an ID token's subject is the person's resident ID."""
        endpoint = self.config.end_session_endpoint
        if not endpoint:
            return None
        asked = {"client_id": self.config.client_id, "post_logout_redirect_uri": self.config.post_logout_redirect_url
                 or back_to}  # fmt: skip
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(asked)}"

    def save(self, response: Response, flow: Flow) -> None:
        """Answers nothing; sets the flow cookie on `response`."""
        self._save(response, flow)

    def _save(self, response: Response, flow: Flow) -> None:
        sealed = self._seal(flow)
        while len(sealed) > _COOKIE_BYTES and flow.carried:  # too long to carry whole: cut the longest text
            longest = max(range(len(flow.carried)), key=lambda i: len(flow.carried[i][1]))
            name, value = flow.carried[longest]
            flow.carried[longest] = (name, value[: len(value) * 3 // 4])
            flow.cut = True
            sealed = self._seal(flow)
        response.set_cookie(self.cookie, sealed, max_age=FLOW_SECONDS, path="/", secure=True, httponly=True,
                            samesite="lax")  # fmt: skip

    def _seal(self, flow: Flow) -> str:
        nonce = os.urandom(12)
        body = zlib.compress(json.dumps(asdict(flow), ensure_ascii=False, separators=(",", ":")).encode())
        return _b64(nonce + self._aead.encrypt(nonce, body, self.cookie.encode()))

    def _load(self, request: Request) -> Flow | None:
        raw = request.cookies.get(self.cookie)
        if not raw:
            return None
        try:
            sealed = _unb64(raw)
            data = json.loads(zlib.decompress(self._aead.decrypt(sealed[:12], sealed[12:], self.cookie.encode())))
            flow = Flow(**data)
        except (ValueError, TypeError, InvalidTag, zlib.error):
            return None
        flow.carried = [(str(name), str(value)) for name, value in flow.carried]
        return flow if time.time() < flow.expires else None


def _payload(token: str) -> dict[str, Any]:
    """Answers an ID token's claims, read to check the nonce; the hub verifies the token before any data is shown."""
    try:
        data = json.loads(_unb64(token.split(".")[1]))
    except (IndexError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
