"""Page sessions: sealed (AES-GCM) cookies holding the access token and a CSRF token, opaque to the browser."""

from __future__ import annotations

import base64
import hmac
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.requests import Request
from starlette.responses import Response

ANONYMOUS_SECONDS = 2 * 3600
_INFO = b"credit-hub web session v1"


@dataclass
class Session:
    """What a page remembers between requests: the CSRF token, the caller's token, filters and a notice."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    token: str | None = None
    expires: float = field(default_factory=lambda: time.time() + ANONYMOUS_SECONDS)
    operator: str | None = None
    person: bool = False
    filters: dict[str, str] = field(default_factory=dict)
    notice: str | None = None
    notice_kind: str = "info"

    @property
    def signed_in(self) -> bool:
        """Answers whether the session carries a token that has not expired."""
        return self.token is not None and time.time() < self.expires

    def flash(self, message: str, kind: str = "info") -> None:
        """Records a notice to show once on the next page."""
        self.notice, self.notice_kind = message, kind

    def take_notice(self) -> tuple[str | None, str]:
        """Answers the pending notice (and forgets it)."""
        notice, kind = self.notice, self.notice_kind
        self.notice, self.notice_kind = None, "info"
        return notice, kind


def signed_session(token: str, expires_in: int, operator: str | None = None, *, person: bool = False) -> Session:
    """Answers a fresh session (new CSRF token) for a token, ending a little before the token does."""
    return Session(token=token, expires=time.time() + max(expires_in - 30, 30), operator=operator, person=person)


class SessionCookies:
    """Seals sessions into one cookie per page family (portal, console); the browser sees ciphertext only."""

    def __init__(self, secret: str, cookie_name: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
        self._aead = AESGCM(key)
        self.cookie_name = cookie_name

    def load(self, request: Request) -> Session:
        """Answers the request's session, or a fresh anonymous one when absent, forged or expired."""
        raw = request.cookies.get(self.cookie_name)
        if raw:
            data = self._open(raw)
            if data is not None:
                session = _session(data)
                if session is not None and time.time() < session.expires:
                    return session
        return Session()

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
