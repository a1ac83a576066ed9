"""The serving process's log: one JSON object a line, one line per GraphQL request, no personal data."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from hub.logs import REQUESTS, logging_config
from tests.graphql.audit_hub import running_hub
from tests.support.server import HubFixture

RECORD = """query Lookup($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  name legalRepresentative { name idNumber } penalties { decisionText } } }"""
OPERATOR = "李四-审批员"


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HubFixture, list[dict[str, Any]]]]:
    """Answers a hub served under the JSON log configuration, and the lines it wrote for a few requests."""
    stream = io.StringIO()
    config = logging_config("info", "json")
    config["handlers"]["hub"]["stream"] = stream
    previous = logging.getLogger().handlers[:], logging.getLogger().level
    logging.config.dictConfig(config)
    try:
        with running_hub("sqlite", Path(tmp_path_factory.mktemp("logs"))) as hub:
            for code in (hub.samples["person"], hub.samples["enterprise"], "110101199003077777"):
                hub.graphql("approval-bureau", RECORD, {"c": code}, operator=quote(OPERATOR))
            hub.graphql("bank", "{ subject(code: 1, purpose: NOPE) { name } }")
        lines = [json.loads(line) for line in stream.getvalue().splitlines()]  # each line is one JSON object
        yield hub, lines
    finally:
        root = logging.getLogger()
        root.handlers, root.level = previous
        logging.getLogger(REQUESTS).setLevel(logging.NOTSET)


def test_every_graphql_request_writes_one_line_with_its_receipt(logged: Any) -> None:
    _hub, lines = logged
    requests = [line for line in lines if line["logger"] == REQUESTS]
    assert len(requests) == 4
    answered = requests[:3]
    assert all(line["operation"] == "subject" and line["department"] == "approval-bureau" for line in answered)
    assert all(line["event_id"] and line["request_id"] and line["latency_ms"] > 0 for line in answered)
    assert {"time", "level", "message", "outcome", "codes", "client_id"} <= set(answered[0])
    assert requests[3]["department"] == "bank"
    assert requests[3]["codes"]


def test_no_line_carries_a_subject_code_a_name_an_operator_or_the_query(logged: Any) -> None:
    hub, lines = logged
    text = json.dumps(lines, ensure_ascii=False)
    for secret in [*hub.samples.values(), "110101199003077777", OPERATOR, quote(OPERATOR), "Lookup", "NOPE"]:
        assert secret not in text
    assert "started" in {line["message"].split()[-1] for line in lines}, "start-up says what it loaded"
