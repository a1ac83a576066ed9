"""A hub of its own for rights tests (they change state), with the development sign-in for subjects."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update

from hub.store.engine import make_engine
from hub.store.rights import RightsRepository
from hub.store.tables import objections, source_feedback
from tests.conftest import _run_apart, create_pg_database, drop_pg_database
from tests.support import server

FILE = """mutation($i: FileObjectionInput!) {
  fileObjection(input: $i) { id itemId status dueOn dueOnEstimated overdue department } }"""
RESOLVE = """mutation($i: ResolveObjectionInput!) { resolveObjection(input: $i) {
  id status outcome suspendedDays decisionNote corrections { field value } } }"""
APPLY = "mutation($i: CreditRepairInput!) { applyCreditRepair(input: $i) { id status dueOn evidence { kind } } }"
DECIDE = "mutation($i: DecideCreditRepairInput!) { decideCreditRepair(input: $i) { id status publishedAt } }"
MINE = """{ myObjections { id itemId status suspendedDays } myRepairs { id itemId status publishedAt } }"""


def rights_hub(backend: str, folder: Path) -> Iterator[server.HubFixture]:
    """Yields a running hub with dev login on its own seeded databases (SQLite files or PostgreSQL)."""
    created: list[str] = []
    if backend == "sqlite":
        hub_url, source_urls = server.sqlite_urls(folder)
    else:
        hub_url = create_pg_database("rights_hub")
        source_urls = {name: create_pg_database(f"rights_{name}") for name in ("taiyuan", "datong", "tax", "court")}
        created = [hub_url, *source_urls.values()]
    try:
        clients: dict[str, dict[str, str]] = {}

        async def prepare() -> None:
            clients.update(await server.prepare(hub_url, source_urls))

        _run_apart(prepare())
        settings = server.hub_settings(hub_url, source_urls, dev_login=True)
        for base_url in server.serve(settings):
            yield server.HubFixture(base_url, settings, clients, server.sample_codes(), source_urls)
    finally:
        for url in created:
            drop_pg_database(url)


def self_token(hub: server.HubFixture, code: str) -> str:
    """Answers a citizen's or enterprise's own token from the development sign-in."""
    response = httpx.post(f"{hub.base_url}/dev/login", json={"code": code}, timeout=30)
    response.raise_for_status()
    return str(response.json()["access_token"])


def as_self(hub: server.HubFixture, code: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """Answers the JSON body of a GraphQL POST made with the subject's own token."""
    response = httpx.post(
        f"{hub.base_url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {self_token(hub, code)}"},
        timeout=30,
    )
    return response.json()  # type: ignore[no-any-return]


def codes(body: dict[str, Any]) -> list[str]:
    """Answers the contract codes of a response's errors."""
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def backdate_objection(hub: server.HubFixture, objection_id: str, days: int) -> None:
    """Moves an objection's filing date `days` back, as if it had been open that long."""

    async def move() -> None:
        engine = make_engine(hub.settings.database_url)
        try:
            async with engine.begin() as conn:
                statement = update(objections).where(objections.c.id == objection_id)
                filed = datetime.now(UTC) - timedelta(days=days)
                await conn.execute(statement.values(filed_at=filed))
        finally:
            await engine.dispose()

    _run_apart(move())


def pending_feedback(hub: server.HubFixture, source: str) -> list[dict[str, Any]]:
    """Answers the notices queued for a source in the hub's feedback table."""
    found: list[dict[str, Any]] = []

    async def read() -> None:
        engine = make_engine(hub.settings.database_url)
        try:
            found.extend(await RightsRepository(engine).pending_feedback(source))
        finally:
            await engine.dispose()

    _run_apart(read())
    return found


def backdate_notices(hub: server.HubFixture, hours: float) -> None:
    """Moves every queued notice `hours` back, as if it had waited that long."""

    async def move() -> None:
        engine = make_engine(hub.settings.database_url)
        try:
            async with engine.begin() as conn:
                queued = datetime.now(UTC) - timedelta(hours=hours)
                await conn.execute(update(source_feedback).values(created_at=queued))
        finally:
            await engine.dispose()

    _run_apart(move())
