"""A slow or stopped source yields a partial record with SOURCE_UNAVAILABLE, within its timeout."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import PG_URL, _run_apart, create_pg_database, drop_pg_database
from tests.support import server

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="needs HUB_TEST_PG_URL")]

QUERY = """query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  code name penalties { decisionNumber } courtDishonesty { caseNumber } taxCredit { grade }
  sources { name status } } }"""
COURT_TIMEOUT_MS = 400


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@pytest.fixture(scope="module")
def fragile_hub() -> Iterator[Any]:
    """A hub on PostgreSQL whose court source answers within 400 ms or not at all."""
    hub_url = create_pg_database("partial_hub")
    sources = {name: create_pg_database(f"partial_{name}") for name in ("taiyuan", "datong", "tax", "court")}
    try:
        clients: dict[str, dict[str, str]] = {}

        async def prepare() -> None:
            clients.update(await server.prepare(hub_url, sources))

        _run_apart(prepare())
        settings = server.hub_settings(hub_url, sources, breaker_failures=1000)
        settings.sources["court"].timeout_ms = COURT_TIMEOUT_MS
        for base_url in server.serve(settings):
            yield server.HubFixture(base_url, settings, clients, server.sample_codes(), sources)
    finally:
        for url in [hub_url, *sources.values()]:
            drop_pg_database(url)


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def test_a_locked_source_times_out_and_the_rest_answers(fragile_hub: Any) -> None:
    court_dsn = _dsn(fragile_hub.source_urls["court"])
    locked = asyncio.Event()
    release = asyncio.Event()

    async def hold_lock() -> None:
        connection = await asyncpg.connect(court_dsn)
        try:
            async with connection.transaction():
                await connection.execute("LOCK TABLE sxbzxr IN ACCESS EXCLUSIVE MODE")
                locked.set()
                await release.wait()
        finally:
            await connection.close()

    import threading

    loop = asyncio.new_event_loop()
    holder = threading.Thread(target=loop.run_until_complete, args=(hold_lock(),), daemon=True)
    holder.start()
    try:
        deadline = time.monotonic() + 10
        while not locked.is_set() and time.monotonic() < deadline:
            time.sleep(0.02)
        started = time.monotonic()
        body = fragile_hub.graphql("approval-bureau", QUERY, {"c": fragile_hub.samples["enterprise"]}).json()
        elapsed = time.monotonic() - started
    finally:
        loop.call_soon_threadsafe(release.set)
        holder.join(timeout=10)
    subject = body["data"]["subject"]
    assert subject["name"], "the other sources still answer"
    assert subject["penalties"], "the other sources still answer"
    assert subject["courtDishonesty"] is None, "unknown, not an empty list"
    assert {s["name"]: s["status"] for s in subject["sources"]}["court"] == "TIMEOUT"
    unavailable = {tuple(e["path"]): e for e in body["errors"] if e["extensions"]["code"] == "SOURCE_UNAVAILABLE"}
    assert set(unavailable) == {("subject",), ("subject", "courtDishonesty")}
    assert unavailable[("subject",)]["extensions"]["source"] == "court"
    assert "court" in unavailable[("subject", "courtDishonesty")]["message"]
    assert elapsed < COURT_TIMEOUT_MS / 1000 + 1.5


def test_a_stopped_source_database_is_one_error_not_a_failed_query(fragile_hub: Any) -> None:
    tax_name = fragile_hub.source_urls["tax"].rsplit("/", 1)[1]
    admin = _dsn(PG_URL) + "/postgres"

    async def stop(allow: bool) -> None:
        connection = await asyncpg.connect(admin)
        try:
            await connection.execute(f'ALTER DATABASE "{tax_name}" ALLOW_CONNECTIONS {str(allow).lower()}')
            if not allow:
                await connection.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", tax_name
                )
        finally:
            await connection.close()

    _run_apart(stop(False))
    try:
        body = fragile_hub.graphql("approval-bureau", QUERY, {"c": fragile_hub.samples["enterprise"]}).json()
    finally:
        _run_apart(stop(True))
    subject = body["data"]["subject"]
    assert subject["name"]
    assert subject["taxCredit"] is None, "unknown, not an empty list"
    assert {s["name"]: s["status"] for s in subject["sources"]}["tax"] == "UNAVAILABLE"
    assert "SOURCE_UNAVAILABLE" in _codes(body)
    recovered = fragile_hub.graphql("approval-bureau", QUERY, {"c": fragile_hub.samples["enterprise"]}).json()
    assert recovered["data"]["subject"]["taxCredit"], "the source answers again once it is back"


def test_a_source_unreachable_at_start_up_leaves_the_hub_serving_degraded() -> None:
    hub_url = create_pg_database("degraded_hub")
    sources = {name: create_pg_database(f"degraded_{name}") for name in ("taiyuan", "datong", "tax", "court")}
    try:
        clients: dict[str, dict[str, str]] = {}

        async def prepare() -> None:
            clients.update(await server.prepare(hub_url, sources))

        _run_apart(prepare())
        closed = server.free_port()  # nothing listens there: the court's database is down
        reachable = dict(sources)
        reachable["court"] = sources["court"].replace(PG_URL.rsplit(":", 1)[1] + "/", f"{closed}/", 1)
        settings = server.hub_settings(hub_url, reachable, breaker_failures=1000)
        for base_url in server.serve(settings):
            hub = server.HubFixture(base_url, settings, clients, server.sample_codes(), reachable)
            ready = httpx.get(f"{base_url}/readyz")
            assert ready.status_code == 503
            assert ready.json()["sources"]["court"]["status"] == "UNAVAILABLE"
            assert ready.json()["sources"]["tax"] == {**ready.json()["sources"]["tax"], "status": "OK"}
            listed = hub.graphql("approval-bureau", "{ sources { name status breaker } }").json()
            states = {s["name"]: (s["status"], s["breaker"]) for s in listed["data"]["sources"]}
            assert states["court"] == ("UNAVAILABLE", "CLOSED")
            body = hub.graphql("approval-bureau", QUERY, {"c": hub.samples["enterprise"]}).json()
            assert body["data"]["subject"]["name"], "the other sources answer"
            assert body["data"]["subject"]["courtDishonesty"] is None
            assert "SOURCE_UNAVAILABLE" in _codes(body)
    finally:
        for url in [hub_url, *sources.values()]:
            drop_pg_database(url)
