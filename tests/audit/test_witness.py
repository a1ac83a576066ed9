"""The witness outside the hub database: a deleted tail taken with its checkpoints is still caught."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.audit.checkpoints import CheckpointSigner
from hub.audit.witness import WITNESS_FILE, DirectoryWitness
from hub.cli.main import app
from hub.errors import ConfigError
from tests.audit.support import tamper
from tests.graphql.audit_hub import backends, running_hub
from tests.support.server import HubFixture

LOOKUP = "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { name } }"
INTEGRITY = "{ auditIntegrity { verified lastSeq reason firstBadEventId } }"


def test_published_checkpoints_come_back_and_a_torn_last_line_is_ignored(tmp_path: Path) -> None:
    signer = CheckpointSigner.load_or_create(tmp_path / "key.pem")
    witness = DirectoryWitness(tmp_path / "witness")
    witness.check()
    assert witness.published() == []
    rows = [signer.sign(seq, f"{seq:064x}", f"event-{seq}", _at()) for seq in (10, 20)]
    for row in rows:
        witness.publish(row)
    with (tmp_path / "witness" / WITNESS_FILE).open("a", encoding="utf-8") as torn:
        torn.write('{"seq": 30, "hash"')  # a crash in the middle of a write
    assert witness.published() == rows


def test_a_witness_folder_that_cannot_be_written_stops_start_up(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot append to the audit witness") as caught:
        DirectoryWitness(blocked / "witness").check()
    assert "audit_witness_dir" in caught.value.place


@pytest.fixture(scope="module", params=backends())
def witnessed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    """A hub that checkpoints every 3 events into a witness folder, after 10 receipted queries."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    folder = tmp_path_factory.mktemp("witnessed")
    with running_hub(request.param, folder, audit_witness_dir=folder / "witness", audit_checkpoint_events=3) as hub:
        for _ in range(10):
            hub.graphql("approval-bureau", LOOKUP, {"c": hub.samples["enterprise"]}).raise_for_status()
        yield hub


def test_deleting_the_tail_with_its_checkpoints_fails_verify_and_integrity(witnessed: HubFixture) -> None:
    hub = witnessed
    witness = DirectoryWitness(hub.settings.audit_witness_dir or Path())
    published = witness.published()
    assert len(published) >= 3, "every checkpoint reached the witness"
    cut = published[-2].seq
    deletions = ("DELETE FROM audit_events WHERE seq > :cut", "DELETE FROM audit_checkpoints WHERE seq > :cut")
    asyncio.run(tamper(hub.settings.audit_url, *deletions, params={"cut": cut}))
    env = {key: value for key, value in os.environ.items() if not key.startswith("HUB_")}
    args = ["audit", "verify", "--database-url", hub.settings.audit_url]
    alone = CliRunner().invoke(app, args, env={**env, "HUB_AUDIT_SECRET": hub.settings.audit_secret})
    assert alone.exit_code == 0, "inside the database alone the shortened chain is consistent"
    witnessed_env = {
        **env,
        "HUB_AUDIT_SECRET": hub.settings.audit_secret,
        "HUB_AUDIT_WITNESS_DIR": str(witness.path.parent),
    }
    checked = CliRunner().invoke(app, args, env=witnessed_env)
    assert checked.exit_code == 1, checked.output
    assert "tail missing" in checked.output
    integrity = hub.graphql("privacy-office", INTEGRITY).json()["data"]["auditIntegrity"]
    assert integrity["verified"] is False
    assert integrity["lastSeq"] == cut
    assert integrity["reason"] == "tail missing"


def _at() -> datetime:
    return datetime(2026, 6, 1, 12, tzinfo=UTC)
