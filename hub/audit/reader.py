"""The register's read side for the API: review pages, anomalies, a cached integrity report, subjects'
access logs with organisation names, CSV export and the receipts of reviews. Store failures become
AUDIT_UNAVAILABLE (their text may quote personal data: only the type is logged)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from hub.audit.anomalies import Anomaly, AnomalyThresholds, find_anomalies
from hub.audit.events import AuditEvent
from hub.audit.export import CsvLayout, export_csv
from hub.audit.ports import AuditStore
from hub.audit.review import AccessEntry, AuditFilter, AuditRecord, Page, access_log, review
from hub.audit.verify import IntegrityReport, verify_chain
from hub.audit.witness import DirectoryWitness
from hub.audit.writer import AuditWriter
from hub.errors import ErrorCode, HubError

log = logging.getLogger("hub.audit.reader")
T = TypeVar("T")


class ClientEntry(Protocol):
    """A registered client as far as names go (hub.store.clients.ClientRow)."""

    @property
    def org(self) -> str: ...

    @property
    def name(self) -> str: ...


class ClientDirectory(Protocol):
    """Where client organisations' names come from (hub.store.clients.ClientRepository)."""

    async def list_all(self) -> Sequence[ClientEntry]:
        """Answers every registered client, oldest first."""
        ...


@dataclass(frozen=True, slots=True)
class IntegrityStatus:
    """A verification report and when it was made."""

    report: IntegrityReport
    checked_at: datetime


def _utc_now() -> datetime:
    return datetime.now(UTC)


def unavailable(exc: BaseException | None = None) -> HubError:
    """Answers the AUDIT_UNAVAILABLE error for a failed read, logging the failure's type only."""
    if exc is not None:
        log.warning("audit register read failed (%s)", type(exc).__name__)
    return HubError(ErrorCode.AUDIT_UNAVAILABLE, "the audit register cannot be read now", fix="retry later")


async def _guarded(work: Awaitable[T]) -> T:
    try:
        return await work
    except HubError:
        raise
    except Exception as exc:  # any store failure: the caller gets AUDIT_UNAVAILABLE, never driver text
        raise unavailable(exc) from None


class AuditReader:
    """Reads the register for privacy officers and subjects; one per application."""

    def __init__(
        self,
        store: AuditStore,
        *,
        secret: str,
        writer: AuditWriter | None = None,
        clients: ClientDirectory | None = None,
        trusted_keys: Collection[str] = (),
        witness: DirectoryWitness | None = None,
        thresholds: AnomalyThresholds | None = None,
        integrity_ttl: float = 30.0,
        integrity_wait: float = 5.0,
        names_ttl: float = 300.0,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.store, self.secret, self.writer, self.clients = store, secret, writer, clients
        self.trusted_keys = tuple(trusted_keys)
        self.witness = witness
        self.thresholds = thresholds or AnomalyThresholds()
        self.integrity_ttl, self.integrity_wait, self.names_ttl = integrity_ttl, integrity_wait, names_ttl
        self.clock = clock
        self._status: IntegrityStatus | None = None
        self._status_at = 0.0
        self._verifying: asyncio.Task[IntegrityStatus] | None = None
        self._names: dict[str, str] = {}
        self._names_at = -names_ttl
        self._loading_names: asyncio.Task[dict[str, str]] | None = None

    async def events(self, where: AuditFilter, first: int, after: str | None) -> Page[AuditRecord]:
        """Answers one page of the register matching `where`, newest first, concealed entries included."""
        return await _guarded(review(self.store, self.secret, where, first=first, after=after))

    async def anomalies(self, since: datetime, department_purposes: Mapping[str, Collection[str]]) -> list[Anomaly]:
        """Answers the anomalies among events since `since`, most severe first."""
        return await _guarded(
            find_anomalies(
                self.store, self.secret, since, thresholds=self.thresholds, department_purposes=department_purposes
            )
        )

    async def access_log(
        self, subject_code: str, first: int, after: str | None, narrow: AuditFilter | None = None
    ) -> Page[AccessEntry]:
        """Answers who accessed the subject's record, newest first, concealed entries hidden, organisations named.

        `narrow`: a time window (`since`, `until` exclusive) and one organisation (`org`), each optional.
        """
        log = access_log(self.store, self.secret, subject_code, self.clock(), first=first, after=after, narrow=narrow)
        page = await _guarded(log)
        items = []
        for entry in page.items:
            stored = entry.organisation if entry.organisation != entry.org else None
            items.append(replace(entry, organisation=await self.name_of(entry.org, stored)))
        return Page(items, page.next_cursor)

    async def name_of(self, org: str | None, stored: str | None = None) -> str | None:
        """Answers an organisation's name: the one stored with the event, else the client register's, else its code."""
        if stored or org is None:
            return stored or org
        names = await self._client_names(refresh_for=org)
        return names.get(org, org)

    async def _client_names(self, refresh_for: str) -> Mapping[str, str]:
        now = time.monotonic()
        stale = now - self._names_at > self.names_ttl
        unknown = refresh_for not in self._names and now - self._names_at > min(10.0, self.names_ttl)
        if self.clients is not None and (stale or unknown) and self._loading_names is None:
            self._names_at = now
            self._loading_names = asyncio.create_task(self._load_names(self.clients))
        if self._loading_names is not None:  # every caller meanwhile waits for the same load
            loading = self._loading_names
            try:
                self._names = await asyncio.shield(loading)
            except Exception as exc:  # names are a courtesy: fall back to the organisation code
                log.warning("client names unavailable (%s)", type(exc).__name__)
            finally:
                if self._loading_names is loading:
                    self._loading_names = None
        return self._names

    @staticmethod
    async def _load_names(clients: ClientDirectory) -> dict[str, str]:
        names: dict[str, str] = {}
        for row in await clients.list_all():  # oldest first: an organisation's first client names it
            names.setdefault(row.org, row.name)
        return names

    async def integrity(self) -> IntegrityStatus:
        """Answers the chain's integrity, verified at most once per `integrity_ttl` seconds, one run at a time.

        A stale report is refreshed; when the refresh takes longer than `integrity_wait` seconds the
        stale report is answered (its `checked_at` says when) and the refresh finishes in the background.
        """
        if self._status is not None and time.monotonic() - self._status_at < self.integrity_ttl:
            return self._status
        task = self._verifying
        if task is None or task.done():
            task = self._verifying = asyncio.create_task(self._verify(), name="audit-integrity")
            task.add_done_callback(_consume)
        if self._status is None:
            return await _guarded(asyncio.shield(task))
        try:
            async with asyncio.timeout(self.integrity_wait):
                return await _guarded(asyncio.shield(task))
        except TimeoutError:  # only the wait: a failed verification raised AUDIT_UNAVAILABLE above
            return self._status

    async def _verify(self) -> IntegrityStatus:
        started = self.clock()
        published = await asyncio.to_thread(self.witness.published) if self.witness is not None else []
        report = await verify_chain(
            self.store, trusted_keys=self.trusted_keys, published=published, secret=self.secret, now=started
        )
        status = IntegrityStatus(report, started)
        self._status, self._status_at = status, time.monotonic()
        if not report.verified:
            log.error("audit chain broken at seq %s (%s)", report.first_bad_seq, report.reason)
        return status

    def export(self, where: AuditFilter, layout: CsvLayout | None = None) -> AsyncIterator[str]:
        """Answers the matching register as CSV text (laid out for programs unless told), streamed page by page."""
        return export_csv(self.store, self.secret, where, self.clock(), layout)

    async def record(self, event: AuditEvent) -> str:
        """Answers the event id once the event is durable; raises AUDIT_UNAVAILABLE otherwise."""
        if self.writer is None:
            raise unavailable()
        await self.writer.append(event)
        return event.event_id

    async def aclose(self) -> None:
        """Answers nothing; stops a verification still running."""
        task, self._verifying = self._verifying, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _consume(task: asyncio.Task[IntegrityStatus]) -> None:
    if not task.cancelled():
        task.exception()  # retrieved here so a failure nobody awaited is not reported as lost
