"""The lean hub-to-hub HTTP/1.1 client against a real socket: sized and chunked bodies, kept-alive reuse, a kept
connection the peer closed (retried on a fresh one), and a cancelled request's connection closed."""

from __future__ import annotations

import asyncio

import pytest

from hub.federation.wire import HubWire, WireError

SIZED = b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}'
CHUNKED = b'HTTP/1.1 401 Unauthorized\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{"a"\r\n3\r\n:1}\r\n0\r\n\r\n'


class Peer:
    """A socket server answering each request with the next canned response; counts connections."""

    def __init__(self, answers: list[bytes], close_after: bool = False) -> None:
        self.answers, self.close_after = answers, close_after
        self.connections = 0
        self.requests: list[bytes] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        while True:
            head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
            if not head:
                break
            length = next(
                int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
            )
            self.requests.append(head + await reader.readexactly(length))
            if not self.answers:
                await asyncio.sleep(3600)  # hangs
            writer.write(self.answers.pop(0))
            await writer.drain()
            if self.close_after:
                break
        writer.close()


async def _serving(peer: Peer) -> tuple[asyncio.Server, str]:
    server = await asyncio.start_server(peer.serve, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"


def test_sized_and_chunked_answers_on_one_kept_connection() -> None:
    async def scenario() -> None:
        peer = Peer([SIZED, CHUNKED])
        server, url = await _serving(peer)
        wire = HubWire(url)
        first = await wire.post("/graphql", b'{"query":"{x}"}', {"Authorization": "Bearer t"})
        second = await wire.post("/graphql", b"{}", {})
        assert (first.status, first.body, first.headers["content-type"]) == (200, b'{"ok":true}', "application/json")
        assert (second.status, second.body) == (401, b'{"a":1}')
        assert peer.connections == 1, "the connection is kept alive"
        assert peer.requests[0].startswith(b"POST /graphql HTTP/1.1\r\n")
        assert b"\r\nAuthorization: Bearer t\r\n" in peer.requests[0]
        await wire.aclose()
        server.close()

    asyncio.run(scenario())


def test_a_kept_connection_the_peer_closed_is_retried_on_a_fresh_one() -> None:
    async def scenario() -> None:
        peer = Peer([SIZED, SIZED], close_after=True)  # answers without saying so, then closes
        server, url = await _serving(peer)
        wire = HubWire(url)
        assert (await wire.post("/graphql", b"{}", {})).status == 200
        await asyncio.sleep(0.05)
        assert (await wire.post("/graphql", b"{}", {})).status == 200
        assert peer.connections == 2
        await wire.aclose()
        server.close()

    asyncio.run(scenario())


def test_a_cancelled_request_closes_its_connection_and_garbage_is_refused() -> None:
    async def scenario() -> None:
        peer = Peer([])
        server, url = await _serving(peer)
        wire = HubWire(url)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(wire.post("/graphql", b"{}", {}), 0.2)
        assert wire._idle == [], "a cancelled request's connection is not kept"
        server.close()
        garbage = Peer([b"SMTP ready\r\n\r\n"])
        server, url = await _serving(garbage)
        with pytest.raises(WireError):
            await HubWire(url).post("/graphql", b"{}", {})
        server.close()

    asyncio.run(scenario())
