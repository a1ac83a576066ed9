"""GraphQL over HTTP: concurrent requests share their receipts' commit; a request alone is never held back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from hub.app import create_app
from hub.audit import AuditWriter
from hub.composition import open_hub
from tests.graphql.audit_hub import backends, run_apart, running_hub
from tests.support.server import HubFixture

LOOKUP = "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name } }"


@pytest.fixture(scope="module", params=backends())
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    """A running hub whose databases and token endpoint the in-process app below shares, on each backend."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    with running_hub(request.param, tmp_path_factory.mktemp("http-hub")) as running:
        yield running


async def _commits_of_queries(hub: HubFixture, token: str, together: int) -> tuple[list[dict[str, Any]], int, int]:
    """Answers the bodies of `together` concurrent queries, then of one alone, and the commits each took.

    The app runs in this process with a batch window of a whole second, so the figures show whether
    the writer knew which requests were still coming: all at once in one commit, the lone one at once.
    """
    headers = {"Authorization": f"Bearer {token}", "X-Hub-Operator": "clerk-7"}
    body = {"query": LOOKUP, "variables": {"c": hub.samples["enterprise"]}}
    async with open_hub(hub.settings.model_copy(update={"audit_max_wait_ms": 1000})) as opened:
        app = create_app(opened)
        writer: AuditWriter = opened.writer
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub", timeout=30) as client:
            asked = (client.post("/graphql", json=body, headers=headers) for _ in range(together))
            responses = await asyncio.gather(*asked)
            shared = writer.commits
            async with asyncio.timeout(0.9):  # within the window: the lone request did not wait for it
                alone = await client.post("/graphql", json=body, headers=headers)
            assert writer.expected == 0
            return [r.json() for r in [*responses, alone]], shared, writer.commits - shared


def test_concurrent_queries_share_one_commit_and_a_lone_query_is_not_held_back(hub: HubFixture) -> None:
    bodies, shared, alone = run_apart(_commits_of_queries(hub, hub.token("approval-bureau"), 8))
    for body in bodies:
        assert "errors" not in body, body["errors"]
        assert body["data"]["subject"]["code"] == hub.samples["enterprise"]
        assert body["extensions"]["audit"]["eventId"]
    assert len({body["extensions"]["audit"]["eventId"] for body in bodies}) == 9
    assert shared == 1
    assert alone == 1


def test_the_request_id_comes_back_and_is_the_one_registered(hub: HubFixture) -> None:
    token = hub.token("approval-bureau")
    headers = {"Authorization": f"Bearer {token}", "X-Hub-Operator": "clerk-7"}
    sent = httpx.post(
        f"{hub.base_url}/graphql",
        json={"query": LOOKUP, "variables": {"c": hub.samples["enterprise"]}},
        headers={**headers, "X-Request-Id": "gateway-7f3a-0001"},
    )
    assert sent.headers["x-request-id"] == "gateway-7f3a-0001"
    fresh = httpx.post(f"{hub.base_url}/graphql", json={"query": "{ me { department } }"}, headers=headers)
    assert len(fresh.headers["x-request-id"]) == 36, "a request without one is given a fresh id"
    refused = httpx.post(f"{hub.base_url}/graphql", json={"query": "{ me { department } }"},
                         headers={"Authorization": "Bearer nope", "X-Request-Id": "gateway-7f3a-0002"})  # fmt: skip
    assert (refused.status_code, refused.headers["x-request-id"]) == (401, "gateway-7f3a-0002")
    officer = {"Authorization": f"Bearer {hub.token('privacy-office')}", "X-Hub-Operator": "officer-1"}
    listed = httpx.post(
        f"{hub.base_url}/graphql",
        json={"query": "{ auditEvents(first: 50) { edges { node { requestId } } } }"},
        headers=officer,
    ).json()
    registered = {edge["node"]["requestId"] for edge in listed["data"]["auditEvents"]["edges"]}
    assert {"gateway-7f3a-0001", "gateway-7f3a-0002", fresh.headers["x-request-id"]} <= registered
