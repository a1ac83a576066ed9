"""The fair baseline: bare Strawberry on Starlette running the same source queries, with no hub logic.

Same types, variables, ParserCache and ValidationCache, same federation statements to the same
databases; no authentication, policy, consent, masking, disclosure periods or audit.

`receipted_app_from_environment` is the same baseline plus one durable INSERT per request into a
plain table of the hub's database: what any receipt committed before the response costs, with no
chain, no event and no hub logic. It tells the receipt's own price apart from the hub's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import asyncpg
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
from hub.store.engine import driver_dsn, make_engine

STATE: dict[str, Any] = {}
RECEIPTS_DDL = (
    "CREATE TABLE IF NOT EXISTS bench_baseline_receipts "
    "(event_id uuid PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), body text NOT NULL)"
)
RECEIPT = "INSERT INTO bench_baseline_receipts (event_id, body) VALUES ($1, $2)"


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Answers nothing: a receipt leaves no session state, so the pool's reset round trip is skipped."""


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
        view = _view(code, fetched.rows.get(code, {}))
        receipts = STATE.get("receipts")
        if receipts is not None:  # committed (synchronous_commit on) before the response leaves
            items = sorted(str(r["_item"]) for rows in fetched.rows.get(code, {}).values() for r in rows)
            await receipts.execute(RECEIPT, uuid.uuid4(), json.dumps({"code": code, "items": items}))
        return view  # type: ignore[return-value]


schema = strawberry.Schema(
    query=Query,
    config=StrawberryConfig(default_resolver=_plain),
    extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)],
)


def app_from_environment() -> Starlette:
    """Answers the baseline app over the sources configured by HUB_* variables."""
    return _app(receipted=False)


def receipted_app_from_environment() -> Starlette:
    """Answers the baseline app that also commits one receipt row per request to HUB_DATABASE_URL."""
    return _app(receipted=True)


def _source_urls(settings: Any, maps: dict[str, Any]) -> list[tuple[Any, str, int]]:
    """Answers each mapped source with its URL and pool size as the hub opens it: the four seeded sources and the
    hub's own collected source (in the hub database unless configured), so both servers ask the same five."""
    found = []
    for name, mapping in maps.items():
        configured = settings.sources.get(name)
        if configured is not None:
            found.append((mapping, configured.url, configured.pool_size))
        elif mapping.managed:
            found.append((mapping, settings.database_url, settings.database_pool_size))
    return found


def _app(*, receipted: bool) -> Starlette:
    settings = load_settings()
    catalog = load_catalog(settings.catalog_path)
    maps = load_source_maps(settings.sources_dir, catalog)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        sources = [
            SqlSource(m, make_engine(url, pool_size=pool, isolation_level="AUTOCOMMIT"))
            for m, url, pool in _source_urls(settings, maps)
        ]
        await asyncio.gather(*(s.check_schema() for s in sources))
        STATE["federation"] = Federation(sources, default_timeout_ms=5000, breaker_failures=10**6, breaker_reset=1)
        STATE["today"] = date.today()
        if receipted:
            hub_engine = make_engine(settings.audit_database_url or settings.database_url)
            dsn = driver_dsn(hub_engine)
            await hub_engine.dispose()
            STATE["receipts"] = await asyncpg.create_pool(dsn, min_size=2, max_size=8, reset=_keep_session)
            await STATE["receipts"].execute(RECEIPTS_DDL)
        yield
        if receipted:
            await STATE.pop("receipts").close()
        await asyncio.gather(*(s.engine.dispose() for s in sources))

    return Starlette(routes=[Route("/graphql", GraphQL(schema, graphql_ide=None))], lifespan=lifespan)
