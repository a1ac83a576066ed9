"""kill -9 of a `serve` process in the middle of a file: no accepted row is lost and none is landed twice."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from stdnum.cn import uscc

from hub.identity.credentials import new_client
from hub.metrics import MULTIPROC_ENV
from hub.store.clients import ClientRepository
from hub.store.collected_tables import items, versions
from hub.store.engine import make_engine
from hub.store.migrate import upgrade
from tests.conftest import _run_apart, create_pg_database, drop_pg_database
from tests.support.server import HubFixture, free_port

ROWS = 20_000
AUTHORITY = "阳泉市市场监督管理局"


def _file(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("subject_code,decision_number,title,category,authority,decided_on,content\n")
        for n in range(ROWS):
            body = f"91140300{n:09d}"
            code = body + uscc.calc_check_digit(body)
            handle.write(
                f"{code},阳市监许〔2026〕{n}号,食品经营许可,普通,{AUTHORITY},2026-11-{1 + n % 28:02d},准予许可\n"
            )
    return path


@pytest.fixture
def hub_url(hub: HubFixture, tmp_path: Path) -> Iterator[str]:
    """Answers a fresh hub database beside the session hub's seeded sources, on the same backend."""
    if hub.settings.database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'crash-hub.db'}"
        return
    url = create_pg_database("hubtest_crash")
    try:
        yield url
    finally:
        drop_pg_database(url)


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from hub.cli.main import main; main()", "serve", "--port", str(port)]
    served = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert served.poll() is None, "serve stopped"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return served
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    served.kill()
    raise AssertionError("serve did not start")


def test_kill_9_during_a_file_loses_no_accepted_row_and_duplicates_none(
    hub: HubFixture, hub_url: str, tmp_path: Path
) -> None:
    upgrade(hub_url)
    client = new_client(name="crash test", org=hub.clients["market-regulation"]["org"], department="market-regulation",
                        scopes=["records:submit"])  # fmt: skip

    async def register() -> None:
        engine = make_engine(hub_url)
        try:
            await ClientRepository(engine).register(client)
        finally:
            await engine.dispose()

    _run_apart(register())
    keys = Path(tempfile.mkdtemp(prefix="crash-keys-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HUB_") and k != MULTIPROC_ENV},
        **{f"HUB_SOURCES__{name.upper()}__URL": url for name, url in hub.source_urls.items()},
        "HUB_DATABASE_URL": hub_url,
        "HUB_AUDIT_SECRET": "crash-test-audit-secret-0123456789abcdef",
        "HUB_SESSION_SECRET": "crash-test-session-secret-zyxwvutsrqponm",
        "HUB_SIGNING_KEY_WRAP_PATH": str(keys / "wrap.jwk"),
        "HUB_AUDIT_KEY_PATH": str(keys / "audit.pem"),
        "HUB_LOG_LEVEL": "warning",
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    path = _file(tmp_path / "licences.csv")
    served = _serve(env, port)

    def token() -> str:
        answer = httpx.post(f"{base}/oauth/token", data={"grant_type": "client_credentials"},
                            auth=(client.client_id, client.secret))  # fmt: skip
        return str(answer.json()["access_token"])

    headers = {"Authorization": f"Bearer {token()}", "X-Hub-Operator": "clerk-1", "Content-Type": "text/csv"}

    def slowly() -> Iterator[bytes]:
        with path.open("rb") as handle:
            while chunk := handle.read(64 * 1024):
                yield chunk
                time.sleep(0.02)

    def post() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server dies under the request: that is the point
            httpx.post(f"{base}/records/licence", content=slowly(), headers=headers, timeout=600)

    sender = threading.Thread(target=post)
    try:
        sender.start()
        deadline = time.monotonic() + 300  # a loaded shared host lands the first chunks slowly
        while time.monotonic() < deadline and _count_all(hub_url) < 2_000:
            time.sleep(0.05)
        os.kill(served.pid, signal.SIGKILL)
        served.wait(timeout=30)
        sender.join(timeout=60)
        landed, history = _count_all(hub_url), _versions_all(hub_url)
        assert 0 < landed < ROWS, f"the kill came mid-file ({landed} landed)"
        assert history == landed, "every landed item has exactly its one version: no chunk landed in part"
        served = _serve(env, port)
        headers["Authorization"] = f"Bearer {token()}"
        answer = httpx.post(f"{base}/records/licence", content=path.read_bytes(), headers=headers, timeout=600)
        assert answer.status_code == 200, answer.text
        again = answer.json()
        assert again["refused"] == []
        assert (again["accepted"], again["unchanged"]) == (ROWS - landed, landed)
        assert (_count_all(hub_url), _versions_all(hub_url)) == (ROWS, ROWS)
    finally:
        served.kill()
        served.wait(timeout=30)


def _scalar(url: str, statement: object) -> int:
    found: list[int] = []

    async def run() -> None:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                found.append(int(await conn.scalar(statement) or 0))  # type: ignore[call-overload]
        finally:
            await engine.dispose()

    _run_apart(run())
    return found[0]


def _count_all(url: str) -> int:
    return _scalar(url, select(func.count()).select_from(items))


def _versions_all(url: str) -> int:
    return _scalar(url, select(func.count()).select_from(versions))
