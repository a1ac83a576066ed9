"""create_app(hub): the routes and middleware around an opened Hub; create_app_from_settings for uvicorn workers."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hub.composition import Hub, open_hub
from hub.config import Settings, load_settings
from hub.graphql.http import HubGraphQL
from hub.metrics import CONTENT_TYPE
from hub.tracing import tracing_middleware
from hub.web.audit_export import audit_export_route
from hub.web.body_limit import BodyLimit
from hub.web.collect import records_route
from hub.web.oauth import oauth_routes
from hub.web.officer_signin import officer_signin_route
from hub.web.pages import page_routes
from hub.web.reports import report_routes


def create_app(hub: Hub, *, tracer_provider: Any = None) -> Starlette:
    """Answers the ASGI application serving an opened `hub` (which its opener closes, after the app stops)."""
    return Starlette(routes=routes(hub), middleware=middleware(hub.settings, tracer_provider))


def create_app_from_settings(
    settings: Settings | None = None, *, today: Callable[[], date] = date.today, tracer_provider: Any = None
) -> Starlette:
    """Answers an application that opens its own hub at start-up and closes it at shutdown: one per uvicorn worker
    (`settings`: HUB_CONFIG_FILE and HUB_* when not given; `today`: the day disclosure periods are counted on)."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_hub(settings, today=today) as hub:
            app.router.routes.extend(routes(hub))  # the routes exist only while their hub is open
            gc.collect()
            gc.freeze()  # start-up objects live as long as the worker: keep them out of every collection
            try:
                yield
            finally:
                app.router.routes.clear()

    return Starlette(lifespan=lifespan, middleware=middleware(settings, tracer_provider))


def app_from_environment() -> Starlette:
    """Answers the application configured by HUB_CONFIG_FILE and HUB_* variables (uvicorn factory)."""
    return create_app_from_settings()


def middleware(settings: Settings, tracer_provider: Any = None) -> list[Middleware]:
    """Answers the middleware around every route: optional tracing, then the body limit (a 413 is traced)."""
    found = [tracing_middleware(tracer_provider)] if settings.otel_traces else []
    found.append(Middleware(BodyLimit, limit=settings.max_body_bytes))
    return found


def routes(hub: Hub) -> list[BaseRoute]:
    """Answers every route of the hub: GraphQL, health, readiness, metrics, OAuth, pages, the register export."""
    services = hub.services
    graphql = HubGraphQL(
        services,
        hub.authenticate,
        hub.receipts,
        hub.documents,
        schema=hub.schema,
        graphql_ide="graphiql" if hub.settings.graphiql else None,
        allow_queries_via_get=True,
        compiled=hub.settings.compiled_documents,
        receipt_ahead=hub.settings.receipt_before_fetch,
    )

    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> JSONResponse:
        outcomes = await services.source_statuses()
        sources = {
            o.name: {"status": o.status, "elapsedMs": round(o.elapsed_ms, 1), "breaker": o.breaker.value}
            for o in outcomes
        }
        audit_ok = bool(hub.writer.available)
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
        hub.metrics.sample_process()
        return Response(hub.metrics.exposition(), media_type=CONTENT_TYPE)

    return [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        *oauth_routes(hub.oauth),
        *([officer_signin_route(hub.oauth, services)] if hub.oauth.oidc_settings else []),
        *page_routes(services, hub.stores.revocations),
        audit_export_route(hub.authenticate, services),
        records_route(hub.authenticate, services, hub.settings.max_submission_bytes),
        *report_routes(graphql, services),
    ]


async def check_deployment(settings: Settings) -> None:
    """Answers nothing; raises ConfigError when files, policies, keys or databases would stop start-up."""
    async with open_hub(settings):
        pass
