"""What the tests' identity providers share: answering a request, and carrying the sign-in request in a form."""

from __future__ import annotations

import html
import json
from http.server import BaseHTTPRequestHandler
from typing import Any


class IdpHandler(BaseHTTPRequestHandler):
    """A request handler of a test identity provider."""

    def _send(self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _keys_or_logout(self, path: str, asked: dict[str, str], key: Any, logouts: list[dict[str, str]]) -> bool:
        """Answers whether the request was the provider's JWKS or its RP-initiated logout, and answers it if so."""
        if path == "/jwks":
            self._send(200, json.dumps({"keys": [key.as_dict(private=False)]}).encode(), "application/json")
            return True
        if path == "/logout":  # the session here ends, the person goes back where the hub asked
            logouts.append(asked)
            self._send(302, b"", "text/plain", {"Location": asked.get("post_logout_redirect_uri", "/")})
            return True
        return False


def hidden_fields(asked: dict[str, str]) -> str:
    """Answers the hidden inputs that carry the authorization request through the provider's sign-in form."""
    return "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in asked.items())
