"""`credit-hub demo --federation`: three hubs built on three ports, the province's demo.json in the data dir."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from hub.cli.main import app
from hub.config import load_settings
from hub.demo.departments import DEPARTMENTS

runner = CliRunner()


def test_demo_federation_builds_three_hubs_without_serving(tmp_path: Path) -> None:
    args = ["demo", "--federation", "--data-dir", str(tmp_path), "--no-serve", "--subjects", "30", "--port", "18300"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "curl -s http://127.0.0.1:18300/graphql" in result.output
    demo = json.loads((tmp_path / "demo.json").read_text(encoding="utf-8"))
    assert set(demo["clients"]) == {department.key for department in DEPARTMENTS}
    assert {"client_id", "client_secret", "org"} <= set(demo["clients"]["approval-bureau"])
    assert {"enterprise", "person", "blacklisted"} <= set(demo["samples"])
    assert demo["hubs"] == {
        "province": "http://127.0.0.1:18300",
        "taiyuan": "http://127.0.0.1:18301",
        "datong": "http://127.0.0.1:18302",
    }
    province = load_settings(tmp_path / "province" / "hub.toml")
    assert province.sources["taiyuan"].url == "http://127.0.0.1:18301"
    assert province.sources["taiyuan"].client_id == demo["links"]["taiyuan"]["client_id"]
    city = load_settings(tmp_path / "taiyuan" / "hub.toml")
    trusted = city.trusted_hubs["province"]
    assert trusted.issuer == "http://127.0.0.1:18300"
    assert trusted.client_id == demo["links"]["taiyuan"]["client_id"]
    assert city.database_url != province.database_url, "each hub has its own database"
    for hub in ("province", "taiyuan", "datong"):  # its own keys (read from the file: the tests' env sets others)
        text = (tmp_path / hub / "hub.toml").read_text(encoding="utf-8")
        assert f'signing_key_wrap_path = "{tmp_path / hub / "signing-wrap.jwk"}"' in text


def test_demo_federation_needs_three_ports(tmp_path: Path) -> None:
    args = ["demo", "--federation", "--data-dir", str(tmp_path), "--no-serve", "--port", "65534"]
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    assert "--port" in result.output
