"""A lean HTTP/1.1 client for one other hub: kept-alive connections, one POST at a time on each.

Hub-to-hub requests are the province's hot path; httpx spends more CPU per request (anyio, h11, its models)
than the province's whole GraphQL execution. This speaks just what a hub answers (a status, headers, a body
sized or chunked) over asyncio streams, parsed by httptools. A connection whose request is cancelled or fails
is closed, never returned to the pool.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httptools

_MAX_IDLE = 20
_CHUNK = 65536


class WireError(Exception):
    """The other hub closed the connection or answered something that is not HTTP/1.1."""


@dataclass
class WireResponse:
    """A whole response: its status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class _Reading:
    """httptools' callbacks gathering one response."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.parts: list[bytes] = []
        self.complete = False
        self.keep_alive = False
        self.parser: httptools.HttpResponseParser | None = None

    def on_headers_complete(self) -> None:
        if self.parser is not None:  # known once the headers are read (httptools forgets it at the message's end)
            self.keep_alive = self.parser.should_keep_alive()

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.parts.append(body)

    def on_message_complete(self) -> None:
        self.complete = True


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class HubWire:
    """Kept-alive HTTP/1.1 connections to one base URL (http or https)."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.tls = parts.scheme == "https"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if self.tls else 80)
        self.prefix = parts.path.rstrip("/")
        default = (self.tls and self.port == 443) or (not self.tls and self.port == 80)
        self._host_header = self.host if default else f"{self.host}:{self.port}"
        self._idle: list[Connection] = []

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> WireResponse:
        """Answers the other hub's response to a POST of `body` (JSON) at `path`; raises WireError or OSError."""
        lines = [
            f"POST {self.prefix}{path} HTTP/1.1",
            f"Host: {self._host_header}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        while self._idle:  # a kept connection the other hub may have closed meanwhile: one retry on a fresh one
            connection = self._idle.pop()
            try:
                return await self._exchange(connection, request)
            except (WireError, ConnectionError):
                continue
        return await self._exchange(await self._open(), request)

    async def _open(self) -> Connection:
        context = ssl.create_default_context() if self.tls else None
        return await asyncio.open_connection(self.host, self.port, ssl=context)

    async def _exchange(self, connection: Connection, request: bytes) -> WireResponse:
        reader, writer = connection
        kept = False
        try:
            writer.write(request)
            await writer.drain()
            reading = _Reading()
            parser = reading.parser = httptools.HttpResponseParser(reading)
            while not reading.complete:
                data = await reader.read(_CHUNK)
                if not data:
                    raise WireError("the other hub closed the connection")
                try:
                    parser.feed_data(data)
                except httptools.HttpParserError as exc:
                    raise WireError("the other hub's answer is not HTTP/1.1") from exc
            response = WireResponse(parser.get_status_code(), reading.headers, b"".join(reading.parts))
            kept = reading.keep_alive and len(self._idle) < _MAX_IDLE and not reader.at_eof()
            return response
        finally:
            if kept:
                self._idle.append(connection)
            else:
                writer.close()

    async def aclose(self) -> None:
        """Answers nothing; closes every kept connection."""
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()
