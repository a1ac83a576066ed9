"""A request another hub sends again (the kept connection under the first failed) keeps the first one's receipt.

The asking hub names each request by its own event and an ordinal (X-Hub-Upstream-Event, X-Hub-Upstream-Request).
When the same hub sends the same request again and it discloses exactly what the first one's receipt names, the
answer carries that receipt and no second event is registered; anything else (another query, other fields, another
outcome) is registered on its own, so a receipt never names less than its request disclosed. Kept per worker for
a few minutes, longer than any source timeout of the asking hub.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from hub.audit import AuditEvent
from hub.audit.events import canonical_json

KEPT_SECONDS = 300.0
KEPT_REQUESTS = 10_000
# What differs between two sendings of one request without changing what it disclosed.
_PER_SENDING = ("event_id", "at", "latency_ms", "request_id")

RepeatKey = tuple[str, str, str, str]  # asking hub (issuer), its client here, its event, the request's ordinal


@dataclass(slots=True)
class _First:
    content: str  # digest of what the first sending's receipt names
    receipt: asyncio.Future[str]
    at: float


def repeat_key(upstream: dict[str, str] | None) -> RepeatKey | None:
    """Answers the key naming a request another hub sent (None for a request no hub sent)."""
    if upstream is None:
        return None
    return (upstream["hub"], upstream.get("client_id", ""), upstream["event_id"], upstream.get("request", "1"))


def _content(event: AuditEvent) -> str:
    body = {name: value for name, value in event.to_dict().items() if name not in _PER_SENDING}
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


class RepeatedRequests:
    """The receipts of the requests other hubs sent lately, by their key, to answer a repeat with the first's."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._first: OrderedDict[RepeatKey, _First] = OrderedDict()

    async def receipt(self, key: RepeatKey, event: AuditEvent, register: Callable[[], Awaitable[object]]) -> str:
        """Answers the event id of the request's receipt: the first sending's when this one discloses the same
        (waiting for it while it is being registered), else `event`'s once `register` made it durable."""
        now = self._clock()
        self._forget(now)
        content = _content(event)
        first = self._first.get(key)
        if first is not None and first.content == content:
            return await asyncio.shield(first.receipt)
        mine = first is None
        receipt: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        receipt.add_done_callback(lambda done: done.cancelled() or done.exception())  # read by whoever waits
        if mine:
            self._first[key] = _First(content, receipt, now)
        try:
            await register()
        except BaseException as exc:
            if mine and key in self._first and self._first[key].receipt is receipt:
                del self._first[key]  # never registered: a later sending tries again
            if isinstance(exc, asyncio.CancelledError):
                receipt.cancel()
            else:
                receipt.set_exception(exc)
            raise
        receipt.set_result(event.event_id)
        return event.event_id

    def _forget(self, now: float) -> None:
        while self._first:
            key, oldest = next(iter(self._first.items()))
            if now - oldest.at < KEPT_SECONDS and len(self._first) < KEPT_REQUESTS:
                break
            del self._first[key]
