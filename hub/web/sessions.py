"""Page sessions: sealed (AES-GCM) cookies holding the access token and a CSRF token, opaque to the browser.

The cookie key comes from `session_secret` (never from the register's secret). Each session carries an id
the server checks on every request: signing out records the id as ended and revokes the session's token,
so a copy of the cookie taken before is refused afterwards, by every worker.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.requests import Request
from starlette.responses import Response

from hub.identity.tokens import stated_claims

ANONYMOUS_SECONDS = 2 * 3600
_INFO = b"credit-hub web session v1"
_ENDED = "session:"  # the prefix of an ended session's id in the revocation list (token ids have none)


class Revocations(Protocol):
    """Ids revoked until a time, shared by every worker (hub.store.keys.RevocationRepository)."""

    async def revoke(self, jti: str, expires_at: datetime, revoked_at: datetime) -> None: ...
    async def is_revoked(self, jti: str) -> bool: ...


@dataclass
class Session:
    """What a page remembers between requests: the CSRF token, the caller's token, filters and a notice."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    sid: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    token: str | None = None
    expires: float = field(default_factory=lambda: time.time() + ANONYMOUS_SECONDS)
    operator: str | None = None
    person: bool = False
    filters: dict[str, str] = field(default_factory=dict)
    notice: str | None = None
    notice_kind: str = "info"
    notice_at: str | None = None  # the form the notice answers: shown next to it (None: at the top)
    provider: bool = False  # signed in at the OpenID Connect provider: signing out ends that session too

    @property
    def signed_in(self) -> bool:
        """Answers whether the session carries a token that has not expired."""
        return self.token is not None and time.time() < self.expires

    def flash(self, message: str, kind: str = "info", at: str | None = None) -> None:
        """Records a notice to show once on the next page (next to the form `at`, else at the top)."""
        self.notice, self.notice_kind, self.notice_at = message, kind, at

    def take_notice(self) -> tuple[str | None, str, str | None]:
        """Answers the pending notice, its kind and the form it answers (and forgets it)."""
        notice, kind, at = self.notice, self.notice_kind, self.notice_at
        self.notice, self.notice_kind, self.notice_at = None, "info", None
        return notice, kind, at


def signed_session(token: str, expires_in: int, operator: str | None = None, *, person: bool = False) -> Session:
    """Answers a fresh session (new CSRF token) for a token, ending a little before the token does."""
    return Session(token=token, expires=time.time() + max(expires_in - 30, 30), operator=operator, person=person)


class SessionCookies:
    """Seals sessions into one cookie per page family (portal, console); the browser sees ciphertext only."""

    def __init__(self, secret: str | None, cookie_name: str, revocations: Revocations | None = None) -> None:
        """`secret` None: a random key of this process only (tests; `serve` refuses a deployment without one)."""
        material = secret.encode() if secret else os.urandom(32)
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(material)
        self._aead = AESGCM(key)
        self.cookie_name = cookie_name
        self._revocations = revocations

    async def load(self, request: Request) -> Session:
        """Answers the request's session, or a fresh anonymous one when absent, forged, expired or signed out."""
        raw = request.cookies.get(self.cookie_name)
        if raw:
            data = self._open(raw)
            if data is not None:
                session = _session(data)
                if session is not None and time.time() < session.expires and not await self._ended(session):
                    return session
        return Session()

    def lapsed(self, request: Request) -> Session | None:
        """Answers the request's session when it is ours but no longer holds (expired or signed out), else None.

        Only to recognise a form posted from a page whose session ended: it never signs anybody in.
        """
        raw = request.cookies.get(self.cookie_name)
        data = self._open(raw) if raw else None
        session = _session(data) if data is not None else None
        return session if session is not None and session.token is not None else None

    async def end(self, session: Session) -> None:
        """Answers nothing; records the session as ended and revokes its token, so no copy of the cookie works."""
        if self._revocations is None:
            return
        now = datetime.now(UTC)
        until = datetime.fromtimestamp(max(session.expires, time.time() + 60), UTC)
        await self._revocations.revoke(_ENDED + session.sid, until, now)
        claims = token_claims(session.token) if session.token else {}
        jti, exp = claims.get("jti"), claims.get("exp")
        if isinstance(jti, str) and 0 < len(jti) <= 64 and isinstance(exp, int):
            await self._revocations.revoke(jti, datetime.fromtimestamp(exp, UTC), now)

    async def _ended(self, session: Session) -> bool:
        return self._revocations is not None and await self._revocations.is_revoked(_ENDED + session.sid)

    def save(self, response: Response, session: Session) -> None:
        """Sets the sealed session cookie: Secure, HttpOnly, SameSite=Strict, whole site, browser session."""
        response.set_cookie(
            self.cookie_name,
            self._seal(asdict(session)),
            path="/",
            secure=True,
            httponly=True,
            samesite="strict",
        )

    def clear(self, response: Response) -> None:
        """Deletes the session cookie."""
        response.delete_cookie(self.cookie_name, path="/", secure=True, httponly=True, samesite="strict")

    def _seal(self, data: dict[str, Any]) -> str:
        nonce = os.urandom(12)
        body = json.dumps(data, separators=(",", ":")).encode()
        sealed = nonce + self._aead.encrypt(nonce, body, self.cookie_name.encode())
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def _open(self, raw: str) -> dict[str, Any] | None:
        try:
            sealed = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
            body = self._aead.decrypt(sealed[:12], sealed[12:], self.cookie_name.encode())
            data = json.loads(body)
        except (ValueError, InvalidTag):
            return None
        return data if isinstance(data, dict) else None


def token_claims(token: str) -> dict[str, Any]:
    """Answers the claims of the session's own token (issued to it by the hub: read, not verified again)."""
    return stated_claims(token) or {}


def _session(data: dict[str, Any]) -> Session | None:
    try:
        return Session(**data)
    except TypeError:
        return None


def csrf_ok(session: Session, submitted: object) -> bool:
    """Answers whether a submitted form carries this session's CSRF token (constant-time comparison)."""
    return isinstance(submitted, str) and hmac.compare_digest(submitted.encode(), session.csrf.encode())


def same_origin(request: Request) -> bool:
    """Answers whether a POST comes from a page of this site, when the browser says where it comes from."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host
