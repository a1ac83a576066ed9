"""The fair baseline: bare Strawberry on Starlette running the same source queries, with no hub logic.

Same types, variables, ParserCache and ValidationCache, same federation statements to the same
databases; no authentication, policy, consent, masking, disclosure periods or audit.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from hub.catalog.load import load_catalog
from hub.config import load_settings
from hub.federation.adapter import SqlSource
from hub.federation.fetch import Federation
from hub.federation.mapping import load_source_maps
from hub.graphql.selection import requested_fields
from hub.graphql.types import Subject
from hub.policy.purposes import Purpose
from hub.store.engine import make_engine

STATE: dict[str, Any] = {}


def _plain(source: Any, name: str) -> object:
    return source.get(name) if type(source) is dict else getattr(source, name)


def _view(code: str, rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    view: dict[str, Any] = {"code": code, "kind": "LEGAL_ENTITY", "sources": []}
    registration = rows.get("registration", [{}])
    view.update({k: v for k, v in registration[0].items() if not k.startswith("_") and "." not in k})
    for record_type, key in (
        ("penalty", "penalties"),
        ("listing", "listings"),
        ("tax_credit", "tax_credit"),
        ("licence", "licences"),
        ("court_dishonesty", "court_dishonesty"),
    ):
        view[key] = [{"id": r["_item"], "source": r["_source"], **r} for r in rows.get(record_type, [])]
    return view


@strawberry.type
class Query:
    @strawberry.field
    async def subject(self, info: Info, code: strawberry.ID, purpose: Purpose) -> Subject | None:
        requested, _ = requested_fields(info.selected_fields[0].selections).frozen()
        fetched = await STATE["federation"].fetch([code], requested)
        return _view(code, fetched.rows.get(code, {}))  # type: ignore[return-value]


schema = strawberry.Schema(
    query=Query,
    config=StrawberryConfig(default_resolver=_plain),
    extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)],
)


def app_from_environment() -> Starlette:
    """Answers the baseline app over the sources configured by HUB_* variables."""
    settings = load_settings()
    catalog = load_catalog(settings.catalog_path)
    maps = load_source_maps(settings.sources_dir, catalog)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        sources = [
            SqlSource(m, make_engine(settings.sources[n].url, isolation_level="AUTOCOMMIT")) for n, m in maps.items()
        ]
        await asyncio.gather(*(s.check_schema() for s in sources))
        STATE["federation"] = Federation(sources, default_timeout_ms=5000, breaker_failures=10**6, breaker_reset=1)
        STATE["today"] = date.today()
        yield
        await asyncio.gather(*(s.engine.dispose() for s in sources))

    return Starlette(routes=[Route("/graphql", GraphQL(schema, graphql_ide=None))], lifespan=lifespan)
