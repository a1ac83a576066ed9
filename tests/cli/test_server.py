"""`serve`, `migrate`, `schema export` and `demo`: bad input is one clear line and exit code 2."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from joserfc import jws
from typer.testing import CliRunner

from hub.cli.main import app
from hub.demo.departments import DEPARTMENTS
from hub.demo.facts import SOURCES
from hub.metrics import MULTIPROC_ENV
from tests.support.server import free_port

runner = CliRunner()


SECRETS = {
    "HUB_AUDIT_SECRET": "audit-0123456789abcdefghijklmnopqrstuv",
    "HUB_SESSION_SECRET": "cookies-0123456789abcdefghijklmnopq",
}


def _source_env(folder: Path) -> dict[str, str]:
    sources = {f"HUB_SOURCES__{name.upper()}__URL": f"sqlite+aiosqlite:///{folder / f'{name}.db'}" for name in SOURCES}
    return {**sources, **SECRETS}


def test_serve_refuses_an_unreachable_source_naming_it(tmp_path: Path) -> None:
    env = _source_env(tmp_path / "no-such-dir")
    result = runner.invoke(app, ["serve"], env=env)
    assert result.exit_code == 2
    assert "source 'court' is unreachable at start-up" in result.output or "unreachable" in result.output
    assert "Traceback" not in result.output


def test_serve_refuses_a_source_without_a_mapping(tmp_path: Path) -> None:
    env = {**_source_env(tmp_path), "HUB_SOURCES__NOWHERE__URL": "sqlite+aiosqlite:///x.db"}
    result = runner.invoke(app, ["serve"], env=env)
    assert result.exit_code == 2
    assert "nowhere" in result.output


def test_serve_refuses_the_development_login(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve"], env={**_source_env(tmp_path), "HUB_DEV_LOGIN": "true"})
    assert result.exit_code == 2
    assert "dev_login is for `credit-hub demo` only" in result.output


def test_serve_names_a_missing_config_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--config", str(tmp_path / "hub.toml")])
    assert result.exit_code == 2
    assert "configuration file not found" in result.output


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('database_url = "mysql://x"\n', ("database_url", "HUB_DATABASE_URL")),
        ('[sources.tax]\nurl = "postgresql+asyncpg://db/tax"\npool_size = 0\n', ("sources.tax.pool_size",)),
    ],
    ids=["bad-url", "pool-size-out-of-range"],
)
def test_serve_names_a_bad_setting_and_its_variable(tmp_path: Path, text: str, named: tuple[str, ...]) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["serve", "--config", str(config)])
    assert result.exit_code == 2
    for name in named:
        assert name in result.output


def test_serve_names_a_broken_catalogue_with_its_line(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("version: 1\nrecord_types:\n  x: [\n", encoding="utf-8")
    result = runner.invoke(app, ["serve"], env={**_source_env(tmp_path), "HUB_CATALOG_PATH": str(catalog)})
    assert result.exit_code == 2
    assert f"{catalog}:" in result.output
    assert "YAML syntax error" in result.output


def test_migrate_reports_an_unusable_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'hub.db'}"
    result = runner.invoke(app, ["migrate", "--database-url", url])
    assert result.exit_code == 2
    assert "migration failed" in result.output
    assert "Traceback" not in result.output


def test_migrate_names_a_missing_directory(tmp_path: Path) -> None:
    result = runner.invoke(app, ["migrate", "--database-url", f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'hub.db'}"])
    assert result.exit_code == 2
    assert f"the directory {tmp_path / 'missing'} does not exist" in result.output
    assert "database_url" in result.output


def test_migrate_reports_a_database_that_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / "hub.db").mkdir()
    result = runner.invoke(app, ["migrate", "--database-url", f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"])
    assert result.exit_code == 2
    assert "migration failed" in result.output
    assert "Traceback" not in result.output


def test_migrate_upgrades_a_fresh_database(tmp_path: Path) -> None:
    result = runner.invoke(app, ["migrate", "--database-url", f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"])
    assert result.exit_code == 0, result.output
    assert "migrated" in result.output


def test_schema_export_writes_the_sdl(tmp_path: Path) -> None:
    target = tmp_path / "hub.graphql"
    result = runner.invoke(app, ["schema", "export", "--output", str(target)])
    assert result.exit_code == 0
    assert "type Subject" in target.read_text(encoding="utf-8")


def test_schema_export_from_an_installed_package_writes_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = tmp_path / "site-packages" / "hub" / "_data" / "schema"
    installed.mkdir(parents=True)
    monkeypatch.setattr("hub.cli.server.resource_dir", lambda name: installed.parent / name)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["schema", "export"])
    assert result.exit_code == 0, result.output
    assert "type Subject" in (tmp_path / "hub.graphql").read_text(encoding="utf-8")
    assert not (installed / "hub.graphql").exists(), "nothing is written into the installed package"


@pytest.mark.parametrize(("args", "words"), [(["--subjects", "5"], "--subjects"), (["--port", "0"], "--port")])
def test_demo_rejects_bad_arguments(tmp_path: Path, args: list[str], words: str) -> None:
    result = runner.invoke(app, ["demo", "--data-dir", str(tmp_path), "--no-serve", *args])
    assert result.exit_code == 2
    assert words in result.output


def test_demo_builds_without_serving(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--data-dir", str(tmp_path), "--no-serve", "--subjects", "30"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo.json").exists()
    assert "curl -s http://127.0.0.1:8000/graphql" in result.output
    printed = re.search(r"bank token \(15 min\):\s+(\S+)", result.output)
    assert printed is not None, result.output
    claims = json.loads(jws.extract_compact(printed.group(1).encode()).payload or b"")
    bank = next(department for department in DEPARTMENTS if department.key == "bank")
    assert (claims["dept"], claims["org"], claims["client_name"]) == ("bank", bank.org, bank.name)


def test_serve_with_two_workers_logs_json_and_sums_their_metrics(tmp_path: Path) -> None:
    built = runner.invoke(app, ["demo", "--data-dir", str(tmp_path), "--no-serve", "--subjects", "20"])
    assert built.exit_code == 0, built.output
    demo = json.loads((tmp_path / "demo.json").read_text(encoding="utf-8"))
    env = {
        **os.environ,
        **_source_env(tmp_path / "sources"),
        "HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}",
        "HUB_AUDIT_SECRET": "a-long-random-secret-for-the-subject-index",
        "HUB_SIGNING_KEY_WRAP_PATH": str(tmp_path / "signing-wrap.jwk"),
        "HUB_AUDIT_KEY_PATH": str(tmp_path / "audit-key.pem"),
    }
    env.pop(MULTIPROC_ENV, None)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-c",
        "from hub.cli.main import main; main()",
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
    ]
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as served:
        try:
            _wait_ready(base, served)
            bank = demo["clients"]["bank"]
            token = httpx.post(
                f"{base}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(bank["client_id"], bank["client_secret"]),
            ).json()["access_token"]
            query = "query($c: ID!) { subject(code: $c, purpose: CREDIT_LENDING) { name } }"
            for _ in range(12):
                httpx.post(
                    f"{base}/graphql",
                    json={"query": query, "variables": {"c": demo["samples"]["enterprise"]}},
                    headers={"Authorization": f"Bearer {token}", "X-Hub-Operator": "clerk-7"},
                    timeout=30,
                ).raise_for_status()
            scraped = httpx.get(f"{base}/metrics").text
        finally:
            served.terminate()
        log = served.communicate(timeout=60)[1]
    counted = re.findall(r'^credit_hub_requests_total\{[^}]*operation="subject"[^}]*\} (\S+)$', scraped, re.MULTILINE)
    assert sum(float(value) for value in counted) == 12, "both workers' requests are summed"
    workers = set(re.findall(r'^credit_hub_worker_resident_memory_bytes\{pid="(\d+)"\} [1-9]', scraped, re.MULTILINE))
    assert len(workers) == 2, "each worker's memory is shown"
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert len(lines) == len(log.splitlines()), "every line is one JSON object"
    assert sum(line["message"] == "credit hub started" for line in lines) == 2
    assert sum(line["logger"] == "hub.requests" for line in lines) == 12
    assert not any("died" in line["message"] for line in lines), "a worker starting slowly is not killed"


def _wait_ready(base: str, served: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert served.poll() is None, "serve stopped"
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise AssertionError("serve did not become ready")
