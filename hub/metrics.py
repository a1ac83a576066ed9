"""The hub's Prometheus series (`credit_hub_*`): every label value is taken from a closed set, never from a request."""

from __future__ import annotations

import os
import resource
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Literal

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
OTHER = "other"  # the label value of anything outside a label's closed set
_SECONDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BATCH = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def multiprocess_dir() -> str | None:
    """Answers the folder where worker processes share their series, when several workers serve."""
    return os.environ.get(MULTIPROC_ENV) or None


class _Closed:
    """A label's closed set of values: anything else is counted as `other`."""

    def __init__(self, values: Iterable[str]) -> None:
        self._values = frozenset(values)

    def __call__(self, value: str | None) -> str:
        return value if value is not None and value in self._values else OTHER


class HubMetrics:
    """The series one hub process updates; `exposition()` answers them in Prometheus text format."""

    def __init__(
        self,
        *,
        operations: Iterable[str],
        departments: Iterable[str],
        outcomes: Iterable[str],
        codes: Iterable[str],
        sources: Iterable[str],
        states: Iterable[str],
        record_types: Iterable[str] = (),
        check_codes: Iterable[str] = (),
    ) -> None:
        self._operation = _Closed(operations)
        self._department = _Closed(departments)
        self._outcome = _Closed(outcomes)
        self._code = _Closed(codes)
        self._source = _Closed(sources)
        self._state = _Closed(states)
        self._record_type = _Closed(record_types)
        self._check_code = _Closed(check_codes)
        self.registry = CollectorRegistry(auto_describe=True)
        self.shared = multiprocess_dir() is not None
        if not self.shared:  # several workers: each writes its own files and process series are not merged
            ProcessCollector(namespace="credit_hub", registry=self.registry)
        on = self.registry
        self._worker_memory = Gauge(
            "credit_hub_worker_resident_memory_bytes", "Resident memory of each serving worker (label pid)",
            multiprocess_mode="liveall", registry=on,
        )  # fmt: skip
        self._worker_cpu = Gauge(
            "credit_hub_worker_cpu_seconds", "CPU time each serving worker has used (label pid)",
            multiprocess_mode="liveall", registry=on,
        )  # fmt: skip
        self._requests = Counter(
            "credit_hub_requests", "GraphQL operations by root field, department and outcome",
            ["operation", "department", "outcome"], registry=on,
        )  # fmt: skip
        self._request_seconds = Histogram(
            "credit_hub_request_duration_seconds", "Time from the request's start to its durable receipt",
            ["operation"], buckets=_SECONDS, registry=on,
        )  # fmt: skip
        self._errors = Counter(
            "credit_hub_errors", "Errors in answers by error code and department", ["code", "department"], registry=on
        )
        self._source_seconds = Histogram(
            "credit_hub_source_duration_seconds", "Time one source took to answer or fail, by its state",
            ["source", "state"], buckets=_SECONDS, registry=on,
        )  # fmt: skip
        self._breaker_open = Gauge(
            "credit_hub_source_breaker_open", "1 while a source's circuit breaker is open",
            ["source"], multiprocess_mode="max", registry=on,
        )  # fmt: skip
        self._stage_seconds = Histogram(
            "credit_hub_stage_duration_seconds", "Time one request spent in a stage of the read path",
            ["stage"], buckets=_SECONDS, registry=on,
        )  # fmt: skip
        self._read_faults = Counter(
            "credit_hub_read_faults", "Items read from pulled sources that fail a collection check, by check code",
            ["source", "record_type", "code"], registry=on,
        )  # fmt: skip
        self._commits = Counter("credit_hub_audit_commits", "Register batches committed", registry=on)
        self._commit_failures = Counter("credit_hub_audit_commit_failures", "Register batches refused", registry=on)
        self._batch_events = Histogram(
            "credit_hub_audit_batch_events", "Events per committed register batch", buckets=_BATCH, registry=on
        )
        self._commit_seconds = Histogram(
            "credit_hub_audit_commit_duration_seconds", "Time one register batch took to commit",
            buckets=_SECONDS, registry=on,
        )  # fmt: skip
        self._chain_head = Gauge(
            "credit_hub_audit_chain_head", "Sequence number of the newest committed register event",
            multiprocess_mode="max", registry=on,
        )  # fmt: skip

    def operations(self, names: Sequence[str]) -> tuple[str, ...]:
        """Answers the root field names of an operation as counted: a name the schema lacks becomes `other`."""
        return tuple(dict.fromkeys(self._operation(name) for name in names if name != "__typename")) or (OTHER,)

    def request(
        self, operations: Sequence[str], department: str | None, outcome: str, codes: Sequence[str], seconds: float
    ) -> None:
        """Answers nothing; counts one GraphQL operation under each of its root fields."""
        dept = self._department(department)
        for name in operations or (OTHER,):
            operation = self._operation(name)
            self._requests.labels(operation, dept, self._outcome(outcome)).inc()
            self._request_seconds.labels(operation).observe(seconds)
        for code in codes:
            self._errors.labels(self._code(code), dept).inc()

    def stage(self, stage: Stage, seconds: float) -> None:
        """Answers nothing; records the time one request spent in `stage`."""
        self._stage_seconds.labels(stage).observe(seconds)

    def source(self, name: str, state: str, seconds: float, breaker_open: bool) -> None:
        """Answers nothing; records how one source answered one request, and its breaker."""
        source = self._source(name)
        self._source_seconds.labels(source, self._state(state)).observe(seconds)
        self._breaker_open.labels(source).set(1 if breaker_open else 0)

    def read_fault(self, source: str, record_type: str, codes: Sequence[str]) -> None:
        """Answers nothing; counts one item read from a pulled source under each collection check it fails."""
        labels = (self._source(source), self._record_type(record_type))
        for code in codes:
            self._read_faults.labels(*labels, self._check_code(code)).inc()

    def commit(self, events: int, seconds: float, head_seq: int) -> None:
        """Answers nothing; records one committed register batch."""
        self._commits.inc()
        self._batch_events.observe(events)
        self._commit_seconds.observe(seconds)
        self._chain_head.set(head_seq)

    def commit_failed(self) -> None:
        """Answers nothing; counts one register batch that the store refused."""
        self._commit_failures.inc()

    def sample_process(self) -> None:
        """Answers nothing; records this worker's resident memory and CPU time (call it every few seconds)."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self._worker_cpu.set(usage.ru_utime + usage.ru_stime)
        try:
            pages = int(Path("/proc/self/statm").read_text().split()[1])
            self._worker_memory.set(pages * os.sysconf("SC_PAGE_SIZE"))
        except (OSError, ValueError, IndexError):  # not Linux: peak memory is what the kernel tells
            self._worker_memory.set(usage.ru_maxrss * 1024)

    def worker_stopped(self) -> None:
        """Answers nothing; drops this worker's live series from the shared folder as it exits."""
        if self.shared:
            _multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

    def exposition(self) -> bytes:
        """Answers every series in Prometheus text format (all workers' when several serve)."""
        folder = multiprocess_dir()
        if folder is None:
            return generate_latest(self.registry)
        merged = CollectorRegistry()
        _multiprocess.MultiProcessCollector(merged, path=folder)  # type: ignore[no-untyped-call]
        return generate_latest(merged)


CommitObserver = Callable[[int, float, int], None]
Stage = Literal["auth", "plan", "fetch", "shape", "receipt", "write"]  # write: a compiled document's writer
