"""`credit-hub client create|list`: secrets shown once, hashed at rest, bad input explained in one line."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from hub.cli.client import register
from hub.identity.credentials import check_secret
from hub.store.clients import ClientRepository, ClientRow
from hub.store.engine import make_engine
from tests.identity.support import BACKENDS, ORG, PERSON, migrated_database_sync

runner = CliRunner()


def cli(**register_options: object) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Credit Hub."""

    register(app, **register_options)  # type: ignore[arg-type]
    return app


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with migrated_database_sync(request.param, tmp_path) as migrated:
        yield migrated


def stored(url: str) -> list[ClientRow]:
    async def read() -> list[ClientRow]:
        engine = make_engine(url)
        try:
            return await ClientRepository(engine).list_all()
        finally:
            await engine.dispose()

    return asyncio.run(read())


def create(
    url: str, *extra: str, app: typer.Typer | None = None, overrides: dict[str, str] | None = None, **options: str
) -> Result:
    values = {"name": "市场监管局审批系统", "org": ORG, "department": "market-supervision", "scopes": "check:read"}
    values.update(overrides or {})
    values.update(options)
    args = ["client", "create", "--database-url", url, *extra]
    for key, value in values.items():
        args += [f"--{key}", value]
    return runner.invoke(app or cli(), args)


def test_create_json_prints_only_the_credentials_and_stores_a_hash(url: str) -> None:
    result = create(url, "--json", scopes="subject:read, check:read")
    assert result.exit_code == 0, result.output
    credentials = json.loads(result.stdout)
    assert set(credentials) == {"client_id", "client_secret"}
    (row,) = stored(url)
    assert row.client_id == credentials["client_id"]
    assert row.org == ORG
    assert row.scopes == ("subject:read", "check:read")
    assert credentials["client_secret"] not in row.secret_hash
    assert check_secret(credentials["client_secret"], row.secret_hash)


def test_create_for_people_and_list_without_secrets(url: str) -> None:
    created = create(url)
    assert created.exit_code == 0
    secret = next(line.split()[-1] for line in created.stdout.splitlines() if line.startswith("client_secret"))
    listed = runner.invoke(cli(), ["client", "list", "--database-url", url, "--json"])
    assert listed.exit_code == 0
    assert secret not in listed.stdout
    (client,) = json.loads(listed.stdout)["clients"]
    assert client["department"] == "market-supervision"
    assert "secret_hash" not in client
    table = runner.invoke(cli(), ["client", "list", "--database-url", url])
    assert table.exit_code == 0
    assert secret not in table.stdout


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"scopes": "check:read admin:all"}, "--scopes"),
        ({"org": "91350100M000100Y44"}, "--org"),
        ({"org": PERSON}, "--org"),
        ({"name": " "}, "--name"),
        ({"department": "Not A Key"}, "--department"),
    ],
)
def test_bad_input_is_one_line_naming_the_option_and_exit_2(url: str, options: dict[str, str], option: str) -> None:
    result = create(url, overrides=options)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {option}:")
    assert "fix:" in lines[0]
    assert "Traceback" not in result.output
    assert stored(url) == []


def test_department_validator_is_injected(url: str) -> None:
    known = {"tax"}
    app = cli(department_check=known.__contains__)
    assert create(url, app=app, department="market-supervision").exit_code == 2
    assert create(url, app=app, department="tax").exit_code == 0


def test_unusable_databases_are_explained(tmp_path: Path) -> None:
    unmigrated = create(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    assert unmigrated.exit_code == 2
    assert "credit-hub migrate" in unmigrated.stderr
    wrong = create("mysql://x")
    assert wrong.exit_code == 2
    assert "--database-url" in wrong.stderr


def test_a_scope_beyond_the_department_policy_is_refused_naming_both(url: str) -> None:
    from hub.cli.common import department_scopes

    app = cli(scope_ceiling=department_scopes)  # the shipped policies, as `credit-hub client create` runs
    refused = create(url, app=app, department="bank", scopes="subject:read audit:read")
    assert refused.exit_code == 2
    line = refused.stderr.strip()
    assert line.startswith(
        "error: --scopes: the policy of department 'bank' does not let its clients hold 'audit:read'"
    )
    assert "policies/bank.yaml" in line
    assert create(url, app=app, department="public", scopes="catalog:read").exit_code == 2
    assert stored(url) == []
    assert create(url, app=app, department="bank", scopes="subject:read catalog:read").exit_code == 0
    assert create(url, app=app, department="privacy-office", scopes="audit:read").exit_code == 0


def test_the_console_script_caps_scopes_by_policy(url: str) -> None:
    from hub.cli.main import app

    options = ["--name", "x", "--org", ORG, "--department", "tax", "--scopes", "audit:read"]
    refused = runner.invoke(app, ["client", "create", "--database-url", url, *options])
    assert refused.exit_code == 2
    assert "'audit:read'" in refused.stderr
