"""The register's read side: a cached, single-flight integrity report; organisation names; failures masked."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from hub.audit.reader import AuditReader
from hub.audit.review import AuditFilter
from hub.audit.writer import AuditWriter
from hub.errors import ErrorCode, HubError
from hub.store.audit_repo import AuditRepository
from hub.store.audit_rows import EventRow
from tests.audit.support import SECRET, event

PERSON = "11010119900307123X"


class SlowStore:
    """The real repository, counting verification walks and slowing each page down."""

    def __init__(self, repo: AuditRepository, delay: float = 0.0) -> None:
        self.repo, self.delay, self.walks = repo, delay, 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.repo, name)

    async def event_page(self, after_seq: int, limit: int) -> list[EventRow]:
        if after_seq == 0:
            self.walks += 1
        await asyncio.sleep(self.delay)
        return await self.repo.event_page(after_seq, limit)


@dataclass(frozen=True)
class Client:
    org: str
    name: str


class Clients:
    """A client register that counts how often it is listed."""

    def __init__(self, rows: Sequence[Client]) -> None:
        self.rows, self.calls = list(rows), 0

    async def list_all(self) -> Sequence[Client]:
        self.calls += 1
        return self.rows


async def _fill(repo: AuditRepository, n: int = 3) -> None:
    async with AuditWriter(repo, secret=SECRET) as writer:
        for _ in range(n):
            await writer.append(event(subjects=[PERSON], org_name=None))


async def test_integrity_is_cached_and_verified_once_at_a_time(repo: AuditRepository) -> None:
    await _fill(repo)
    store = SlowStore(repo, delay=0.05)
    reader = AuditReader(store, secret=SECRET, integrity_ttl=60)  # type: ignore[arg-type]
    reports = await asyncio.gather(*(reader.integrity() for _ in range(10)))
    assert store.walks == 1
    assert {status.checked_at for status in reports} == {reports[0].checked_at}
    assert reports[0].report.verified
    assert reports[0].report.events_checked == 3
    assert (await reader.integrity()) is reports[0]
    assert store.walks == 1


async def test_a_slow_refresh_answers_the_stale_report_and_finishes_behind(repo: AuditRepository) -> None:
    await _fill(repo)
    store = SlowStore(repo)
    reader = AuditReader(store, secret=SECRET, integrity_ttl=0, integrity_wait=0.05)  # type: ignore[arg-type]
    first = await reader.integrity()
    store.delay = 0.3
    stale = await reader.integrity()
    assert stale is first
    await asyncio.sleep(0.8)
    store.delay = 0.0
    fresh = await reader.integrity()
    assert fresh.checked_at > first.checked_at
    await reader.aclose()


async def test_organisation_names_come_from_the_client_register_and_are_cached(repo: AuditRepository) -> None:
    await _fill(repo, 2)
    clients = Clients([Client("91110000100000000A", "示例银行 信贷系统"), Client("91110000100000000A", "second")])
    reader = AuditReader(repo, secret=SECRET, clients=clients)
    page = await reader.access_log(PERSON, 10, None)
    assert [entry.organisation for entry in page.items] == ["示例银行 信贷系统"] * 2
    assert clients.calls == 1
    assert await reader.name_of("91110000100000000A", "stored name") == "stored name"
    assert await reader.name_of("91999999999999999Z") == "91999999999999999Z"  # unknown: its code
    assert await reader.name_of(None) is None


class SlowClients(Clients):
    async def list_all(self) -> Sequence[Client]:
        await asyncio.sleep(0.05)
        return await super().list_all()


async def test_concurrent_first_look_ups_all_wait_for_the_one_load_of_names(repo: AuditRepository) -> None:
    clients = SlowClients([Client("91110000100000000A", "示例银行 信贷系统")])
    reader = AuditReader(repo, secret=SECRET, clients=clients)
    names = await asyncio.gather(*(reader.name_of("91110000100000000A") for _ in range(20)))
    assert names == ["示例银行 信贷系统"] * 20
    assert clients.calls == 1


class BrokenStore:
    """A store whose every read fails with text that must never reach a caller."""

    async def search(self, *_: object) -> list[EventRow]:
        raise OSError(f"connection lost while reading subject {PERSON}")

    async def checkpoints(self) -> list[object]:
        raise OSError(f"connection lost while reading subject {PERSON}")


async def test_store_failures_become_audit_unavailable() -> None:
    reader = AuditReader(BrokenStore(), secret=SECRET)  # type: ignore[arg-type]
    for call in (reader.events(AuditFilter(), 10, None), reader.access_log(PERSON, 10, None), reader.integrity()):
        with pytest.raises(HubError) as caught:
            await call
        assert caught.value.code is ErrorCode.AUDIT_UNAVAILABLE
        assert PERSON not in caught.value.render()
