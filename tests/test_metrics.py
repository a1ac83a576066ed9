"""GET /metrics after real traffic: Prometheus text, every series named credit_hub_*, no label from a request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from tests.conftest import BACKENDS
from tests.graphql.audit_hub import running_hub
from tests.support.server import HubFixture

RECORD = """query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  name legalRepresentative { name idNumber } penalties { decisionText } taxCredit { grade }
  courtDishonesty { caseNumber } sources { name status } } }"""
LENDING = "query($c: ID!) { subject(code: $c, purpose: CREDIT_LENDING) { name phone } }"
OPERATOR = "张三丰-审批员"
SENT_OPERATOR = quote(OPERATOR)  # non-ASCII header values travel percent-encoded
COLLECTED = "collected"  # the hub-managed source of submitted records, kept in the hub's database


@pytest.fixture(scope="module", params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    """Answers a running hub that has served a mix of answered, denied and refused requests."""
    with running_hub(request.param, Path(tmp_path_factory.mktemp("metrics"))) as running:
        samples = running.samples
        for code in (samples["enterprise"], samples["person"], "110101199003077777"):
            running.graphql("approval-bureau", RECORD, {"c": code}, operator=SENT_OPERATOR)
            running.graphql("bank", LENDING, {"c": code}, operator=SENT_OPERATOR)
        running.graphql("approval-bureau", "query ZhangSanLookup { me { department } }", operator=SENT_OPERATOR)
        running.graphql("approval-bureau", "{ subject(code: 1, purpose: NOPE) { name } }")
        httpx.post(f"{running.base_url}/graphql", json={"query": "{ me { department } }"},
                   headers={"Authorization": "Bearer not-a-token"})  # fmt: skip
        yield running


def _scrape(hub: HubFixture) -> list[Sample]:
    response = httpx.get(f"{hub.base_url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return [sample for family in text_string_to_metric_families(response.text) for sample in family.samples]


def test_every_series_is_named_for_the_hub(hub: HubFixture) -> None:
    names = {sample.name for sample in _scrape(hub)}
    assert names, "nothing was exposed"
    assert all(name.startswith("credit_hub_") for name in names), sorted(
        n for n in names if not n.startswith("credit_hub_")
    )


def test_no_label_value_carries_a_code_a_name_an_operator_or_free_text(hub: HubFixture) -> None:
    samples = _scrape(hub)
    values = {value for sample in samples for value in sample.labels.values()}
    secrets = [
        *hub.samples.values(),
        "110101199003077777",
        OPERATOR,
        SENT_OPERATOR,
        "张三",
        "Named",
        "NOPE",
        "not-a-token",
    ]
    assert not [value for value in values for secret in secrets if secret in value]
    assert all(value.isascii() for value in values), "label values are keys and codes, never Chinese text"
    by_label: dict[str, set[str]] = {}
    for sample in samples:
        for label, value in sample.labels.items():
            by_label.setdefault(label, set()).add(value)
    assert by_label["department"] <= {"approval-bureau", "bank", "other"}
    assert by_label["source"] <= {*hub.settings.sources, COLLECTED}


def test_requests_are_counted_by_operation_department_and_outcome(hub: HubFixture) -> None:
    counted = {
        (s.labels["operation"], s.labels["department"], s.labels["outcome"]): s.value
        for s in _scrape(hub)
        if s.name == "credit_hub_requests_total"
    }
    assert counted[("subject", "approval-bureau", "ok")] >= 1
    assert counted[("me", "approval-bureau", "ok")] == 1
    assert counted[("other", "other", "unauthenticated")] == 1
    assert sum(v for (op, dept, _), v in counted.items() if op == "subject" and dept == "bank") == 3


def test_sources_and_the_register_report_their_work(hub: HubFixture) -> None:
    samples = _scrape(hub)
    sources = {s.labels["source"] for s in samples if s.name == "credit_hub_source_duration_seconds_count"}
    assert sources == {*hub.settings.sources, COLLECTED}
    commits = sum(s.value for s in samples if s.name == "credit_hub_audit_commits_total")
    batched = sum(s.value for s in samples if s.name == "credit_hub_audit_batch_events_sum")
    assert commits >= 1
    assert batched >= 8, "every receipted request is in some committed batch"
    head = [s.value for s in samples if s.name == "credit_hub_audit_chain_head"]
    assert head
    assert head[0] >= batched


def test_each_stage_of_the_read_path_is_timed(hub: HubFixture) -> None:
    stages = {s.labels["stage"]: s.value for s in _scrape(hub) if s.name == "credit_hub_stage_duration_seconds_count"}
    assert set(stages) == {"auth", "plan", "fetch", "shape", "receipt"}
    assert stages["receipt"] >= 8
    assert stages["fetch"] >= 4, "every subject and subjects look-up went through the read path"
