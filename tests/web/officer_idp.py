"""An organisation's identity provider for the console's tests: a sign-in form where the test picks the person
(id, display name, groups), codes bound to the PKCE challenge and nonce, RS256 ID tokens (joserfc) and its JWKS.

It is served at `localhost` while the hub is at `127.0.0.1`: two sites, as in a deployment, so the browser treats
the redirect back as cross-site (the console's `SameSite=Strict` session cookie is not sent on it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey

from hub.config import OidcSettings
from tests.web.idp_pages import IdpHandler, hidden_fields

CLIENT_ID, CLIENT_SECRET = "credit-hub", "hub-client-secret-0123456789"
OFFICER_GROUP, DEPARTMENT = "privacy-officers", "privacy-office"
ACCOUNT_LABEL, NAME_LABEL, GROUPS_LABEL = "工号", "姓名", "用户组"


class OfficerProvider:
    """The provider; `nonce_override` and `lifetime` make it misbehave for a test (then put back)."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "org-idp-1", "use": "sig"})
        self.codes: dict[str, dict[str, str]] = {}
        self.redeemed: list[dict[str, str]] = []
        self.logouts: list[dict[str, str]] = []
        self.nonce_override: str | None = None
        self.lifetime = 900
        provider = self

        class Handler(IdpHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                asked = {k: v[0] for k, v in parse_qs(url.query).items()}
                if self._keys_or_logout(url.path, asked, provider.key, provider.logouts):
                    return
                hidden = hidden_fields(asked)
                page = (f'<!doctype html><html lang="zh-CN"><title>统一身份认证</title><form method="post" '
                        f'action="/authorize">{hidden}<label>{ACCOUNT_LABEL}<input name="sub"></label>'
                        f'<label>{NAME_LABEL}<input name="name"></label><label>{GROUPS_LABEL}<input name="groups">'
                        f'</label><button>同意并登录</button></form></html>')  # fmt: skip
                self._send(200, page.encode(), "text/html; charset=utf-8")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()}
                if self.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = form
                    answer = {"code": code, "state": form["state"]}
                    self._send(302, b"", "text/plain", {"Location": f"{form['redirect_uri']}?{urlencode(answer)}"})
                    return
                basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                asked = provider.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
                if (
                    self.headers.get("Authorization") != f"Basic {basic}"
                    or asked is None
                    or asked.get("code_challenge") != challenge
                    or asked.get("redirect_uri") != form.get("redirect_uri")
                ):
                    self._send(400, b'{"error": "invalid_grant"}', "application/json")
                    return
                provider.redeemed.append(asked)
                self._send(200, json.dumps(provider.tokens(asked)).encode(), "application/json")

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://localhost:{self.server.server_address[1]}"

    def tokens(self, asked: dict[str, str]) -> dict[str, Any]:
        """Answers the token endpoint's body for an authorization the person gave: a signed ID token naming them."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": CLIENT_ID, "sub": asked.get("sub", ""),
            "nonce": self.nonce_override or asked.get("nonce", ""), "iat": now, "exp": now + self.lifetime,
            "groups": [g for g in asked.get("groups", "").split(",") if g],
        }  # fmt: skip
        if asked.get("name"):
            claims["name"] = asked["name"]
        token = jwt.encode({"alg": "RS256", "kid": "org-idp-1"}, claims, self.key, algorithms=["RS256"])
        return {"id_token": token, "access_token": "opaque", "token_type": "Bearer", "expires_in": 900}

    def settings(self, **extra: Any) -> OidcSettings:
        """Answers the hub's `oidc` settings: its client at this provider, the officers' group mapped."""
        return OidcSettings(
            issuer=self.issuer, jwks_url=f"{self.issuer}/jwks", audience=CLIENT_ID, client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET, authorization_endpoint=f"{self.issuer}/authorize",
            token_endpoint=f"{self.issuer}/token", officer_groups={OFFICER_GROUP: DEPARTMENT},
            **{"end_session_endpoint": f"{self.issuer}/logout", **extra},
        )  # fmt: skip


@contextmanager
def running_provider() -> Iterator[OfficerProvider]:
    """Yields the provider, serving on a thread until the block ends."""
    idp = OfficerProvider()
    thread = threading.Thread(target=idp.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield idp
    finally:
        idp.server.shutdown()
        idp.server.server_close()
