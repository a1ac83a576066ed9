"""Optional OpenTelemetry traces: one span per request, and nothing in it that a caller wrote or that names a person."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from hub.app import create_app_from_settings
from hub.config import Settings
from hub.tracing import scrubbed_path
from tests.support import server

LOOKUP = "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { name } }"


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[server.HubFixture, InMemorySpanExporter]]:
    """Answers a hub with traces on, exporting to memory, after a POST and a GET that carry a subject code."""
    folder = Path(tmp_path_factory.mktemp("traced"))
    hub_url, sources = server.sqlite_urls(folder)
    clients = _prepare(hub_url, sources)
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    settings = server.hub_settings(hub_url, sources, otel_traces=True)
    for base_url in server.serve(settings, tracer_provider=provider):
        hub = server.HubFixture(base_url, settings, clients, server.sample_codes(), sources)
        code = hub.samples["person"]
        hub.graphql("approval-bureau", LOOKUP, {"c": code}).raise_for_status()
        token = hub.token("approval-bureau")
        params = {"query": LOOKUP, "variables": json.dumps({"c": code})}
        httpx.get(f"{base_url}/graphql", params=params, headers={"Authorization": f"Bearer {token}"})
        httpx.get(f"{base_url}/reports/{code}.pdf")
        yield hub, exporter


def _prepare(hub_url: str, sources: dict[str, str]) -> dict[str, dict[str, str]]:
    from tests.conftest import _run_apart

    clients: dict[str, dict[str, str]] = {}

    async def prepare() -> None:
        clients.update(await server.prepare(hub_url, sources))

    _run_apart(prepare())
    return clients


def test_each_request_is_one_span_named_by_method_and_path(traced: Any) -> None:
    _hub, exporter = traced
    names = [span.name for span in exporter.get_finished_spans()]
    assert names.count("POST /graphql") >= 1
    assert "GET /graphql" in names
    assert "GET /reports/{code}" in names


def test_no_span_carries_a_subject_code_a_query_or_the_caller_s_address(traced: Any) -> None:
    hub, exporter = traced
    code = hub.samples["person"]
    for span in exporter.get_finished_spans():
        text = json.dumps({"name": span.name, **dict(span.attributes or {})}, ensure_ascii=False, default=str)
        for secret in (code, quote(code), "subject(code", "python-httpx"):
            assert secret not in text, (secret, text)
        attributes = dict(span.attributes or {})
        assert not any(attributes.get(key) for key in ("net.peer.ip", "client.address")), "the caller's address"


def test_traces_are_off_unless_asked_for(tmp_path: Path) -> None:
    def tracing(app: Any) -> list[Any]:
        return [m for m in app.user_middleware if m.cls is OpenTelemetryMiddleware]

    keys = {"signing_key_wrap_path": tmp_path / "wrap.jwk", "audit_key_path": tmp_path / "audit-key.pem"}
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}", **keys)
    assert tracing(create_app_from_settings(settings)) == []
    traced = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}", otel_traces=True, **keys)
    assert len(tracing(create_app_from_settings(traced, tracer_provider=TracerProvider()))) == 1


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/reports/110101199003077777.pdf", "/reports/{code}"),
        ("/graphql", "/graphql"),
        ("/oauth/token", "/oauth/token"),
    ],
)
def test_a_path_segment_that_may_be_a_code_is_replaced(path: str, shown: str) -> None:
    assert scrubbed_path(path) == shown
