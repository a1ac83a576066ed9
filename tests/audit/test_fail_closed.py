"""Fail closed: an unreachable audit store makes appends raise AUDIT_UNAVAILABLE within the timeout;
once it is back the writer recovers by itself and the chain verifies with every confirmed event."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

from hub.audit.verify import verify_chain
from hub.audit.writer import AuditWriter
from hub.errors import ErrorCode, HubError
from hub.store.audit_repo import AuditRepository
from tests.audit.support import PG_URL, SECRET, event, fresh_database, pg_port
from tests.support.relay import TcpProxy

TIMEOUT = 0.8


async def _all_unavailable(writer: AuditWriter, n: int) -> float:
    started = time.monotonic()
    results = await asyncio.gather(*(writer.append(event()) for _ in range(n)), return_exceptions=True)
    elapsed = time.monotonic() - started
    assert all(isinstance(result, HubError) for result in results), results
    assert {result.code for result in results if isinstance(result, HubError)} == {ErrorCode.AUDIT_UNAVAILABLE}
    return elapsed


async def _confirmed_events_verify(url: str, confirmed: dict[int, str]) -> None:
    repo = AuditRepository.open(url)
    try:
        report = await verify_chain(repo, secret=SECRET)
        assert report.verified, report
        stored = {row.seq: row.event_id for row in await repo.event_page(0, 10_000)}
        assert sorted(stored) == list(range(1, len(stored) + 1))
        assert all(stored[seq] == event_id for seq, event_id in confirmed.items())
    finally:
        await repo.close()


async def _append_ok(writer: AuditWriter, confirmed: dict[int, str], n: int) -> None:
    for _ in range(n):
        item = event()
        confirmed[await writer.append(item)] = item.event_id


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="HUB_TEST_PG_URL unset")
async def test_postgres_refused_then_silent_then_back(tmp_path: Path) -> None:
    async with fresh_database("postgres", tmp_path) as direct_url:
        proxy = TcpProxy(pg_port())
        await proxy.open()
        url = direct_url.replace(f"127.0.0.1:{pg_port()}", f"127.0.0.1:{proxy.port}")
        repo = AuditRepository.open(url)
        confirmed: dict[int, str] = {}
        try:
            async with AuditWriter(repo, secret=SECRET, timeout=TIMEOUT) as writer:
                await _append_ok(writer, confirmed, 5)
                await proxy.close()  # connections reset, new ones refused
                assert await _all_unavailable(writer, 20) < TIMEOUT + 0.5
                assert not writer.available
                proxy.blackhole = True  # connections accepted, nothing ever answered
                await proxy.open()
                assert await _all_unavailable(writer, 20) < TIMEOUT + 0.5
                await proxy.close()
                proxy.blackhole = False
                await proxy.open()
                await _append_ok(writer, confirmed, 5)
                assert writer.available
                results = await asyncio.gather(*(writer.append(event()) for _ in range(30)))
                assert len(set(results)) == 30
        finally:
            await repo.close()
            await proxy.close()
        await _confirmed_events_verify(direct_url, confirmed)


async def test_sqlite_locked_by_another_process_fails_closed_then_recovers(tmp_path: Path) -> None:
    async with fresh_database("sqlite", tmp_path) as url:
        repo = AuditRepository.open(url)
        confirmed: dict[int, str] = {}
        try:
            async with AuditWriter(repo, secret=SECRET, timeout=TIMEOUT) as writer:
                await _append_ok(writer, confirmed, 3)
                blocker = sqlite3.connect(url.partition(":///")[2], isolation_level=None)
                blocker.execute("BEGIN EXCLUSIVE")
                try:
                    assert await _all_unavailable(writer, 10) < TIMEOUT + 0.5
                finally:
                    blocker.execute("ROLLBACK")
                    blocker.close()
                await _append_ok(writer, confirmed, 3)
                assert writer.available
        finally:
            await repo.close()
        await _confirmed_events_verify(url, confirmed)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="HUB_TEST_PG_URL unset")
async def test_postgres_lost_under_load_never_loses_a_confirmed_event(tmp_path: Path) -> None:
    async with fresh_database("postgres", tmp_path) as direct_url:
        proxy = TcpProxy(pg_port())
        await proxy.open()
        repo = AuditRepository.open(direct_url.replace(f":{pg_port()}/", f":{proxy.port}/"))
        confirmed: dict[int, str] = {}
        refused = 0
        codes: set[ErrorCode] = set()
        stop = asyncio.Event()

        async def client(writer: AuditWriter) -> None:
            nonlocal refused
            while not stop.is_set():
                item = event()
                try:
                    confirmed[await writer.append(item)] = item.event_id
                except HubError as exc:
                    codes.add(exc.code)
                    refused += 1
                    await asyncio.sleep(0.01)

        try:
            async with AuditWriter(repo, secret=SECRET, timeout=TIMEOUT) as writer:
                clients = [asyncio.create_task(client(writer)) for _ in range(16)]
                await asyncio.sleep(0.3)
                await proxy.close()
                await asyncio.sleep(0.5)
                before = len(confirmed)
                await proxy.open()
                await asyncio.sleep(0.5)
                stop.set()
                await asyncio.gather(*clients)
        finally:
            await repo.close()
            await proxy.close()
        assert refused > 0
        assert len(confirmed) > before > 0
        await _confirmed_events_verify(direct_url, confirmed)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="HUB_TEST_PG_URL unset")
async def test_a_store_down_at_start_up_is_unavailable_at_once_and_available_again_without_traffic(
    tmp_path: Path,
) -> None:
    async with fresh_database("postgres", tmp_path) as direct_url:
        proxy = TcpProxy(pg_port())
        await proxy.open()
        url = direct_url.replace(f"127.0.0.1:{pg_port()}", f"127.0.0.1:{proxy.port}")
        await proxy.close()  # down before the writer starts
        repo = AuditRepository.open(url)
        try:
            async with AuditWriter(repo, secret=SECRET, timeout=TIMEOUT, probe_every=0.1) as writer:
                assert not writer.available, "readiness must not say OK before anything was written"
                await proxy.open()
                async with asyncio.timeout(10):
                    while not writer.available:  # noqa: ASYNC110 - the writer's own probe flips it
                        await asyncio.sleep(0.05)
                assert writer.commits == 0, "recovered by its probe, not by a receipt"
                await proxy.close()
                async with asyncio.timeout(10):
                    while writer.available:  # noqa: ASYNC110
                        await asyncio.sleep(0.05)
        finally:
            await repo.close()
            await proxy.close()
