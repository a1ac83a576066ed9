"""`credit-hub feedback pull`: a source's department gets its correction notices over HTTP until it acknowledges."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from hub.cli.feedback import register
from hub.errors import HubError
from tests.conftest import BACKENDS
from tests.rights.support import FILE, RESOLVE, as_self, rights_hub
from tests.support.server import HubFixture

RECORD = "query($c: ID!) { subject(code: $c, purpose: SUPERVISION) { listings { id list } } }"
runner = CliRunner()


def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Credit Hub."""

    register(app)
    return app


@pytest.fixture(scope="module", params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    yield from rights_hub(request.param, tmp_path_factory.mktemp("feedback-cli"))


@pytest.fixture(scope="module")
def revoked(hub: HubFixture) -> str:
    """Answers the item of an objection market regulation upheld by revoking it."""
    firm = hub.samples["enterprise"]
    listings = hub.graphql("market-regulation", RECORD, {"c": firm}).json()["data"]["subject"]["listings"]
    item = next(i["id"] for i in listings if i["list"] == "KEY_ATTENTION")
    filed = as_self(hub, firm, FILE, {"i": {"itemId": item, "reason": "名单信息与事实不符"}})["data"]["fileObjection"]
    decision = {"id": filed["id"], "decision": "UPHOLD", "outcome": "REVOKE", "note": "核实有误，予以撤销"}
    assert "errors" not in hub.graphql("market-regulation", RESOLVE, {"i": decision}).json()
    return str(item)


def _pull(hub: HubFixture, department: str, *extra: str, secret: str | None = None) -> Any:
    client = hub.clients[department]
    args = ["feedback", "pull", "--url", hub.base_url, "--client-id", client["client_id"]]
    return runner.invoke(cli(), [*args, "--client-secret", secret or client["client_secret"], *extra])


def _lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_pull_redelivers_until_acknowledged(hub: HubFixture, revoked: str, tmp_path: Path) -> None:
    first = _pull(hub, "market-regulation")
    assert first.exit_code == 0, first.output
    [notice] = _lines(first.stdout)
    assert (notice["itemId"], notice["action"], notice["deliveries"]) == (revoked, "REVOKE", 1)
    assert "1 notices delivered, 0 acknowledged" in first.stderr

    out = tmp_path / "notices.jsonl"
    acknowledged = _pull(hub, "market-regulation", "--ack", "--out", str(out))
    assert acknowledged.exit_code == 0, acknowledged.output
    assert [n["id"] for n in _lines(out.read_text(encoding="utf-8"))] == [notice["id"]]
    assert _lines(out.read_text(encoding="utf-8"))[0]["deliveries"] == 2, "delivered again until acknowledged"
    assert "1 notices delivered, 1 acknowledged" in acknowledged.stderr

    after = _pull(hub, "market-regulation")
    assert after.exit_code == 0
    assert _lines(after.stdout) == []


def test_pull_with_wrong_credentials_or_without_the_scope_is_refused(hub: HubFixture, revoked: str) -> None:
    wrong = _pull(hub, "market-regulation", secret="not-the-secret")
    assert isinstance(wrong.exception, HubError)
    assert "client credentials" in str(wrong.exception)
    bank = _pull(hub, "bank")
    assert isinstance(bank.exception, HubError)
    assert bank.exception.code.value == "FORBIDDEN"
    assert "feedback:read" in str(bank.exception)
