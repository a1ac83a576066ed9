"""`credit-hub audit verify | export-checkpoints | prune`: summaries and exit codes 0, 1, 2."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hub.audit.cadence import Checkpointer, CheckpointPolicy
from hub.audit.checkpoints import CheckpointSigner
from hub.audit.writer import AuditWriter
from hub.cli.audit import register
from hub.store.audit_repo import AuditRepository
from tests.audit.support import BACKENDS, SECRET, event, fresh_database, tamper


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """credit-hub"""

    register(app)
    return app


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_app(), ["audit", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(params=BACKENDS)
async def chain(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[str, Path]]:
    """A register of 30 events with checkpoints at 10, 20, 30, and the key that signed them."""
    key = tmp_path / "checkpoint.pem"
    async with fresh_database(request.param, tmp_path) as url:
        repo = AuditRepository.open(url)
        checkpointer = Checkpointer(CheckpointSigner.load_or_create(key), CheckpointPolicy(every_events=10))
        async with AuditWriter(repo, secret=SECRET, checkpointer=checkpointer) as writer:
            for _ in range(30):
                await writer.append(event())
        await repo.close()
        yield url, key


def test_verify_an_intact_register_exits_0(chain: tuple[str, Path]) -> None:
    url, key = chain
    code, out, _ = run("verify", "--database-url", url, "--key", str(key))
    assert code == 0, out
    assert "verified" in out
    assert "30" in out


async def _event_id(url: str, seq: int) -> str:
    repo = AuditRepository.open(url)
    try:
        return (await repo.event_page(seq - 1, 1))[0].event_id
    finally:
        await repo.close()


# The CLI runs its own event loop, so these tests are synchronous and drive the database with asyncio.run.
def test_verify_a_tampered_register_exits_1_naming_the_event(chain: tuple[str, Path]) -> None:
    url, _ = chain
    asyncio.run(tamper(url, "DELETE FROM audit_events WHERE seq = 17"))
    next_id = asyncio.run(_event_id(url, 18))
    code, out, _ = run("verify", "--database-url", url)
    assert code == 1
    assert next_id in out
    assert "seq 18" in out
    assert "gap" in out


def test_published_checkpoints_catch_a_deleted_tail(chain: tuple[str, Path], tmp_path: Path) -> None:
    url, key = chain
    published = tmp_path / "checkpoints.jsonl"
    assert run("export-checkpoints", "--database-url", url, "--output", str(published))[0] == 0
    assert len(published.read_text().splitlines()) == 3
    assert run("verify", "--database-url", url, "--checkpoints", str(published), "--key", str(key))[0] == 0
    asyncio.run(tamper(url, "DELETE FROM audit_events WHERE seq > 12", "DELETE FROM audit_checkpoints WHERE seq > 12"))
    assert run("verify", "--database-url", url)[0] == 0
    code, out, _ = run("verify", "--database-url", url, "--checkpoints", str(published))
    assert code == 1
    assert "tail missing" in out


@pytest.mark.parametrize(
    "args",
    [
        ("verify", "--database-url", "mysql://somewhere/db"),
        ("verify", "--database-url", "sqlite+aiosqlite:////nonexistent/dir/hub.db"),
        ("verify", "--database-url", "postgresql+asyncpg://postgres@127.0.0.1:1/none"),
        ("verify", "--checkpoints", "/nonexistent/checkpoints.jsonl"),
        ("verify", "--key", "/nonexistent/key.pem"),
        ("prune", "--database-url", "sqlite+aiosqlite:////tmp/x.db"),
        ("prune", "--years", "2", "--yes"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: tuple[str, ...]) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("error:")
    assert "Traceback" not in out + err


def test_a_bad_checkpoints_file_exits_2(chain: tuple[str, Path], tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.jsonl"
    bogus.write_text('{"seq": 1}\n')
    code, _, err = run("verify", "--database-url", chain[0], "--checkpoints", str(bogus))
    assert code == 2
    assert "line 1" in err


def test_prune_keeps_young_events(chain: tuple[str, Path]) -> None:
    code, out, _ = run("prune", "--database-url", chain[0], "--yes")
    assert code == 0
    assert "pruned 0 events" in out
    assert run("verify", "--database-url", chain[0])[0] == 0
