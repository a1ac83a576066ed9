"""No disclosure without a receipt: with the audit database unreachable mid-run every data query answers
AUDIT_UNAVAILABLE and no record data; once it is back, every receipt handed out is in the register and
the chain verifies."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import PG_URL
from tests.graphql.audit_hub import PRIVACY, all_events, backends, codes, event_id, run_apart, running_hub
from tests.support.server import COURT_CASE, HubFixture

QUERIES: list[tuple[str, str, str]] = [
    ("approval-bureau", "enterprise", "ADMINISTRATIVE_APPROVAL"),
    ("market-regulation", "person", "SUPERVISION"),
    ("court", "blacklisted", "LAW_ENFORCEMENT"),
    ("tax", "enterprise", "SUPERVISION"),
]
RECORD = """query($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) {
  code name phone address legalRepresentative { name idNumber } penalties { decisionNumber amount }
  listings { list reason } } }"""
BULK = "query($cs: [ID!]!) { subjects(codes: $cs, purpose: ADMINISTRATIVE_APPROVAL) { code name } }"


class _PgBlock:
    """Makes one PostgreSQL database refuse connections and ends its sessions; then lets it back."""

    def __init__(self, url: str) -> None:
        self.name = url.rsplit("/", 1)[1]
        self.admin = PG_URL.replace("postgresql+asyncpg://", "postgresql://") + "/postgres"

    async def _run(self, *statements: tuple[str, tuple[str, ...]]) -> None:
        connection = await asyncpg.connect(self.admin)
        try:
            for statement, args in statements:
                await connection.execute(statement, *args)
        finally:
            await connection.close()

    @contextlib.contextmanager
    def blocked(self) -> Iterator[None]:
        ends = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1"
        run_apart(self._run((f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false', ()), (ends, (self.name,))))
        try:
            yield
        finally:
            run_apart(self._run((f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true', ())))


class _SqliteBlock:
    """Holds an exclusive lock on the SQLite audit file, as another process would."""

    def __init__(self, url: str) -> None:
        self.path = Path(url.partition(":///")[2])

    @contextlib.contextmanager
    def blocked(self) -> Iterator[None]:
        blocker = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()


@pytest.fixture(scope="module", params=backends())
def separate_audit_hub(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HubFixture]:
    """A hub whose register lives in a database of its own, so only the register can be taken away."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    folder = tmp_path_factory.mktemp("fail-closed")
    with running_hub(request.param, folder, separate_audit=True, audit_timeout_seconds=1.0) as hub:
        yield hub


def _blocker(hub: HubFixture) -> _PgBlock | _SqliteBlock:
    url = hub.settings.audit_url
    assert url != hub.settings.database_url
    return _SqliteBlock(url) if url.startswith("sqlite") else _PgBlock(url)


def _data_queries(hub: HubFixture) -> list[httpx.Response]:
    def one(item: tuple[str, str, str]) -> httpx.Response:
        department, sample, purpose = item
        case = COURT_CASE if department == "court" else None
        return hub.graphql(department, RECORD, {"c": hub.samples[sample], "p": purpose}, case=case)

    bulk = [hub.samples["enterprise"], hub.samples["blacklisted"]]
    with ThreadPoolExecutor(len(QUERIES) + 1) as pool:
        answers = list(pool.map(one, QUERIES))
        answers.append(pool.submit(hub.graphql, "approval-bureau", BULK, {"cs": bulk}).result())
    return answers


def _names(hub: HubFixture) -> list[str]:
    body = hub.graphql("approval-bureau", RECORD, {"c": hub.samples["enterprise"], "p": "ADMINISTRATIVE_APPROVAL"})
    subject = body.json()["data"]["subject"]
    return [subject["name"], subject["phone"], hub.samples["enterprise"], hub.samples["person"]]


def _receipts(answers: list[httpx.Response]) -> list[str]:
    found: list[str] = []
    for answer in answers:
        assert answer.status_code == 200
        body = answer.json()
        assert "errors" not in body or "AUDIT_UNAVAILABLE" not in codes(body), body
        assert any(value is not None for value in body["data"].values())
        receipt = event_id(body)
        assert receipt, body
        found.append(receipt)
    return found


def _refused_without_data(answer: httpx.Response, secrets: list[str]) -> None:
    body: dict[str, Any] = answer.json()
    assert body["data"] is None, body
    assert codes(body) == ["AUDIT_UNAVAILABLE"]
    assert event_id(body) is None
    assert not any(secret and secret in answer.text for secret in secrets)


def _readiness(hub: HubFixture, status: int) -> dict[str, Any]:
    """Answers /readyz once it reports `status` (the writer learns of a lost store on its next batch)."""
    deadline = time.monotonic() + 15
    while True:
        ready = httpx.get(f"{hub.base_url}/readyz", timeout=10)
        if ready.status_code == status or time.monotonic() > deadline:
            assert ready.status_code == status, ready.text
            body: dict[str, Any] = ready.json()
            return body
        hub.graphql("approval-bureau", RECORD, {"c": hub.samples["enterprise"], "p": "ADMINISTRATIVE_APPROVAL"})
        time.sleep(0.5)


def test_register_down_mid_run_fails_closed_then_every_receipt_is_registered(separate_audit_hub: HubFixture) -> None:
    hub = separate_audit_hub
    secrets = _names(hub)
    handed_out = _receipts(_data_queries(hub))
    with _blocker(hub).blocked():
        started = time.monotonic()
        for _ in range(2):
            for answer in _data_queries(hub):
                _refused_without_data(answer, secrets)
        assert time.monotonic() - started < 30
        assert _readiness(hub, 503)["audit"]["status"] == "UNAVAILABLE"
        me = hub.graphql("bank", "{ me { department } }").json()  # no record data: answered, unregistered
        assert me["data"]["me"]["department"] == "bank"
    deadline = time.monotonic() + 20
    while True:  # the writer reconnects by itself on the next batch
        answers = _data_queries(hub)
        if all(event_id(answer.json()) for answer in answers) or time.monotonic() > deadline:
            break
        for answer in answers:
            if not event_id(answer.json()):
                _refused_without_data(answer, secrets)
        time.sleep(0.5)
    handed_out += _receipts(answers)
    registered = {event["eventId"] for event in all_events(hub)}
    assert set(handed_out) <= registered
    integrity = hub.graphql(PRIVACY, "{ auditIntegrity { verified eventsChecked firstBadEventId } }").json()
    report = integrity["data"]["auditIntegrity"]
    assert report["verified"]
    assert report["firstBadEventId"] is None
    assert report["eventsChecked"] >= len(handed_out)
    assert _readiness(hub, 200)["audit"]["status"] == "OK"
