"""Log configuration of a serving process: one JSON object a line (or plain text), never personal data."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Literal

LogFormat = Literal["json", "text"]
REQUESTS = "hub.requests"  # the logger of the one line per GraphQL request

_JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
_TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_request_log = logging.getLogger(REQUESTS)


def logging_config(level: str, form: LogFormat) -> dict[str, Any]:
    """Answers the `logging.config.dictConfig` of a serving process (uvicorn applies it in every worker)."""
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": _JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        }
        if form == "json"
        else {"format": _TEXT}
    )
    handler = {"class": "logging.StreamHandler", "formatter": "hub", "stream": "ext://sys.stderr"}
    named = {"level": level.upper(), "handlers": ["hub"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"hub": formatter},
        "handlers": {"hub": handler},
        "root": {"level": level.upper(), "handlers": ["hub"]},
        "loggers": {"uvicorn": named, "uvicorn.error": {**named, "handlers": []} | {"propagate": True}},
    }


def log_request(
    *,
    request_id: str,
    operations: Sequence[str],
    department: str | None,
    client_id: str | None,
    outcome: str,
    codes: Sequence[str],
    latency_ms: float,
    event_id: str | None,
) -> None:
    """Answers nothing; writes the request's one line (keys and codes only: the caller's values never appear)."""
    if _request_log.isEnabledFor(logging.INFO):
        _request_log.info(
            "graphql request",
            extra={
                "request_id": request_id,
                "operation": ",".join(operations),
                "department": department,
                "client_id": client_id,
                "outcome": outcome,
                "codes": list(codes),
                "latency_ms": round(latency_ms, 2),
                "event_id": event_id,
            },
        )
