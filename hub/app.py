"""create_app(settings): routes, middleware and lifespan; the one wiring point of the hub."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import date
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.audit import AnomalyThresholds, AuditWriter, Checkpointer, CheckpointPolicy, CheckpointSigner
from hub.audit.cases import CaseRegister
from hub.audit.events import Outcome
from hub.audit.reader import AuditReader
from hub.audit.witness import DirectoryWitness
from hub.config import Settings, load_settings
from hub.errors import ErrorCode
from hub.federation.fetch import SourceState
from hub.graphql.http import HubGraphQL
from hub.graphql.receipts import Receipts, operation_names
from hub.graphql.schema import build_schema
from hub.graphql.trusted import TrustedDocuments
from hub.identity.federation import check_actor
from hub.identity.principal import Principal
from hub.metrics import CONTENT_TYPE, HubMetrics, multiprocess_dir
from hub.privacy.consent import HUB_ENGINE
from hub.services import build_services
from hub.store.audit_repo import AuditRepository
from hub.store.clients import ClientRepository
from hub.store.closed_cases import ClosedCaseRepository
from hub.store.documents import DocumentRepository
from hub.store.engine import is_sqlite, make_engine
from hub.store.keys import RevocationRepository, SigningKeyRepository, check_signing_keys
from hub.store.reports import ReportRepository
from hub.tracing import tracing_middleware
from hub.web.audit_export import audit_export_route
from hub.web.body_limit import BodyLimit
from hub.web.collect import records_route
from hub.web.oauth import build_oauth_service, oauth_routes
from hub.web.pages import page_routes
from hub.web.reports import report_routes, report_service

log = logging.getLogger(__name__)


class _Lazy:
    """An ASGI endpoint whose application is only built at start-up."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


def create_app(settings: Settings, *, today: Callable[[], date] = date.today, tracer_provider: Any = None) -> Starlette:
    """Answers the ASGI application for `settings`; sources and policies are loaded at start-up; `today` answers
    the day disclosure periods are counted on."""
    hub_engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
    revocations = RevocationRepository(hub_engine)
    state: dict[str, Any] = {}

    def scope_ceiling(department: str) -> frozenset[str]:
        policy = state["services"].policies.get(department)
        return policy.scopes if policy is not None else frozenset()

    oauth = build_oauth_service(
        settings,
        clients=ClientRepository(hub_engine),
        signing_keys=SigningKeyRepository(hub_engine),
        revocations=revocations,
        scope_ceiling=scope_ceiling,
    )

    async def authenticate(authorization: str | None) -> Principal:
        """Answers the caller, holding no scope its department's policy leaves out (tokens minted before it)."""
        principal = await oauth.verifier.verify(authorization)
        check_actor(oauth.trust, principal)  # a token exchanged for another hub's caller: that hub still trusted
        if principal.department is None:
            return principal
        allowed = scope_ceiling(principal.department)
        return principal if principal.scopes <= allowed else replace(principal, scopes=principal.scopes & allowed)

    schema = build_schema()
    graphql = _Lazy()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        services = await build_services(settings, today=today)
        state["services"] = services
        metrics = HubMetrics(
            operations=operation_names(schema),
            departments=services.policies.departments.keys(),
            outcomes=[o.value for o in Outcome],
            codes=[c.value for c in ErrorCode],
            sources=services.federation.names(),
            states=[s.value for s in SourceState],
        )
        state["metrics"] = services.federation.metrics = services.records.metrics = metrics
        await asyncio.gather(services.start(), revocations.start(), oauth.keys.check())
        for remote in services.federation.hubs:  # other hubs are asked with assertions this hub signs
            remote.signer = oauth.keys.signer
        audit_repo = AuditRepository.open(settings.audit_url)
        signer = await asyncio.to_thread(CheckpointSigner.load_or_create, settings.audit_key_path)
        cadence = CheckpointPolicy(settings.audit_checkpoint_events, settings.audit_checkpoint_seconds)
        witness = DirectoryWitness(settings.audit_witness_dir) if settings.audit_witness_dir else None
        if witness is not None:
            await asyncio.to_thread(witness.check)
        writer = AuditWriter(
            audit_repo,
            secret=settings.audit_secret,
            checkpointer=Checkpointer(signer, cadence, witness=witness),
            timeout=settings.audit_timeout_seconds,
            max_wait=settings.audit_max_wait_ms / 1000,
            metrics=metrics,
            probe_every=settings.audit_probe_seconds,
        )
        await writer.start()
        state["writer"] = app.state.audit_writer = writer
        services.audit = AuditReader(
            audit_repo, secret=settings.audit_secret, writer=writer, clients=ClientRepository(hub_engine),
            trusted_keys=(signer.public_key,), witness=witness,
            thresholds=AnomalyThresholds.from_settings(settings.audit_anomalies),
        )  # fmt: skip
        services.cases = CaseRegister(ClosedCaseRepository(audit_repo.engine))
        services.reports = report_service(services, ReportRepository(hub_engine), oauth.keys.signer, settings.issuer)
        documents = TrustedDocuments(
            DocumentRepository(hub_engine), ClientRepository(hub_engine), schema, services.policies
        )
        await documents.reanalyse()  # a policy change suspends the approved documents whose profile grew
        graphql.app = HubGraphQL(
            services,
            authenticate,
            Receipts(writer, metrics),
            documents,
            schema=schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            compiled=settings.compiled_documents,
            receipt_ahead=settings.receipt_before_fetch,
        )
        log.info(
            "credit hub started",
            extra={
                "sources": services.federation.names(),
                "departments": sorted(services.policies.departments),
                "record_types": len(services.catalog.record_types),
                "audit_store": "sqlite" if is_sqlite(settings.audit_url) else "postgresql",
                "workers_share_metrics": multiprocess_dir() is not None,
            },
        )
        sampler = asyncio.create_task(_sample_process(metrics), name="process-metrics") if metrics.shared else None
        scanner = services.collection and asyncio.create_task(services.collection.run_scanner(), name="collected-scan")
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            if sampler is not None:
                sampler.cancel()
                metrics.worker_stopped()
            if scanner:
                scanner.cancel()
            await services.audit.aclose()
            await writer.stop()
            await audit_repo.close()
            await revocations.stop()
            await services.close()
            await oauth.verifier.aclose()
            if oauth.trust is not None:
                await oauth.trust.aclose()
            await hub_engine.dispose()

    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> JSONResponse:
        outcomes = await state["services"].source_statuses()
        sources = {
            o.name: {"status": o.status, "elapsedMs": round(o.elapsed_ms, 1), "breaker": o.breaker.value}
            for o in outcomes
        }
        audit_ok = bool(state["writer"].available)
        ready = audit_ok and all(o.status == "OK" for o in outcomes)
        return JSONResponse(
            {
                "status": "ready" if ready else "degraded",
                "sources": sources,
                "audit": {"status": "OK" if audit_ok else "UNAVAILABLE"},
            },
            status_code=200 if ready else 503,
        )

    async def metrics(_request: Request) -> Response:
        state["metrics"].sample_process()
        return Response(state["metrics"].exposition(), media_type=CONTENT_TYPE)

    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        *oauth_routes(oauth),
        *page_routes(settings, revocations),
        audit_export_route(authenticate, lambda: state["services"]),
        records_route(authenticate, lambda: state["services"], settings.max_submission_bytes),
        *report_routes(graphql, lambda: state["services"]),
    ]
    middleware = [tracing_middleware(tracer_provider)] if settings.otel_traces else []
    middleware.append(Middleware(BodyLimit, limit=settings.max_body_bytes))  # inside tracing: a 413 is traced
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)


async def _sample_process(metrics: HubMetrics, every: float = 5.0) -> None:
    """Records this worker's memory and CPU every few seconds, so that a scrape by any worker shows them all."""
    while True:
        metrics.sample_process()
        await asyncio.sleep(every)


def app_from_environment() -> Starlette:
    """Answers the application configured by HUB_CONFIG_FILE and HUB_* variables (uvicorn factory)."""
    return create_app(load_settings())


async def check_deployment(settings: Settings) -> None:
    """Answers nothing; raises ConfigError when files, policies or sources would stop start-up."""
    services = await build_services(settings)
    try:
        await check_signing_keys(services.engines[HUB_ENGINE], settings)
    finally:
        await services.close()
