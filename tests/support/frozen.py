"""A TCP relay on 127.0.0.1 that can freeze: connections stay open and nothing more is answered."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class FreezableRelay:
    """Relays every connection to a target port until frozen; then accepts and holds, never answering."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.frozen = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        while data := await source.read(65536):
            if self.frozen.is_set():
                await asyncio.Event().wait()  # holds the bytes for ever: a source that never answers
            sink.write(data)
            await sink.drain()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            if self.frozen.is_set():
                await asyncio.Event().wait()
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
            pipes = {
                asyncio.ensure_future(self._pipe(reader, upstream_writer)),
                asyncio.ensure_future(self._pipe(upstream_reader, writer)),
            }
            try:
                await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)  # one side closed: close both
            finally:
                for pipe in pipes:
                    pipe.cancel()
                await asyncio.gather(*pipes, return_exceptions=True)
                upstream_writer.close()
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            writer.close()
            self._tasks.discard(task)

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[int]:
        """Yields the relay's port while it serves; closes every relayed connection afterwards."""
        server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        try:
            yield server.sockets[0].getsockname()[1]
        finally:
            server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await server.wait_closed()
