"""An in-memory copy of a small table of the hub's database, kept fresh by PostgreSQL notifications.

The request path asks a few small tables (revoked tokens, the rights overlay) on every request; a
round trip each costs more than the rest of the hub's logic. A Mirror loads such a table once, then
again whenever a writer announces a change on its channel (`announce`, inside the writing
transaction, so the notification is delivered at commit), and every `refresh` seconds in any case.

`current` is None whenever the copy cannot be trusted, and callers then ask the database: before
the first load, while the listening connection is down, from a change being announced until the
reload that follows it, and while this process is writing (`changing`). A listening connection that
dies without the server closing it is found out at the next refresh. Without PostgreSQL (the
embedded SQLite mode) there is nothing to listen to and `current` stays None.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Generic, TypeVar

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.store.engine import driver_dsn

log = logging.getLogger("hub.store.mirror")

T = TypeVar("T")

REFRESH_SECONDS = 10.0


async def announce(conn: AsyncConnection, channel: str) -> None:
    """Answers nothing; tells every process's mirror of `channel` to reload once this transaction commits."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": channel})


class Mirror(Generic[T]):
    """A copy of what `load` reads, trusted only while no announced change is pending."""

    def __init__(
        self,
        engine: AsyncEngine,
        channel: str,
        load: Callable[[AsyncConnection], Awaitable[T]],
        *,
        refresh: float = REFRESH_SECONDS,
    ) -> None:
        self._engine, self._channel, self._load, self._refresh = engine, channel, load, refresh
        self._value: T | None = None
        self._announced = 0  # changes heard of (notifications, this process's writes)
        self._loaded = -1  # the count of changes the value reflects
        self._writers = 0
        self._listener: Any = None
        self._wake = asyncio.Event()
        self._reloaded = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def current(self) -> T | None:
        """Answers the copy, or None when it may be behind the database."""
        if self._listener is None or self._writers or self._loaded != self._announced:
            return None
        return self._value

    async def start(self) -> None:
        """Answers nothing; starts listening and loading in the background (PostgreSQL only)."""
        if self._engine.dialect.name == "postgresql" and self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"mirror-{self._channel}")

    async def stop(self) -> None:
        """Answers nothing; stops listening."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._disconnect()

    async def trusted(self) -> T:
        """Answers the copy as soon as it can be trusted (bound the wait with asyncio.timeout)."""
        while (value := self.current) is None:
            self._reloaded.clear()
            await self._reloaded.wait()
        return value

    @contextlib.asynccontextmanager
    async def changing(self) -> AsyncIterator[None]:
        """Distrusts the copy while this process writes, and until it has reloaded after the commit."""
        self._writers += 1
        try:
            yield
        finally:
            self._announced += 1
            self._writers -= 1
            self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                if self._listener is None:
                    await self._connect()
                else:  # a listener the network lost without a word is found out here
                    await self._listener.execute("SELECT 1")
                # Every change heard of before this point is in what the load reads.
                seen = self._announced
                self._wake.clear()
                async with self._engine.connect() as conn:
                    value = await self._load(conn)
                self._value, self._loaded = value, seen
                self._reloaded.set()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: callers ask it directly until it is back
                log.warning("mirror of %s not refreshed (%s)", self._channel, type(exc).__name__)
                await self._disconnect()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._refresh if self.current is not None else 1.0):
                    await self._wake.wait()

    async def _connect(self) -> None:
        listener = await asyncpg.connect(driver_dsn(self._engine))
        try:
            await listener.add_listener(self._channel, self._notified)
            listener.add_termination_listener(self._terminated)
        except BaseException:
            await listener.close()
            raise
        self._announced += 1  # changes made while no one listened are loaded now
        self._listener = listener

    async def _disconnect(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(Exception):
                await listener.close()

    def _notified(self, *_: object) -> None:
        self._announced += 1
        self._wake.set()

    def _terminated(self, *_: object) -> None:
        self._listener = None
        self._wake.set()
