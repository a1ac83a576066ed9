"""A report verifies after the key that signed it stopped signing tokens and was deleted from the token key ring:
through /reports/keys.json and through the hub database, never through the token JWKS alone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from hub.cli.main import app
from hub.identity.keys import KeyRing
from hub.identity.keywrap import KeyWrap
from hub.store.engine import make_engine
from hub.store.keys import SigningKeyRepository
from tests.graphql.audit_hub import backends, running_hub
from tests.support.server import HubFixture

LATER = datetime(2100, 1, 1, tzinfo=UTC)  # after any key the hub made: every one retired, then deleted


@pytest.fixture(scope="module", params=backends())
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    """Answers a hub of this module's own: the test deletes its signing keys."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    with running_hub(request.param, tmp_path_factory.mktemp("report-keys")) as running:
        yield running


def _retire_every_key(hub: HubFixture) -> str:
    """Answers the token JWKS the hub serves once its ring reloads: rotated twice, long after the hub's keys were
    made, so the key that signed the report is retired and then deleted."""

    async def rotate() -> str:
        engine = make_engine(hub.settings.database_url)
        try:
            later = LATER
            for step in (later, later + timedelta(days=1)):
                ring = KeyRing(
                    SigningKeyRepository(engine), hub.settings,
                    wrap=KeyWrap.load_or_create(hub.settings.signing_key_wrap_path), clock=lambda at=step: at,
                )  # fmt: skip
                await ring.rotate()
            left = await SigningKeyRepository(engine).all()
            return json.dumps({"keys": [json.loads(row.public_jwk) for row in left]})
        finally:
            await engine.dispose()

    return asyncio.run(rotate())


def _verify(path: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["report", "verify", str(path), *options])
    return result.exit_code, result.output


def test_a_report_verifies_after_its_key_is_deleted(hub: HubFixture, tmp_path: Path) -> None:
    headers = {"Authorization": f"Bearer {hub.token('approval-bureau')}", "X-Hub-Operator": "clerk-7"}
    response = httpx.get(
        f"{hub.base_url}/reports/{hub.samples['enterprise']}.pdf", params={"purpose": "ADMINISTRATIVE_APPROVAL"},
        headers=headers, timeout=60,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    number = response.headers["X-Hub-Report-Number"]
    assert httpx.get(f"{hub.base_url}/reports/verify/{number}").json()["keys"] == "/reports/keys.json"

    token_keys = _retire_every_key(hub)
    published = httpx.get(f"{hub.base_url}/reports/keys.json")
    assert published.status_code == 200
    assert all("d" not in key for key in published.json()["keys"]), "public halves only"
    keys_file = tmp_path / "report-keys.json"
    keys_file.write_text(published.text, encoding="utf-8")
    tokens_file = tmp_path / "jwks.json"
    tokens_file.write_text(token_keys, encoding="utf-8")

    assert _verify(path, "--jwks", str(keys_file))[0] == 0
    assert _verify(path, "--jwks", f"{hub.base_url}/reports/keys.json")[0] == 0
    code, output = _verify(path, "--database-url", hub.settings.database_url)
    assert code == 0, output
    code, output = _verify(path, "--jwks", str(tokens_file))
    assert code == 1
    assert "/reports/keys.json" in output, output
