"""The compose deployment's Prometheus scrapes the hub where the hub serves its metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.support.server import HubFixture

DOCKER = Path(__file__).resolve().parent.parent / "docker"


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8")))


def _mounted_config() -> Path:
    prometheus = _compose()["services"]["prometheus"]
    mounts = [volume.split(":") for volume in prometheus["volumes"]]
    (source,) = [source for source, target, *_ in mounts if target == "/etc/prometheus/prometheus.yml"]
    return (DOCKER / source).resolve()


def test_prometheus_mounts_a_scrape_config_that_exists() -> None:
    assert _mounted_config().is_file()
    assert "hub" in _compose()["services"]["prometheus"]["depends_on"]


def test_the_scrape_target_is_the_hub_s_service_port_and_metrics_path(hub: HubFixture) -> None:
    config = yaml.safe_load(_mounted_config().read_text(encoding="utf-8"))
    (job,) = [job for job in config["scrape_configs"] if job["job_name"] == "credit-hub"]
    (target,) = [target for group in job["static_configs"] for target in group["targets"]]
    host, port = target.split(":")
    service = _compose()["services"]["hub"]
    assert host == "hub"
    assert port == service["command"][service["command"].index("--port") + 1]
    assert any(published.endswith(f":{port}") for published in service["ports"])
    scraped = httpx.get(f"{hub.base_url}{job['metrics_path']}", timeout=30)
    assert scraped.status_code == 200
    assert "credit_hub_" in scraped.text
