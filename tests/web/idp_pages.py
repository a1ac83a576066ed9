"""What the tests' identity providers share: answering a request, and carrying the sign-in request in a form."""

from __future__ import annotations

import html
from http.server import BaseHTTPRequestHandler


class IdpHandler(BaseHTTPRequestHandler):
    """A request handler of a test identity provider."""

    def _send(self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def hidden_fields(asked: dict[str, str]) -> str:
    """Answers the hidden inputs that carry the authorization request through the provider's sign-in form."""
    return "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in asked.items())
