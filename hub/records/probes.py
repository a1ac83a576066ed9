"""Throttles probing: per client, look-ups of natural persons that end refused or finding nothing.

A masked resident ID is recovered by trying the few thousand codes that fit it; each try that is
refused (no consent, out of scope) or finds no one tells the prober something. The guard counts such
look-ups per client: past `limit` within `window_seconds` the client's look-ups of natural persons are
refused with RATE_LIMITED (decided before anything is looked up, so the refusal says nothing about the
person); past `suspend_after` within `suspend_window_seconds` the client is suspended for review (its
status in the hub's database, so every worker refuses its tokens) until the officer enables it again.
Counts are kept in each worker's memory; the suspension is shared.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectCode, SubjectKind
from hub.privacy.disclose import Disclosure

log = logging.getLogger("hub.records.probes")

# Suspends a client for review, saying why; answers whether it was active until now.
Suspend = Callable[[str, str], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class ProbeLimits:
    """How many fruitless look-ups of natural persons a client may make before it is throttled, then suspended."""

    limit: int = 30
    window_seconds: float = 60.0
    suspend_after: int = 300
    suspend_window_seconds: float = 3600.0


def fruitless(codes: Iterable[SubjectCode], disclosures: Sequence[Disclosure]) -> int:
    """Answers how many of the natural persons among `codes` disclosed nothing (refused, or not on record)."""
    disclosed = {d.code for d in disclosures if d.clear or d.masked}
    return sum(1 for code in codes if code.kind is SubjectKind.NATURAL_PERSON and code.value not in disclosed)


class ProbeGuard:
    """Counts each client's fruitless look-ups of natural persons; throttles and suspends past the limits."""

    def __init__(self, limits: ProbeLimits, suspend: Suspend | None = None) -> None:
        self.limits = limits
        self._suspend = suspend
        self._seen: dict[str, deque[float]] = {}
        self._kept = max(limits.limit, limits.suspend_after) + 1

    def admit(self, client_id: str, codes: Iterable[SubjectCode], now: float) -> None:
        """Answers nothing; refuses (RATE_LIMITED) a look-up of natural persons by a client past its limit."""
        if not any(code.kind is SubjectKind.NATURAL_PERSON for code in codes):
            return
        recent = self._recent(client_id, now, self.limits.window_seconds)
        if recent >= self.limits.limit:
            raise HubError(
                ErrorCode.RATE_LIMITED,
                f"more than {self.limits.limit} look-ups of natural persons within {self.limits.window_seconds:g} s "
                "were refused or found no one",
                fix=f"wait {self.limits.window_seconds:g} s; repeated, the client is suspended for review",
            )

    async def note(self, client_id: str, count: int, now: float) -> None:
        """Answers nothing; counts `count` fruitless look-ups, suspending the client once past `suspend_after`."""
        if count <= 0:
            return
        seen = self._seen.setdefault(client_id, deque(maxlen=self._kept))
        seen.extend([now] * min(count, self._kept))
        total = self._recent(client_id, now, self.limits.suspend_window_seconds)
        if total < self.limits.suspend_after or self._suspend is None:
            return
        reason = (
            f"suspended for review: {total} look-ups of natural persons refused or not found "
            f"within {self.limits.suspend_window_seconds:g} s"
        )
        if await self._suspend(client_id, reason):
            log.warning("client %s suspended for review (%d fruitless look-ups of natural persons)", client_id, total)
        seen.clear()

    def _recent(self, client_id: str, now: float, seconds: float) -> int:
        seen = self._seen.get(client_id)
        if not seen:
            return 0
        while seen and seen[0] <= now - self.limits.suspend_window_seconds:
            seen.popleft()
        return sum(1 for at in seen if at > now - seconds)
