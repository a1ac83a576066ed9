"""Console sign-in over real HTTP in a deployment without an identity provider (no development IdP): the
client-credentials form naming the operator, refused without audit:read; no officer accounts are listed."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.graphql.audit_hub import PRIVACY, running_hub
from tests.support.server import HubFixture
from tests.web.walk import Visitor

OPERATOR = "审计员 李华"


@pytest.fixture(scope="module")
def plain_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    """A hub as `serve` runs it without an identity provider: dev login off."""
    with running_hub("sqlite", tmp_path_factory.mktemp("plain-hub"), dev_login=False) as hub:
        yield hub


def test_without_an_identity_provider_no_officer_is_listed(plain_hub: HubFixture) -> None:
    assert httpx.get(f"{plain_hub.base_url}/dev/officers", timeout=30).status_code == 404
    refused = httpx.post(f"{plain_hub.base_url}/dev/login", json={"officer": "wangmin"}, timeout=30)
    assert refused.status_code == 404


def test_a_client_with_audit_read_signs_in_naming_its_operator(plain_hub: HubFixture) -> None:
    officer = Visitor(plain_hub.base_url)
    try:
        page = officer.get("/console")
        assert 'name="client_secret"' in page.text
        assert 'name="officer"' not in page.text
        bank = plain_hub.clients["bank"]
        form = {"client_id": bank["client_id"], "client_secret": bank["client_secret"], "operator": OPERATOR}
        refused = officer.post("/console/login", form)
        assert refused.status_code == 403
        assert "audit:read" in refused.text
        office = plain_hub.clients[PRIVACY]
        form = {"client_id": office["client_id"], "client_secret": office["client_secret"], "operator": OPERATOR}
        signed = officer.post("/console/login", form)
        assert signed.status_code == 200
        assert OPERATOR in signed.text
    finally:
        officer.close()
    query = """query($op: String!) {
      auditEvents(filter: {operator: $op}, first: 50) { edges { node { operationName } } } }"""
    body = plain_hub.graphql(PRIVACY, query, {"op": OPERATOR}).json()
    names = {edge["node"]["operationName"] for edge in body["data"]["auditEvents"]["edges"]}
    assert names == {"ConsolePage"}, body
