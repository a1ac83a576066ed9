"""The app as deployed with several workers on PostgreSQL: one register, one list of revoked tokens.

Two instances of the app over the same databases, each with its own engines, mirrors and chain
writer, stand for two uvicorn workers.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from hub.audit.verify import verify_chain
from hub.cli.main import app as cli
from hub.store.audit_repo import AuditRepository
from tests.conftest import PG_URL, create_pg_database, drop_pg_database
from tests.graphql.audit_hub import run_apart, running_hub
from tests.support import server

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="needs HUB_TEST_PG_URL")]

LOOKUP = "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { name } }"


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[server.HubFixture, server.HubFixture]]:
    """Answers two running instances of the hub over one set of PostgreSQL databases."""
    with running_hub("postgresql", tmp_path_factory.mktemp("workers")) as one:
        for base_url in server.serve(one.settings):
            yield one, server.HubFixture(base_url, one.settings, one.clients, one.samples, one.source_urls)


def _ask(hub: server.HubFixture, token: str) -> httpx.Response:
    return httpx.post(
        f"{hub.base_url}/graphql",
        json={"query": LOOKUP, "variables": {"c": hub.samples["enterprise"]}},
        headers={"Authorization": f"Bearer {token}", "X-Hub-Operator": "clerk-7"},
        timeout=30,
    )


def _token(hub: server.HubFixture, department: str) -> str:
    client = hub.clients[department]
    response = httpx.post(
        f"{hub.base_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client["client_id"], client["client_secret"]),
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def test_a_token_revoked_at_one_worker_is_refused_by_the_other(workers: Any) -> None:
    one, two = workers
    token = _token(one, "approval-bureau")
    assert _ask(two, token).status_code == 200  # the other worker has checked and remembered it
    client = one.clients["approval-bureau"]
    revoked = httpx.post(
        f"{one.base_url}/oauth/revoke", data={"token": token}, auth=(client["client_id"], client["client_secret"])
    )
    assert revoked.status_code == 200
    assert _ask(one, token).status_code == 401
    deadline = time.monotonic() + 2.0  # the other worker hears of it when the revocation commits
    while (refused := _ask(two, token)).status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    for _ in range(20):
        assert _ask(two, token).status_code == 401


def test_both_workers_extend_one_unbroken_register(workers: Any) -> None:
    one, two = workers
    tokens = {hub.base_url: _token(hub, "approval-bureau") for hub in (one, two)}
    for index in range(30):
        hub = (one, two)[index % 2]
        response = _ask(hub, tokens[hub.base_url])
        assert response.status_code == 200
        assert response.json()["extensions"]["audit"]["eventId"]

    async def verified() -> Any:
        repo = AuditRepository.open(one.settings.audit_url)
        try:
            return await verify_chain(repo, secret=one.settings.audit_secret)
        finally:
            await repo.close()

    report = run_apart(verified())
    assert report.verified
    assert report.events_checked >= 30


def test_two_replicas_under_concurrent_load_keep_one_chain_that_verifies(workers: Any) -> None:
    one, two = workers
    tokens = {hub.base_url: _token(hub, "approval-bureau") for hub in (one, two)}

    def burst(index: int) -> list[str]:
        hub = (one, two)[index % 2]
        return [_ask(hub, tokens[hub.base_url]).json()["extensions"]["audit"]["eventId"] for _ in range(10)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        receipts = [receipt for batch in pool.map(burst, range(8)) for receipt in batch]
    assert len(set(receipts)) == 80
    result = CliRunner().invoke(cli, ["audit", "verify", "--database-url", one.settings.audit_url])
    assert result.exit_code == 0, result.output


def test_a_register_restored_from_a_dump_verifies(workers: Any, tmp_path: Path) -> None:
    one, _ = workers
    assert _ask(one, _token(one, "approval-bureau")).status_code == 200
    source = one.settings.audit_url
    dump = tmp_path / "hub.dump"
    plain = source.replace("postgresql+asyncpg://", "postgresql://")
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", plain], check=True)
    restored = create_pg_database("restored")
    try:
        target = restored.replace("postgresql+asyncpg://", "postgresql://")
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={target}", str(dump)], check=True)
        result = CliRunner().invoke(cli, ["audit", "verify", "--database-url", restored])
        assert result.exit_code == 0, result.output
        assert "verified" in result.output
    finally:
        drop_pg_database(restored)
