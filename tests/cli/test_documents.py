"""`credit-hub documents register|approve|reject|list`: a manifest stored with its profiles, refused whole when one
document is invalid, approved by id for one client; settings from --database-url."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from hub.cli.main import app
from hub.store.documents import document_id
from tests.cli.test_client import create
from tests.identity.support import BACKENDS, migrated_database_sync
from tests.support.server import HubFixture

runner = CliRunner()
CHECK = """query Check($code: ID!) { creditCheck(code: $code, matter: "GOVERNMENT_PROCUREMENT",
  purpose: ADMINISTRATIVE_APPROVAL) { listStatus measures { code mandatory } } }"""
RECORD = "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { name phone } }"


def documents(*args: str) -> Result:
    """Answers the result of `credit-hub documents ARGS`."""
    return runner.invoke(app, ["documents", *args])


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    """Answers the path of a manifest file holding `manifest`."""
    path = folder / f"manifest-{len(list(folder.glob('manifest-*')))}.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return path


def cli_register(hub: HubFixture, department: str, *texts: str) -> None:
    """Answers nothing; registers `texts` for a running hub's department client through the command line."""
    folder = Path(hub.settings.audit_key_path).parent
    path = write_manifest(folder, {document_id(text): text for text in texts})
    client = hub.clients[department]["client_id"]
    result = documents("register", str(path), "--client-id", client, "--database-url", hub.settings.database_url)
    assert result.exit_code == 0, result.output


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with migrated_database_sync(request.param, tmp_path) as migrated:
        yield migrated


def _client(url: str) -> str:
    result = create(url, "--json", overrides={"department": "approval-bureau"})
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["client_id"])


def _listed(url: str, *args: str) -> dict[str, dict[str, Any]]:
    result = documents("list", "--json", "--database-url", url, *args)
    assert result.exit_code == 0, result.output
    return {d["id"]: d for d in json.loads(result.stdout)["documents"]}


def test_register_stores_each_document_pending_with_its_profile(url: str, tmp_path: Path) -> None:
    client = _client(url)
    path = write_manifest(tmp_path, {document_id(CHECK): CHECK, document_id(RECORD): RECORD})
    result = documents("register", str(path), "--client-id", client, "--database-url", url, "--json")
    assert result.exit_code == 0, result.output
    shown = {d["id"]: d for d in json.loads(result.stdout)["documents"]}
    assert set(shown) == {document_id(CHECK), document_id(RECORD)}
    assert {d["status"] for d in shown.values()} == {"pending"}
    record = shown[document_id(RECORD)]
    assert record["operations"] == ["subject"]
    forms = {(e["subject_kind"], e["field"]): e["form"] for e in record["profile"]}
    assert forms[("LEGAL_ENTITY", "registration.phone")] == "masked"
    assert forms[("LEGAL_ENTITY", "registration.name")] == "clear"
    assert shown[document_id(CHECK)]["operations"] == ["creditCheck"]
    assert set(_listed(url, "--status", "pending")) == set(shown)


def test_approve_makes_one_clients_document_approved(url: str, tmp_path: Path) -> None:
    client = _client(url)
    path = write_manifest(tmp_path, {document_id(CHECK): CHECK})
    assert documents("register", str(path), "--client-id", client, "--database-url", url).exit_code == 0
    approved = documents("approve", document_id(CHECK), "--client-id", client, "--database-url", url, "--note", "ok")
    assert approved.exit_code == 0, approved.output
    assert "approved" in approved.stdout
    listed = _listed(url)[document_id(CHECK)]
    assert (listed["status"], listed["note"]) == ("approved", "ok")
    assert _listed(url, "--status", "pending") == {}
    other = documents("approve", document_id(CHECK), "--client-id", "nobody", "--database-url", url)
    assert other.exit_code == 2
    assert "no document" in other.output


def test_one_invalid_document_refuses_the_whole_manifest(url: str, tmp_path: Path) -> None:
    client = _client(url)
    bad = '{ subject(code: "x", purpose: ADMINISTRATIVE_APPROVAL) { salary } }'
    path = write_manifest(tmp_path, {document_id(CHECK): CHECK, document_id(bad): bad})
    result = documents("register", str(path), "--client-id", client, "--database-url", url)
    assert result.exit_code == 2
    assert "salary" in result.output
    assert "not valid against the hub's schema" in result.output
    assert _listed(url) == {}
    wrong = write_manifest(tmp_path, {"sha256:" + "0" * 64: CHECK})
    refused = documents("register", str(wrong), "--client-id", client, "--database-url", url)
    assert refused.exit_code == 2
    assert "sha256:<hex of its document text>" in refused.output
    unknown = documents("register", str(path), "--client-id", "nobody", "--database-url", url)
    assert unknown.exit_code == 2
    assert "no client 'nobody'" in unknown.output
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2", encoding="utf-8")
    unreadable = documents("register", str(broken), "--client-id", client, "--database-url", url)
    assert unreadable.exit_code == 2
    assert "cannot read the manifest" in unreadable.output
