"""The group-commit writer on real databases: batching, gap-free chains, two writers, checkpoints."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from hub.audit.cadence import Checkpointer, CheckpointPolicy
from hub.audit.checkpoints import CheckpointSigner
from hub.audit.verify import verify_chain
from hub.audit.writer import AuditWriter
from hub.errors import ErrorCode, HubError
from hub.store.audit_repo import AuditRepository
from hub.store.audit_rows import Batch, ChainHead
from tests.audit.support import SECRET, event


class CountingRepository(AuditRepository):
    """The real repository, counting its transactions."""

    transactions = 0

    async def extend(self, build: Callable[[ChainHead], Batch]) -> Batch:
        self.transactions += 1
        return await super().extend(build)


@pytest.fixture
async def counting(audit_url: str) -> AsyncIterator[CountingRepository]:
    """A counting repository on its own engine over `audit_url`."""
    repository = CountingRepository.open(audit_url)
    yield repository
    await repository.close()


async def test_concurrent_appends_share_commits_and_chain_without_gaps(audit_url: str) -> None:
    repo = CountingRepository.open(audit_url)
    try:
        async with AuditWriter(repo, secret=SECRET) as writer:
            first = await asyncio.gather(*(writer.append(event()) for _ in range(200)))
            second = await asyncio.gather(*(writer.append(event()) for _ in range(50)))
        assert sorted(first + second) == list(range(1, 251))
        assert repo.transactions < 250 / 4
        stored = await repo.event_page(0, 1000)
        assert [row.seq for row in stored] == list(range(1, 251))
        report = await verify_chain(repo, secret=SECRET)
        assert report.verified
        assert report.events_checked == 250
    finally:
        await repo.close()


async def test_append_returns_the_seq_of_its_own_event(repo: AuditRepository) -> None:
    events = [event(operator=f"clerk-{n}") for n in range(20)]
    async with AuditWriter(repo, secret=SECRET) as writer:
        seqs = await asyncio.gather(*(writer.append(item) for item in events))
    by_seq = {row.seq: row.event_id for row in await repo.event_page(0, 100)}
    assert [by_seq[seq] for seq in seqs] == [item.event_id for item in events]


async def test_two_writers_on_two_engines_append_to_one_chain(audit_url: str) -> None:
    repos = [AuditRepository.open(audit_url), AuditRepository.open(audit_url)]
    try:
        async with AuditWriter(repos[0], secret=SECRET) as one, AuditWriter(repos[1], secret=SECRET) as two:

            async def client(writer: AuditWriter, n: int) -> list[int]:
                return [await writer.append(event()) for _ in range(n)]

            results = await asyncio.gather(*(client(one if i % 2 else two, 15) for i in range(16)))
        seqs = sorted(seq for result in results for seq in result)
        assert seqs == list(range(1, 16 * 15 + 1))
        report = await verify_chain(repos[0], secret=SECRET)
        assert report.verified
        assert report.events_checked == 240
    finally:
        for repo in repos:
            await repo.close()


ROOT = Path(__file__).resolve().parents[2]
_WORKER = """
import asyncio, sys
from hub.audit.writer import AuditWriter
from hub.store.audit_repo import AuditRepository
from tests.audit.support import SECRET, event

async def main() -> None:
    repo = AuditRepository.open(sys.argv[1])
    async with AuditWriter(repo, secret=SECRET) as writer:
        for _ in range(15):
            await asyncio.gather(*(writer.append(event()) for _ in range(10)))
    await repo.close()

asyncio.run(main())
"""


async def test_two_processes_append_to_one_chain(audit_url: str) -> None:
    workers = [
        await asyncio.create_subprocess_exec(sys.executable, "-c", _WORKER, audit_url, cwd=ROOT) for _ in range(2)
    ]
    assert [await worker.wait() for worker in workers] == [0, 0]
    repo = AuditRepository.open(audit_url)
    try:
        assert [row.seq for row in await repo.event_page(0, 1000)] == list(range(1, 301))
        assert (await verify_chain(repo, secret=SECRET)).verified
    finally:
        await repo.close()


async def test_checkpoints_every_k_events_and_on_stop(repo: AuditRepository, tmp_path: Path) -> None:
    signer = CheckpointSigner.load_or_create(tmp_path / "checkpoint-key.pem")
    checkpointer = Checkpointer(signer, CheckpointPolicy(every_events=10, every_seconds=3600))
    async with AuditWriter(repo, secret=SECRET, checkpointer=checkpointer) as writer:
        for _ in range(25):
            await writer.append(event())
    assert [cp.seq for cp in await repo.checkpoints()] == [10, 20, 25]
    report = await verify_chain(repo, trusted_keys=[signer.public_key])
    assert report.verified
    assert report.checkpoints_checked == 3


async def test_idle_writer_anchors_the_tail_after_the_interval(repo: AuditRepository, tmp_path: Path) -> None:
    signer = CheckpointSigner.load_or_create(tmp_path / "checkpoint-key.pem")
    checkpointer = Checkpointer(signer, CheckpointPolicy(every_events=1000, every_seconds=0.2))
    async with AuditWriter(repo, secret=SECRET, checkpointer=checkpointer) as writer:
        await writer.append(event())
        await writer.append(event())
        await asyncio.sleep(0.6)
        assert [cp.seq for cp in await repo.checkpoints()] == [2]


async def test_append_before_start_or_after_stop_fails_closed(repo: AuditRepository) -> None:
    writer = AuditWriter(repo, secret=SECRET)
    with pytest.raises(HubError) as before:
        await writer.append(event())
    assert before.value.code is ErrorCode.AUDIT_UNAVAILABLE
    await writer.start()
    assert await writer.append(event()) == 1
    await writer.stop()
    with pytest.raises(HubError) as after:
        await writer.append(event())
    assert after.value.code is ErrorCode.AUDIT_UNAVAILABLE


class GatedRepository(AuditRepository):
    """The real repository, holding each transaction until the test opens the gate."""

    gate = asyncio.Event()

    async def extend(self, build: Callable[[ChainHead], Batch]) -> Batch:
        await self.gate.wait()
        return await super().extend(build)


async def test_a_caller_who_gave_up_before_its_commit_is_not_registered(audit_url: str) -> None:
    repo = GatedRepository.open(audit_url)
    repo.gate = asyncio.Event()
    try:
        async with AuditWriter(repo, secret=SECRET) as writer:
            first = asyncio.ensure_future(writer.append(event()))
            await asyncio.sleep(0.05)  # the first batch is now waiting at the gate
            abandoned = asyncio.ensure_future(writer.append(event(operator="gave-up")))
            await asyncio.sleep(0.05)
            abandoned.cancel()
            await asyncio.sleep(0.05)
            repo.gate.set()
            assert await first == 1
            assert await writer.append(event()) == 2
        assert "gave-up" not in {row.operator for row in await repo.event_page(0, 10)}
    finally:
        await repo.close()


async def _append_expected(writer: AuditWriter, delay: float, operator: str) -> int:
    """One request as the hub runs it: announced first, its event handed over `delay` seconds later."""
    with writer.expecting():
        await asyncio.sleep(delay)
        return await writer.append(event(operator=operator))


async def test_requests_in_flight_share_one_commit_when_all_have_arrived(counting: CountingRepository) -> None:
    async with AuditWriter(counting, secret=SECRET, max_wait=30.0) as writer:
        async with asyncio.timeout(10):  # early: the batch leaves once the last announced event is in
            seqs = await asyncio.gather(*(_append_expected(writer, 0.01 * n, f"clerk-{n}") for n in range(10)))
    assert sorted(seqs) == list(range(1, 11))
    assert counting.transactions == 1
    assert (await verify_chain(counting, secret=SECRET)).verified


async def test_a_request_alone_is_never_held_back(counting: CountingRepository) -> None:
    async with AuditWriter(counting, secret=SECRET, max_wait=30.0) as writer:
        async with asyncio.timeout(10):
            assert await _append_expected(writer, 0, "alone") == 1
            assert await writer.append(event(operator="unannounced")) == 2
    assert counting.transactions == 2


async def test_a_request_that_leaves_without_an_event_releases_the_batch(counting: CountingRepository) -> None:
    async with AuditWriter(counting, secret=SECRET, max_wait=30.0) as writer:

        async def refused() -> None:
            with writer.expecting():
                await asyncio.sleep(0.05)  # a request refused before it reached its receipt

        async with asyncio.timeout(10):
            seq, _ = await asyncio.gather(_append_expected(writer, 0, "answered"), refused())
    assert seq == 1


async def test_a_slow_request_delays_the_others_by_max_wait_at_most(counting: CountingRepository) -> None:
    async with AuditWriter(counting, secret=SECRET, max_wait=0.05) as writer:
        slow = asyncio.ensure_future(_append_expected(writer, 30, "slow"))
        await asyncio.sleep(0.01)
        async with asyncio.timeout(10):
            assert await _append_expected(writer, 0, "quick") == 1
        assert not slow.done()
        slow.cancel()
    assert [row.operator for row in await counting.event_page(0, 10)] == ["quick"]


@pytest.mark.parametrize("text", ["\x00", "clerk\x00-7", "\ud800", "\x1b[2J"])
async def test_an_event_the_register_cannot_hold_is_refused_before_it_joins_a_batch(
    counting: CountingRepository, text: str
) -> None:
    async with AuditWriter(counting, secret=SECRET) as writer:
        appended = [writer.append(event(operator=f"clerk-{n}")) for n in range(5)]
        results = await asyncio.gather(*appended[:2], writer.append(event(operator=text)), *appended[2:],
                                       return_exceptions=True)  # fmt: skip
        assert writer.available
    refused = results.pop(2)
    assert isinstance(refused, HubError)
    assert refused.code is ErrorCode.BAD_USER_INPUT
    assert "operator holds U+" in refused.message
    assert sorted(results) == [1, 2, 3, 4, 5]  # type: ignore[type-var]
    assert counting.transactions == 1
    assert (await verify_chain(counting, secret=SECRET)).verified


async def test_an_event_the_store_refuses_fails_alone_and_its_batch_is_committed(repo: AuditRepository) -> None:
    async with AuditWriter(repo, secret=SECRET) as writer:
        first = event(operator="first")
        assert await writer.append(first) == 1
        again = event(operator="again", event_id=first.event_id)  # event_id is unique in the register
        others = [event(operator=f"clerk-{n}") for n in range(6)]
        results = await asyncio.gather(*map(writer.append, others[:3]), writer.append(again),
                                       *map(writer.append, others[3:]), return_exceptions=True)  # fmt: skip
        refused = results.pop(3)
        assert isinstance(refused, HubError)
        assert refused.code is ErrorCode.AUDIT_UNAVAILABLE
        assert writer.available  # the store answered the others: /readyz stays ready
        assert sorted(results) == [2, 3, 4, 5, 6, 7]  # type: ignore[type-var]
        assert await writer.append(event(operator="after")) == 8
    stored = await repo.event_page(0, 20)
    assert [row.operator for row in stored].count("again") == 0
    assert (await verify_chain(repo, secret=SECRET)).verified
