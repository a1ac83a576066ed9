"""Optional OpenTelemetry traces of HTTP requests (`otel_traces`), stripped of anything a caller wrote."""

from __future__ import annotations

import re
from typing import Any

from starlette.middleware import Middleware

# A path segment that may be a subject code (a resident ID or USCC, in /reports/<code>.pdf and the like).
_CODE_SEGMENT = re.compile(r"[0-9A-Za-z]{15,18}(\.[a-z]+)?")
# What the ASGI instrumentation records from the request that a caller controls or that names a person.
_DROPPED = ("http.user_agent", "user_agent.original", "net.peer.ip", "client.address", "net.peer.port", "client.port")


def scrubbed_path(path: str) -> str:
    """Answers the path with every segment that could be a subject code replaced by `{code}`."""
    return "/".join("{code}" if _CODE_SEGMENT.fullmatch(part) else part for part in path.split("/"))


def _scrub(span: Any, scope: dict[str, Any]) -> None:
    if not span.is_recording():
        return
    path = scrubbed_path(str(scope.get("path", "")))
    host = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"host"), "")
    scheme = str(scope.get("scheme", "http"))
    for key in ("http.target", "url.path"):
        span.set_attribute(key, path)
    for key in ("http.url", "url.full"):
        span.set_attribute(key, f"{scheme}://{host}{path}")
    span.set_attribute("url.query", "")  # GET /graphql carries the query and its variables here
    for key in _DROPPED:
        span.set_attribute(key, "")
    span.update_name(f"{scope.get('method', 'HTTP')} {path}")


def tracing_middleware(tracer_provider: Any = None) -> Middleware:
    """Answers the ASGI middleware that traces each request (spans exported as OTEL_* variables say)."""
    try:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
    except ImportError as exc:  # an optional extra
        from hub.errors import ConfigError

        raise ConfigError(
            "otel_traces is on but OpenTelemetry is not installed",
            place="otel_traces",
            fix="pip install 'credit-hub[otel]', or unset HUB_OTEL_TRACES",
        ) from exc
    if tracer_provider is None:
        tracer_provider = _provider_from_environment()
    return Middleware(
        OpenTelemetryMiddleware,
        server_request_hook=_scrub,
        tracer_provider=tracer_provider,
        exclude_spans=["receive", "send"],
    )


def _provider_from_environment() -> Any:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": "credit-hub"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))  # OTEL_EXPORTER_OTLP_* say where
    return provider
