"""The group-commit writer: concurrent appends share one durable transaction; fails closed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Iterator
from contextvars import ContextVar
from types import TracebackType

from hub.audit.cadence import Checkpointer
from hub.audit.chain import PreparedEvent, link, prepare
from hub.audit.events import AuditEvent, maybe_unstorable
from hub.audit.ports import AuditStore
from hub.errors import ErrorCode, HubError
from hub.metrics import HubMetrics
from hub.store.audit_rows import Batch, ChainHead

log = logging.getLogger("hub.audit.writer")

_Waiter = tuple[PreparedEvent, "asyncio.Future[int]"]
# The current request's expectation: [True] once its event has been handed to the writer.
_EXPECTED: ContextVar[list[bool] | None] = ContextVar("audit_expected", default=None)


def _unavailable(message: str) -> HubError:
    return HubError(ErrorCode.AUDIT_UNAVAILABLE, message, fix="retry later; no data left the hub")


def _expire(future: asyncio.Future[int]) -> None:
    if not future.done():  # the writer skips it if it has not taken it yet
        future.set_exception(_unavailable("the audit store did not confirm in time"))


class AuditWriter:
    """Appends events to the chain; each `append` returns once its event is durably committed.

    A batch may wait up to `max_wait` seconds for the events of requests still running (announced with
    `expecting`), so that concurrent requests share a commit; a request alone never waits.
    """

    def __init__(
        self,
        store: AuditStore,
        *,
        secret: str,
        checkpointer: Checkpointer | None = None,
        max_batch: int = 256,
        max_wait: float = 0.0,
        timeout: float = 2.0,
        metrics: HubMetrics | None = None,
        probe_every: float | None = None,
    ) -> None:
        self._store = store
        self._secret = secret
        self._checkpointer = checkpointer
        self._max_batch = max_batch
        self._max_wait = max_wait
        self._timeout = timeout
        self._metrics = metrics
        self._probe_every = probe_every
        self._probed_at = 0.0
        self._pending: deque[_Waiter] = deque()
        self._wake = asyncio.Event()
        self._expected = 0  # requests announced whose event is not yet queued
        self.commits = 0  # batches committed since start: how well requests share commits
        self._all_in = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.available = True

    async def start(self) -> None:
        """Answers nothing; starts the background commit loop (call in the app's lifespan)."""
        if self._task is None:
            self._closing = False
            if self._probe_every is not None:
                await self.probe()  # readiness tells the truth from the first moment
            self._task = asyncio.create_task(self._run(), name="audit-writer")

    async def stop(self) -> None:
        """Answers nothing; commits what is pending, anchors the tail with a checkpoint, stops."""
        if self._task is None:
            return
        self._closing = True
        self._wake.set()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def __aenter__(self) -> AuditWriter:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @contextlib.contextmanager
    def expecting(self) -> Iterator[None]:
        """Answers nothing; while open, the current request's coming event may be waited for by a batch."""
        arrived = [False]
        token = _EXPECTED.set(arrived)
        self._expected += 1
        try:
            yield
        finally:
            _EXPECTED.reset(token)
            if not arrived[0]:
                self._arrived()

    @property
    def expected(self) -> int:
        """Answers how many announced requests have not handed over their event yet."""
        return self._expected

    def _arrived(self) -> None:
        self._expected -= 1
        if self._expected <= 0:
            self._all_in.set()

    async def append(self, event: AuditEvent) -> int:
        """Answers the event's seq once it is durable; raises HubError(AUDIT_UNAVAILABLE) otherwise."""
        if self._task is None or self._task.done() or self._closing:
            raise _unavailable("the audit register is not accepting events")
        prepared = self._prepare(event)
        if isinstance(prepared, str):
            raise HubError(
                ErrorCode.BAD_USER_INPUT,
                f"the register cannot hold this request's receipt: {prepared}",
                fix="send headers and arguments as plain text, without control characters; no data left the hub",
            )
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int] = loop.create_future()
        self._pending.append((prepared, future))
        expected = _EXPECTED.get()
        if expected is not None and not expected[0]:
            expected[0] = True
            self._arrived()
        self._wake.set()
        # One timer on the future itself: asyncio.wait_for would add a second future and a callback.
        expiry = loop.call_later(self._timeout, _expire, future)
        try:
            return await future
        finally:
            expiry.cancel()

    def _prepare(self, event: AuditEvent) -> PreparedEvent | str:
        """Answers the event ready for the chain, or why the register cannot hold it.

        The character-by-character look runs only on a body that may hold a refused character.
        """
        try:
            prepared = prepare(event, self._secret)
        except UnicodeEncodeError:  # a lone surrogate in a subject code has no UTF-8 form to key
            return event.unstorable() or "a value has no UTF-8 form"
        if maybe_unstorable(prepared.body) and (problem := event.unstorable()) is not None:
            return problem
        return prepared

    async def _run(self) -> None:
        while True:
            if not self._pending:
                if self._closing:
                    await self._anchor_tail(force=True)
                    return
                await self._idle()
                continue
            if self._max_wait and self._expected > 0 and len(self._pending) < self._max_batch:
                await self._gather_expected()
            batch: list[_Waiter] = []
            while self._pending and len(batch) < self._max_batch:
                waiter = self._pending.popleft()
                if not waiter[1].done():  # callers that already gave up are not registered
                    batch.append(waiter)
            if batch:
                await self._commit(batch)

    async def _gather_expected(self) -> None:
        """Waits until every announced request has queued its event, or `max_wait` has passed."""
        self._all_in.clear()
        alarm = asyncio.get_running_loop().call_later(self._max_wait, self._all_in.set)
        try:
            await self._all_in.wait()
        finally:
            alarm.cancel()

    async def probe(self) -> bool:
        """Answers whether the store could take a batch now; availability (and so readiness) follows the answer."""
        self._probed_at = time.monotonic()
        ok = await self._writable()
        self._set_available(ok, None if ok else ConnectionError("the audit store does not answer"))
        return ok

    def _probe_due_in(self) -> float | None:
        if self._probe_every is None:
            return None
        return max(0.0, self._probed_at + self._probe_every - time.monotonic())

    async def _idle(self) -> None:
        self._wake.clear()
        checkpoint_due = self._checkpointer.due_in() if self._checkpointer else None
        probe_due = self._probe_due_in()
        due = min((d for d in (checkpoint_due, probe_due) if d is not None), default=None)
        # A timer that wakes the loop, rather than asyncio.wait_for, which wraps the wait in a task each time.
        alarm = asyncio.get_running_loop().call_later(due, self._wake.set) if due is not None else None
        try:
            await self._wake.wait()
        finally:
            if alarm is not None:
                alarm.cancel()
        if not self._pending and not self._closing:
            await self._anchor_tail(force=False)  # anchors only when the checkpoint is due
            if self._probe_due_in() == 0.0:
                await self.probe()  # idle: no commit says whether the store is still there

    async def _commit(self, batch: list[_Waiter]) -> None:
        """Commits `batch`; when it fails, commits its events one by one, so one bad event fails alone."""
        failure = await self._try_commit(batch)
        if failure is None:
            return
        if len(batch) > 1:
            for waiter in batch:
                if not waiter[1].done():  # callers whose time ran out are not retried
                    await self._commit([waiter])
            return
        _, future = batch[0]
        if not future.done():
            future.set_exception(_unavailable("the audit store is unavailable"))
        if await self._writable():  # the store refused this one event: the register stays available
            log.warning("audit store refused one event (%s); it fails alone", type(failure).__name__)
        else:
            self._set_available(False, failure)

    async def _try_commit(self, batch: list[_Waiter]) -> Exception | None:
        """Answers None once `batch` is committed and its callers answered, or the failure."""
        checkpointer = self._checkpointer

        def build(head: ChainHead) -> Batch:
            rows, subjects = link(head, [prepared for prepared, _ in batch])
            checkpoint = checkpointer.for_batch(rows[0].seq, rows[-1]) if checkpointer else None
            return Batch(tuple(rows), tuple(subjects), checkpoint)

        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._timeout):
                done = await self._store.extend(build)
        except Exception as exc:  # any store failure fails this batch closed
            if self._metrics is not None:
                self._metrics.commit_failed()
            return exc
        self._set_available(True, None)
        self._probed_at = time.monotonic()
        self.commits += 1
        if self._metrics is not None:
            self._metrics.commit(len(batch), time.perf_counter() - started, done.events[-1].seq)
        if checkpointer:
            checkpointer.committed(done.checkpoint)
        for (_, future), row in zip(batch, done.events, strict=True):
            if not future.done():
                future.set_result(row.seq)
        return None

    async def _writable(self) -> bool:
        """Answers whether the store could take a batch now: reachable, and its write lock free (a SQLite file
        locked by another process still answers reads)."""
        try:
            async with asyncio.timeout(self._timeout):
                await self._store.writable()
        except Exception:  # unreachable or locked: appends fail closed until a commit succeeds
            return False
        return True

    async def _anchor_tail(self, *, force: bool) -> None:
        checkpointer = self._checkpointer
        due = checkpointer.due_in() if checkpointer else None
        if checkpointer is None or due is None or (due > 0 and not force):
            return
        try:
            async with asyncio.timeout(self._timeout):
                head = await self._store.head_event()
                if head is None:
                    checkpointer.settled()
                    return
                checkpoint = checkpointer.sign(head)
                await self._store.add_checkpoint(checkpoint)
        except Exception as exc:  # a missed checkpoint is retried after a pause
            self._set_available(False, exc)
            checkpointer.retry_later(1.0)
            return
        checkpointer.committed(checkpoint)

    def _set_available(self, ok: bool, exc: Exception | None) -> None:
        if ok and not self.available:
            log.warning("audit store reachable again")
        elif exc is not None and self.available:
            # The exception's text may quote SQL parameters (personal data): log its type only.
            log.warning("audit store unavailable (%s); appends fail closed", type(exc).__name__)
        self.available = ok
