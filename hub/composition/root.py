"""open_hub(settings): every engine opened once, mirrors, register writer and reader started and stopped, and one
frozen, typed Hub yielded, from which the app, the CLI and the tests all start."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from hub.audit import AnomalyThresholds, AuditWriter, Checkpointer, CheckpointPolicy, CheckpointSigner
from hub.audit.cases import CaseRegister
from hub.audit.events import Outcome
from hub.audit.reader import AuditReader
from hub.audit.sign_ins import register_auth_failures
from hub.audit.witness import DirectoryWitness
from hub.catalog.workdays import use_calendar
from hub.collection.read_check import READ_CHECK_CODES
from hub.composition.parts import Files, build_services, hub_sources, load_files, open_sources
from hub.composition.stores import Stores, stores_on, trusted_documents
from hub.config import Settings
from hub.errors import ErrorCode
from hub.federation.fetch import Federation, SourceState
from hub.graphql.receipts import Receipts, operation_names
from hub.graphql.schema import HubSchema, build_schema
from hub.graphql.trusted import TrustedDocuments
from hub.identity.federation import check_actor
from hub.identity.principal import Principal
from hub.identity.service import OAuthService
from hub.metrics import HubMetrics, multiprocess_dir
from hub.policy.load import PolicySet
from hub.services import Services
from hub.store.audit_repo import AuditRepository
from hub.store.clients import ClientRepository
from hub.store.closed_cases import ClosedCaseRepository
from hub.store.engine import is_sqlite, make_engine
from hub.store.keys import check_signing_keys
from hub.web.oauth import build_oauth_service, signing_key_ring

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)
AUDIT_POOL_SIZE = 4  # the register's writer and reader keep a pool of their own, apart from requests'


@dataclass(frozen=True, slots=True)
class Hub:
    """The opened hub: every long-lived part, built once by open_hub and valid until it closes."""

    settings: Settings
    services: Services
    schema: HubSchema
    metrics: HubMetrics
    writer: AuditWriter
    receipts: Receipts
    oauth: OAuthService
    stores: Stores
    documents: TrustedDocuments

    def scope_ceiling(self, department: str) -> frozenset[str]:
        """Answers the scopes a client of `department` may hold at most (its policy's; none without one)."""
        return _ceiling(self.services.policies, department)

    async def authenticate(self, authorization: str | None) -> Principal:
        """Answers the caller, holding no scope its department's policy leaves out (tokens minted before it)."""
        principal = await self.oauth.verifier.verify(authorization)
        check_actor(self.oauth.trust, principal)  # a token exchanged for another hub's caller: that hub still trusted
        if principal.department is None:
            return principal
        allowed = self.scope_ceiling(principal.department)
        return principal if principal.scopes <= allowed else replace(principal, scopes=principal.scopes & allowed)


def _ceiling(policies: PolicySet, department: str) -> frozenset[str]:
    policy = policies.get(department)
    return policy.scopes if policy is not None else frozenset()


@contextlib.asynccontextmanager
async def open_hub(settings: Settings, *, today: Callable[[], date] = date.today) -> AsyncIterator[Hub]:
    """Answers the opened hub for `settings` (`today`: the day disclosure periods are counted on); raises
    ConfigError on a bad file, key or database. Everything it opened is closed, in reverse, on exit."""
    files = load_files(settings)
    schema = build_schema()
    metrics = _metrics(settings, files, schema)
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(use_calendar, use_calendar(files.calendar))  # counted on while open, the previous one after
        opened: dict[tuple[str, tuple[tuple[str, Any], ...]], AsyncEngine] = {}

        def open_engine(url: str, **options: Any) -> AsyncEngine:
            """Answers the engine for `url` with `options`, opened once however many parts ask for it."""
            key = (url, tuple(sorted(options.items())))
            if key not in opened:
                opened[key] = make_engine(url, **options)
                stack.push_async_callback(opened[key].dispose)
            return opened[key]

        stores = stores_on(open_engine(settings.database_url, pool_size=settings.database_pool_size))
        audit_pool = {} if is_sqlite(settings.audit_url) else {"pool_size": AUDIT_POOL_SIZE}
        audit_engine = open_engine(settings.audit_url, **audit_pool)
        keys = signing_key_ring(settings, stores.signing_keys)
        hubs = hub_sources(settings, files, keys.signer)  # other hubs are asked with assertions we sign
        for remote in hubs:
            stack.push_async_callback(remote.aclose)
        federation = Federation(
            await open_sources(settings, files, open_engine),
            default_timeout_ms=settings.source_timeout_ms,
            breaker_failures=settings.breaker_failures,
            breaker_reset=settings.breaker_reset_seconds,
            hubs=hubs,
            metrics=metrics,
        )
        await check_signing_keys(stores.engine, settings)
        writer, reader = await _register(settings, audit_engine, stores.engine, metrics, stack)
        oauth = build_oauth_service(
            settings,
            clients=stores.clients,
            keys=keys,
            revocations=stores.revocations,
            on_event=register_auth_failures(reader),
            scope_ceiling=lambda department: _ceiling(files.policies, department),
        )
        stack.push_async_callback(oauth.verifier.aclose)
        if oauth.trust is not None:
            stack.push_async_callback(oauth.trust.aclose)
        built = build_services(
            settings, files, federation, stores.engine, open_engine, signer=oauth.keys.signer, audit=reader,
            cases=CaseRegister(ClosedCaseRepository(audit_engine)), metrics=metrics, today=today,
        )  # fmt: skip
        services = built.services
        for mirror in built.mirrors:
            await mirror.start()
            stack.push_async_callback(mirror.stop)
        await stores.revocations.start()
        stack.push_async_callback(stores.revocations.stop)
        await stores.documents.start()
        stack.push_async_callback(stores.documents.stop)
        documents = trusted_documents(stores, services.policies, schema)
        await documents.reanalyse()  # a policy change suspends the approved documents whose profile grew
        if services.collection is not None:
            scanner = asyncio.create_task(services.collection.run_scanner(), name="collected-scan")
            stack.callback(scanner.cancel)
        detector = asyncio.create_task(services.read_checks.run_detector(), name="read-check-detector")
        stack.callback(detector.cancel)
        if metrics.shared:
            stack.callback(metrics.worker_stopped)
            sampler = asyncio.create_task(_sample_process(metrics), name="process-metrics")
            stack.callback(sampler.cancel)
        log.info(
            "credit hub started",
            extra={
                "sources": federation.names(),
                "departments": sorted(services.policies.departments),
                "record_types": len(services.catalog.record_types),
                "audit_store": "sqlite" if is_sqlite(settings.audit_url) else "postgresql",
                "workers_share_metrics": multiprocess_dir() is not None,
            },
        )
        yield Hub(
            settings, services, schema, metrics, writer, Receipts(writer, metrics), oauth, stores, documents,
        )  # fmt: skip


async def _register(
    settings: Settings, audit_engine: AsyncEngine, hub_engine: AsyncEngine, metrics: HubMetrics,
    stack: contextlib.AsyncExitStack,
) -> tuple[AuditWriter, AuditReader]:  # fmt: skip
    """Answers the register's writer (started) and reader over the audit database, both closed by `stack`."""
    repository = AuditRepository(audit_engine)
    stack.push_async_callback(repository.close)
    signer = await asyncio.to_thread(CheckpointSigner.load_or_create, settings.audit_key_path)
    cadence = CheckpointPolicy(settings.audit_checkpoint_events, settings.audit_checkpoint_seconds)
    witness = DirectoryWitness(settings.audit_witness_dir) if settings.audit_witness_dir else None
    if witness is not None:
        await asyncio.to_thread(witness.check)
    writer = AuditWriter(
        repository,
        secret=settings.audit_secret,
        checkpointer=Checkpointer(signer, cadence, witness=witness),
        timeout=settings.audit_timeout_seconds,
        max_wait=settings.audit_max_wait_ms / 1000,
        metrics=metrics,
        probe_every=settings.audit_probe_seconds,
    )
    await writer.start()
    stack.push_async_callback(writer.stop)
    reader = AuditReader(
        repository, secret=settings.audit_secret, writer=writer, clients=ClientRepository(hub_engine),
        trusted_keys=(signer.public_key,), witness=witness,
        thresholds=AnomalyThresholds.from_settings(settings.audit_anomalies),
    )  # fmt: skip
    stack.push_async_callback(reader.aclose)
    return writer, reader


def _metrics(settings: Settings, files: Files, schema: HubSchema) -> HubMetrics:
    """Answers the hub's series, each label drawn from a closed set (no subject, name or free text)."""
    return HubMetrics(
        operations=operation_names(schema),
        departments=files.policies.departments.keys(),
        outcomes=[o.value for o in Outcome],
        codes=[c.value for c in ErrorCode],
        sources=files.source_names(),
        states=[s.value for s in SourceState],
        record_types=files.catalog.record_types.keys(),
        check_codes=READ_CHECK_CODES,
    )


async def _sample_process(metrics: HubMetrics, every: float = 5.0) -> None:
    """Records this worker's memory and CPU every few seconds, so that a scrape by any worker shows them all."""
    while True:
        metrics.sample_process()
        await asyncio.sleep(every)
