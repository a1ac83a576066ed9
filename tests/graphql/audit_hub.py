"""A hub of its own for the register's tests: dev login on, and optionally the audit log in its own database."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import httpx

from hub.identity.credentials import new_client
from hub.store.clients import ClientRepository
from hub.store.engine import make_engine
from hub.store.migrate import upgrade
from tests.conftest import PG_URL, create_pg_database, drop_pg_database
from tests.support import server

PRIVACY = "privacy-office"
EVENTS = """query($f: AuditFilter, $first: Int, $after: String) {
  auditEvents(filter: $f, first: $first, after: $after) {
    edges { cursor node { eventId seq at type outcome organisation organisationName department operator purpose
      clientId errorCodes latencyMs subjects { code fieldsClear fieldsMasked fieldsDenied concealedUntil } } }
    pageInfo { hasNextPage endCursor } } }"""
ACCESS_LOG = """query($first: Int, $after: String) { myAccessLog(first: $first, after: $after) {
  edges { node { eventId at organisation organisationCode department departmentTitle purpose
    items { field title form } } }
  pageInfo { hasNextPage endCursor } } }"""


async def register_client(url: str, name: str, org: str, department: str, scopes: tuple[str, ...]) -> dict[str, str]:
    """Answers the credentials of a client registered straight in the hub's database at `url`."""
    client = new_client(name=name, org=org, department=department, scopes=scopes)
    engine = make_engine(url)
    try:
        await ClientRepository(engine).register(client)
    finally:
        await engine.dispose()
    return {"client_id": client.client_id, "client_secret": client.secret, "org": client.org}


def run_apart(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Answers the coroutine's result, run on its own loop in its own thread (away from the tests' loop)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@contextlib.contextmanager
def running_hub(
    backend: str, folder: Path, *, separate_audit: bool = False, **extra: Any
) -> Iterator[server.HubFixture]:
    """Yields a running hub over freshly seeded sources; its settings' audit_url names the register."""
    created: list[str] = []
    if backend == "sqlite":
        hub_url, source_urls = server.sqlite_urls(folder)
        audit_url = f"sqlite+aiosqlite:///{folder / 'audit.db'}"
    else:
        hub_url = create_pg_database("hubtest_hub")
        created.append(hub_url)
        source_urls = {}
        for name in ("taiyuan", "datong", "tax", "court"):
            source_urls[name] = create_pg_database(f"hubtest_{name}")
            created.append(source_urls[name])
        audit_url = create_pg_database("hubtest_audit") if separate_audit else hub_url
        if separate_audit:
            created.append(audit_url)
    try:
        clients = run_apart(server.prepare(hub_url, source_urls))
        if separate_audit:
            run_apart(asyncio.to_thread(upgrade, audit_url))
            extra["audit_database_url"] = audit_url
        settings = server.hub_settings(hub_url, source_urls, **extra)
        for base_url in server.serve(settings):
            yield server.HubFixture(base_url, settings, clients, server.sample_codes(), source_urls)
    finally:
        for url in created:
            drop_pg_database(url)


def backends() -> list[str]:
    """Answers the backends to test on: SQLite always, PostgreSQL when HUB_TEST_PG_URL is set."""
    return ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def self_token(hub: server.HubFixture, code: str) -> str:
    """Answers a citizen's or enterprise's token from the development sign-in."""
    response = httpx.post(f"{hub.base_url}/dev/login", json={"code": code}, timeout=30)
    response.raise_for_status()
    return str(response.json()["access_token"])


def self_graphql(hub: server.HubFixture, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    """Answers the JSON body of a GraphQL POST made with a self token."""
    response = httpx.post(
        f"{hub.base_url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    return response.json()


def all_events(hub: server.HubFixture, where: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Answers every register event matching `where`, newest first, read page by page as the privacy office."""
    found: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        body = hub.graphql(PRIVACY, EVENTS, {"f": where, "first": 500, "after": after}).json()
        assert "errors" not in body, body["errors"]
        page = body["data"]["auditEvents"]
        found.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def codes(body: dict[str, Any]) -> list[str]:
    """Answers the error codes of a GraphQL response body."""
    return [error["extensions"]["code"] for error in body.get("errors") or []]


def event_id(body: dict[str, Any]) -> str | None:
    """Answers the receipt's event id of a GraphQL response body, if any."""
    return ((body.get("extensions") or {}).get("audit") or {}).get("eventId")
