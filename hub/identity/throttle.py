"""Failed client authentications, counted per client id and per remote address in a short sliding window.

Past `limit` failures within `window` seconds, a key is refused (RATE_LIMITED, with when to retry) until
its oldest failure leaves the window. The window is short on purpose: an attacker guessing a client's
secret is slowed to `limit` guesses per window, and can keep that client out for no longer than it keeps
guessing. Counts live in this process; with several workers each counts its own share.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable

MAX_KEYS = 100_000  # the oldest keys are forgotten first, so a flood of addresses cannot exhaust memory


class FailureThrottle:
    """Counts failures per key (`client:<id>`, `address:<ip>`) and answers how long a key must wait."""

    def __init__(self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, keys: Iterable[str]) -> int | None:
        """Answers in how many whole seconds the most throttled of `keys` may try again, or None if none is."""
        now = self._clock()
        waits = [self._wait(key, now) for key in keys]
        longest = max((wait for wait in waits if wait is not None), default=None)
        return None if longest is None else max(1, math.ceil(longest))

    def failed(self, keys: Iterable[str]) -> None:
        """Answers nothing; counts one failure against each of `keys`."""
        now = self._clock()
        for key in keys:
            times = self._failures.pop(key, None) or deque()
            times.append(now)
            while len(times) > self.limit:
                times.popleft()
            self._failures[key] = times
        while len(self._failures) > MAX_KEYS:
            self._failures.popitem(last=False)

    def _wait(self, key: str, now: float) -> float | None:
        times = self._failures.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times[0] + self.window - now if len(times) >= self.limit else None
