"""The audit repository on real databases: chain extension, checkpoints, prune, search, recovery."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from hub.audit.chain import link, prepare
from hub.audit.checkpoints import CheckpointSigner
from hub.store import audit_pg
from hub.store.audit_repo import AuditRepository
from hub.store.audit_rows import GENESIS_HASH, Batch, ChainHead, EventQuery
from tests.audit.support import BACKENDS, SECRET, concealed, event, execute, fresh_database


@pytest.fixture(params=BACKENDS)
async def audit_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
async def repo(audit_url: str) -> AsyncIterator[AuditRepository]:
    repository = AuditRepository.open(audit_url)
    yield repository
    await repository.close()


async def _extend(repo: AuditRepository, *items: object, heads: list[ChainHead] | None = None) -> Batch:
    def build(head: ChainHead) -> Batch:
        if heads is not None:
            heads.append(head)
        rows, subjects = link(head, [prepare(item, SECRET) for item in items])  # type: ignore[arg-type]
        return Batch(tuple(rows), tuple(subjects))

    return await repo.extend(build)


async def test_extend_builds_on_the_stored_head(repo: AuditRepository) -> None:
    heads: list[ChainHead] = []
    first = await _extend(repo, event(), event(), heads=heads)
    await _extend(repo, event(), heads=heads)
    assert heads == [ChainHead(0, GENESIS_HASH), ChainHead(2, first.events[-1].hash)]
    assert (await repo.head_event()).seq == 3  # type: ignore[union-attr]


async def test_a_failing_build_commits_nothing_and_releases_the_lock(repo: AuditRepository) -> None:
    def broken(head: ChainHead) -> Batch:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        await repo.extend(broken)
    assert await repo.head_event() is None
    assert (await _extend(repo, event())).events[0].seq == 1


async def test_checkpoints_are_stored_once_per_seq(repo: AuditRepository, tmp_path: Path) -> None:
    batch = await _extend(repo, event())
    signer = CheckpointSigner.load_or_create(tmp_path / "k.pem")
    checkpoint = signer.sign(1, batch.events[0].hash, batch.events[0].event_id, datetime.now(UTC))
    await repo.add_checkpoint(checkpoint)
    await repo.add_checkpoint(checkpoint)
    assert await repo.checkpoints() == [checkpoint]


async def test_a_fully_pruned_chain_continues_from_its_last_checkpoint(repo: AuditRepository, tmp_path: Path) -> None:
    batch = await _extend(repo, event(), event())
    last = batch.events[-1]
    await repo.add_checkpoint(
        CheckpointSigner.load_or_create(tmp_path / "k.pem").sign(2, last.hash, last.event_id, last.at)
    )
    assert await repo.prune(2) == 2
    heads: list[ChainHead] = []
    await _extend(repo, event(), heads=heads)
    assert heads == [ChainHead(2, last.hash)]


async def test_search_filters_conceals_and_pages(repo: AuditRepository) -> None:
    code = "11010119900307123X"
    await _extend(
        repo,
        event(subjects=[code]),
        event(subjects=[concealed(code, date(2027, 1, 1))]),
        event(subjects=[code], purpose=None),
        event(subjects=[code], purpose="SELF_ACCESS"),
    )
    key = (await repo.subject_rows(1, 1))[0].subject_key
    assert [row.seq for row in await repo.search(EventQuery(subject_key=key))] == [4, 3, 2, 1]
    assert [row.seq for row in await repo.search(EventQuery(subject_key=key, visible_on=date(2026, 12, 31)))] == [
        4,
        3,
        1,
    ]
    assert [row.seq for row in await repo.search(EventQuery(subject_key=key, visible_on=date(2027, 1, 1)))] == [
        4,
        3,
        2,
        1,
    ]
    assert [row.seq for row in await repo.search(EventQuery(exclude_purposes=("SELF_ACCESS",)))] == [3, 2, 1]
    assert [row.seq for row in await repo.search(EventQuery(before_seq=3, limit=1))] == [2]
    assert [row.seq for row in await repo.subject_rows(2, 3)] == [2, 3]


async def test_ping_tells_whether_the_store_answers(repo: AuditRepository) -> None:
    assert await repo.ping()
    unreachable = AuditRepository.open("postgresql+asyncpg://postgres@127.0.0.1:1/none")
    try:
        assert not await unreachable.ping()
    finally:
        await unreachable.close()


async def test_a_connection_the_server_dropped_is_replaced_without_an_error(
    repo: AuditRepository, audit_url: str
) -> None:
    if not audit_url.startswith("postgresql"):
        pytest.skip("server-side disconnects are PostgreSQL's")
    await _extend(repo, event())  # leaves a pooled connection behind
    database = audit_url.rsplit("/", 1)[1]
    await execute(
        audit_url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()",
        params={"db": database},
    )
    assert (await _extend(repo, event())).events[0].seq == 2


def _unbroken(rows: list[tuple[int, str, str]]) -> bool:
    """Answers whether (seq, prev_hash, hash) rows, oldest first, form one gap-free chain from genesis."""
    prev = GENESIS_HASH
    for expected_seq, (seq, prev_hash, digest) in enumerate(rows, start=1):
        if seq != expected_seq or prev_hash != prev:
            return False
        prev = digest
    return True


async def _links(audit_url: str) -> list[tuple[int, str, str]]:
    rows = await execute(audit_url, "SELECT seq, prev_hash, hash FROM audit_events ORDER BY seq")
    return [(row[0], row[1], row[2]) for row in rows]


async def test_writers_of_several_processes_keep_one_unbroken_chain(repo: AuditRepository, audit_url: str) -> None:
    other = AuditRepository.open(audit_url)  # its own engine and remembered head, as in another worker
    try:
        await _extend(repo, event(), event())
        await _extend(other, event())  # `repo` now remembers a head that is no longer the newest
        heads: list[ChainHead] = []
        batch = await _extend(repo, event(), heads=heads)
        assert batch.events[0].seq == 4
        assert heads[-1].seq == 3
        assert _unbroken(await _links(audit_url))
    finally:
        await other.close()


async def test_a_stale_writer_retries_on_the_head_its_refused_statement_saw(
    repo: AuditRepository, audit_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not audit_url.startswith("postgresql"):
        pytest.skip("SQLite reads the head under its write lock every time")
    other = AuditRepository.open(audit_url)
    try:
        await _extend(repo, event())
        await _extend(other, event(), event())
        reads: list[int] = []
        real = audit_pg._stored_head

        async def counted(driver: Any) -> ChainHead:
            reads.append(1)
            return await real(driver)

        monkeypatch.setattr(audit_pg, "_stored_head", counted)
        heads: list[ChainHead] = []
        batch = await _extend(repo, event(), heads=heads)
        assert [head.seq for head in heads] == [1, 3]
        assert batch.events[0].seq == 4
        assert reads == []  # the refused statement told the head: no separate read
        assert _unbroken(await _links(audit_url))
    finally:
        await other.close()


async def test_concurrent_writers_never_fork_the_chain(audit_url: str) -> None:
    repositories = [AuditRepository.open(audit_url) for _ in range(4)]
    try:

        async def write(repository: AuditRepository) -> None:
            for _ in range(15):
                await _extend(repository, event(), event())

        await asyncio.gather(*(write(repository) for repository in repositories))
        links = await _links(audit_url)
        assert len(links) == 4 * 15 * 2
        assert _unbroken(links)
    finally:
        for repository in repositories:
            await repository.close()
