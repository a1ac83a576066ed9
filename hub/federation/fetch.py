"""Asks every source at once, each within its timeout and behind its breaker; merges what comes back."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from hub.federation.adapter import SOURCE, SUBJECT, Row, SqlSource
from hub.federation.breaker import BreakerState, CircuitBreaker
from hub.federation.remote import HubSource
from hub.metrics import HubMetrics

log = logging.getLogger(__name__)

# How long after a source's deadline the hub stops waiting for its task: by then the source's
# connection has been terminated and the task has ended, unless it was still being opened.
_GRACE_S = 0.05


class SourceKind(StrEnum):
    """What a source is: a database the hub reads, or another Credit Hub it asks."""

    DATABASE = "DATABASE"
    HUB = "HUB"


class SourceState(StrEnum):
    """What happened when a source was asked during one request."""

    OK = "OK"
    NOT_QUERIED = "NOT_QUERIED"
    TIMEOUT = "TIMEOUT"
    UNAVAILABLE = "UNAVAILABLE"
    CIRCUIT_OPEN = "CIRCUIT_OPEN"


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    """A source's state in one request, and how long it took."""

    name: str
    title: str
    state: SourceState
    elapsed_ms: float = 0.0
    record_types: frozenset[str] = frozenset()
    breaker: BreakerState = BreakerState.CLOSED  # the source's circuit breaker once this outcome was known
    kind: SourceKind = SourceKind.DATABASE

    @property
    def status(self) -> str:
        """Answers the state's name, as GraphQL shows it."""
        return self.state.value

    @property
    def failed(self) -> bool:
        """Answers whether the source was asked and did not answer."""
        return self.state in (SourceState.TIMEOUT, SourceState.UNAVAILABLE, SourceState.CIRCUIT_OPEN)


@dataclass
class Fetched:
    """Rows per subject code and record type, and every source's outcome."""

    rows: dict[str, dict[str, list[Row]]] = field(default_factory=dict)
    outcomes: dict[str, SourceOutcome] = field(default_factory=dict)

    def unanswered(self, record_type: str) -> list[str]:
        """Answers the sources of a record type that were asked and failed, when none of them answered."""
        holders = (o for o in self.outcomes.values() if record_type in o.record_types)
        asked = [o for o in holders if o.state is not SourceState.NOT_QUERIED]
        return [o.name for o in asked] if asked and all(o.failed for o in asked) else []

    def failed_record_types(self) -> set[str]:
        """Answers the record types for which some asked source did not answer."""
        return {rt for outcome in self.outcomes.values() if outcome.failed for rt in outcome.record_types}


class Federation:
    """All configured sources, asked concurrently; order of sources is merge priority."""

    def __init__(
        self,
        sources: Sequence[SqlSource],
        *,
        default_timeout_ms: int,
        breaker_failures: int,
        breaker_reset: float,
        hubs: Sequence[HubSource] = (),
        metrics: HubMetrics | None = None,
    ) -> None:
        self.sources = list(sources)
        self.hubs = list(hubs)  # other Credit Hubs asked like sources (hub.federation.remote)
        self._asked: list[SqlSource | HubSource] = [*self.sources, *self.hubs]
        self._timeouts = {s.name: (s.timeout_ms or default_timeout_ms) / 1000 for s in self._asked}
        self.breakers = {s.name: CircuitBreaker(breaker_failures, breaker_reset) for s in self._asked}
        self.metrics = metrics

    def record_types(self) -> set[str]:
        """Answers every record type some source provides."""
        return {rt for source in self._asked for rt in source.mapping.record_types}

    def names(self) -> list[str]:
        """Answers the name of every source, databases and hubs."""
        return [source.name for source in self._asked]

    async def fetch(self, codes: Sequence[str], needs: Mapping[str, frozenset[str]]) -> Fetched:
        """Answers the rows of `codes` for the record types and fields in `needs`, from every source at once."""
        fetched = Fetched(rows={code: {} for code in codes})
        asked = [(source, source.provides(needs)) for source in self._asked]
        results = await asyncio.gather(*(self._ask(source, codes, part) for source, part in asked if part))
        for source, part in asked:
            if not part:
                fetched.outcomes[source.name] = SourceOutcome(
                    source.name, source.mapping.title, SourceState.NOT_QUERIED, kind=_kind(source)
                )
        for outcome, rows_by_type in results:
            fetched.outcomes[outcome.name] = outcome
            for record_type, rows in rows_by_type.items():
                for row in rows:
                    fetched.rows.setdefault(row[SUBJECT], {}).setdefault(record_type, []).append(row)
        return fetched

    async def _ask(
        self, source: SqlSource | HubSource, codes: Sequence[str], part: dict[str, frozenset[str]]
    ) -> tuple[SourceOutcome, dict[str, list[Row]]]:
        breaker = self.breakers[source.name]
        types, kind = frozenset(part), _kind(source)
        if not codes:
            return SourceOutcome(source.name, source.mapping.title, SourceState.OK, 0.0, types, kind=kind), {}
        if not breaker.allow():
            open_now = BreakerState.OPEN
            return (
                SourceOutcome(source.name, source.mapping.title, SourceState.CIRCUIT_OPEN, 0.0, types, open_now, kind),
                {},
            )
        started = time.perf_counter()
        state = SourceState.OK
        rows: dict[str, list[Row]] = {}
        deadline = asyncio.get_running_loop().time() + self._timeouts[source.name]
        try:
            async with asyncio.timeout_at(deadline + _GRACE_S):
                rows = await source.fetch(codes, part, deadline)
            breaker.succeeded()
        except TimeoutError:
            state = SourceState.TIMEOUT
            breaker.failed()
        except Exception as exc:  # any driver error is one source's failure, never the request's
            state = SourceState.UNAVAILABLE
            breaker.failed()
            log.warning("source %s unavailable: %s", source.name, type(exc).__name__)
        elapsed = (time.perf_counter() - started) * 1000
        after = breaker.state
        if self.metrics is not None:
            self.metrics.source(source.name, state.value, elapsed / 1000, after is BreakerState.OPEN)
        return SourceOutcome(source.name, source.mapping.title, state, elapsed, types, after, kind), rows

    def breaker_states(self) -> dict[str, BreakerState]:
        """Answers each source's breaker state."""
        return {name: breaker.state for name, breaker in self.breakers.items()}


def _kind(source: SqlSource | HubSource) -> SourceKind:
    return SourceKind.HUB if isinstance(source, HubSource) else SourceKind.DATABASE


def sources_of(rows: Sequence[Row]) -> list[Any]:
    """Answers the distinct source names rows came from, in order."""
    return list(dict.fromkeys(row[SOURCE] for row in rows))
