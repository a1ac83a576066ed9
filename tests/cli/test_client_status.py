"""`credit-hub client disable|enable|delete`: status and reason stored, unknown ids named, settings from --config."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hub.cli.client import register
from tests.cli.test_client import create, stored
from tests.identity.support import BACKENDS, migrated_database_sync

runner = CliRunner()


def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Credit Hub."""

    register(app)
    return app


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with migrated_database_sync(request.param, tmp_path) as migrated:
        yield migrated


def _client_id(url: str) -> str:
    result = create(url, "--json")
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["client_id"])


def test_disable_enable_and_delete_change_the_stored_client(url: str) -> None:
    client_id = _client_id(url)
    disabled = runner.invoke(cli(), ["client", "disable", client_id, "--reason", "合同到期", "--database-url", url])
    assert disabled.exit_code == 0, disabled.output
    assert "tokens are refused from now on" in disabled.output
    (row,) = stored(url)
    assert (row.status.value, row.status_reason, row.disabled) == ("disabled", "合同到期", True)
    assert row.status_changed_at is not None
    listed = runner.invoke(cli(), ["client", "list", "--json", "--database-url", url])
    assert json.loads(listed.stdout)["clients"][0]["status_reason"] == "合同到期"
    assert runner.invoke(cli(), ["client", "enable", client_id, "--database-url", url]).exit_code == 0
    (row,) = stored(url)
    assert (row.status.value, row.status_reason, row.disabled) == ("active", None, False)
    assert runner.invoke(cli(), ["client", "delete", client_id, "--database-url", url]).exit_code == 0
    assert stored(url) == []


@pytest.mark.parametrize("command", ["disable", "enable", "delete"])
def test_an_unknown_client_is_named_with_the_fix(url: str, command: str) -> None:
    result = runner.invoke(cli(), ["client", command, "ch_nobody", "--database-url", url])
    assert result.exit_code == 2
    assert "no client 'ch_nobody' is registered" in result.output
    assert "client list" in result.output


def test_the_database_comes_from_the_config_file(tmp_path: Path) -> None:
    with migrated_database_sync("sqlite", tmp_path) as url:
        client_id = _client_id(url)
        config = tmp_path / "hub.toml"
        config.write_text(f'database_url = "{url}"\n', encoding="utf-8")
        result = runner.invoke(cli(), ["client", "disable", client_id, "--config", str(config)])
        assert result.exit_code == 0, result.output
        assert stored(url)[0].status.value == "disabled"
