"""A per-source circuit breaker: after repeated failures the hub stops asking for a while."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum


class BreakerState(StrEnum):
    """Closed lets calls through, open refuses them, half-open lets one trial call through."""

    CLOSED = "CLOSED"
    OPEN = "OPEN"
    HALF_OPEN = "HALF_OPEN"


@dataclass
class CircuitBreaker:
    """Counts consecutive failures of one source and opens after `threshold` of them."""

    threshold: int = 5
    reset_seconds: float = 10.0
    failures: int = 0
    opened_at: float | None = None
    _trial_running: bool = field(default=False, repr=False)

    @property
    def state(self) -> BreakerState:
        """Answers the breaker's state now."""
        if self.opened_at is None:
            return BreakerState.CLOSED
        if time.monotonic() - self.opened_at >= self.reset_seconds:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """Answers whether a call may go to the source now (claims the half-open trial if so)."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def succeeded(self) -> None:
        """Records a successful call: the breaker closes."""
        self.failures = 0
        self.opened_at = None
        self._trial_running = False

    def failed(self) -> None:
        """Records a failed call: the breaker opens at the threshold or after a failed trial."""
        self.failures += 1
        self._trial_running = False
        if self.failures >= self.threshold or self.opened_at is not None:
            self.opened_at = time.monotonic()
