"""Query hardening over real HTTP: limits per department, introspection, suggestions, GET, operator."""

from __future__ import annotations

from typing import Any

import httpx


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def test_alias_batching_counts_every_alias_against_the_subject_limit(hub: Any) -> None:
    one = f'subject(code: "{hub.samples["enterprise"]}", purpose: PUBLIC_DISCLOSURE) {{ code }}'
    five = " ".join([one, *(f"a{i}: {one}" for i in range(4))])
    assert "errors" not in hub.graphql("public", f"{{ {five} }}").json()
    body = hub.graphql("public", f"{{ {five} a4: {one} }}").json()
    assert body["data"] is None
    assert _codes(body) == ["QUERY_TOO_COMPLEX"]
    assert "subjects per request is 6; your policy allows 5" in body["errors"][0]["message"]


def test_depth_beyond_the_department_limit_is_too_complex(hub: Any) -> None:
    shallow = "{ __schema { types { fields { type { name } } } } }"
    assert "errors" not in hub.graphql("bank", shallow).json()
    deep = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }"
    body = hub.graphql("bank", deep).json()
    assert body["data"] is None
    assert _codes(body) == ["QUERY_TOO_COMPLEX"]
    assert "depth is 9" in body["errors"][0]["message"]


def test_introspection_needs_catalog_read(hub: Any) -> None:
    query = "{ __schema { queryType { name } } }"
    assert hub.graphql("bank", query).json()["data"]["__schema"]["queryType"]["name"] == "Query"
    assert _codes(hub.graphql("public", query).json()) == ["FORBIDDEN"]  # the public builds no integration
    no_catalog = hub.token("bank", scope="subject:read check:read")
    body = httpx.post(
        f"{hub.base_url}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {no_catalog}"}
    ).json()
    assert body["data"] is None
    assert _codes(body) == ["FORBIDDEN"]


def test_field_suggestions_only_for_catalog_readers(hub: Any) -> None:
    query = '{ subject(code: "x", purpose: CREDIT_LENDING) { nme } }'
    with_hints = hub.graphql("bank", query).json()["errors"][0]["message"]
    assert "Did you mean" in with_hints
    no_catalog = hub.token("bank", scope="subject:read check:read")
    body = httpx.post(
        f"{hub.base_url}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {no_catalog}"}
    ).json()
    assert "Did you mean" not in body["errors"][0]["message"]
    assert _codes(body) == ["BAD_USER_INPUT"]


def test_get_runs_queries_and_refuses_mutations(hub: Any) -> None:
    headers = {"Authorization": f"Bearer {hub.token('bank')}"}
    ok = httpx.get(f"{hub.base_url}/graphql", params={"query": "{ me { department } }"}, headers=headers)
    assert ok.status_code == 200
    assert ok.json()["data"]["me"]["department"] == "bank"
    public = {"Authorization": f"Bearer {hub.token('public')}"}
    only_post = httpx.get(f"{hub.base_url}/graphql", params={"query": "{ me { department } }"}, headers=public)
    assert _codes(only_post.json()) == ["FORBIDDEN"]
    refused = httpx.get(f"{hub.base_url}/graphql", params={"query": "mutation { __typename }"}, headers=headers)
    assert refused.status_code in (400, 405)


def test_array_batching_is_off(hub: Any) -> None:
    headers = {"Authorization": f"Bearer {hub.token('public')}"}
    response = httpx.post(f"{hub.base_url}/graphql", json=[{"query": "{ me { subject } }"}] * 2, headers=headers)
    assert response.status_code == 400


def test_operator_is_required_where_the_policy_says_so(hub: Any) -> None:
    query = "query($c: ID!) { subject(code: $c, purpose: CREDIT_LENDING) { code } }"
    body = hub.graphql("bank", query, {"c": hub.samples["enterprise"]}, operator=None).json()
    assert body["data"] is None
    assert _codes(body) == ["FORBIDDEN"]
    assert "X-Hub-Operator" in body["errors"][0]["extensions"]["fix"]
    named = hub.graphql("bank", query, {"c": hub.samples["enterprise"]}, operator="%E7%8E%8B%E4%BF%A1%E8%B4%B7").json()
    assert named["data"]["subject"]["code"] == hub.samples["enterprise"]


def test_a_document_of_too_many_tokens_is_refused_before_it_is_parsed(hub: Any) -> None:
    spreads = " ".join(f"...f{i}" for i in range(100))
    fragments = " ".join(f"fragment f{i} on Viewer {{ subject }}" for i in range(100))
    within = f"{{ me {{ {spreads} }} }} {fragments}"  # about 900 tokens, no field asked twice in one selection
    assert "errors" not in hub.graphql("public", within).json()
    flood = "{ me { subject " + "__typename " * 4000 + "} }"
    body = hub.graphql("public", flood).json()
    assert body["data"] is None
    assert _codes(body) == ["QUERY_TOO_COMPLEX"]
    assert "more than 4000 tokens" in body["errors"][0]["message"]


def test_a_document_that_does_not_parse_gets_a_code_and_is_registered(hub: Any) -> None:
    body = hub.graphql("public", "{ me { ").json()
    assert body["data"] is None
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"].startswith("Syntax Error")
    assert body["extensions"]["audit"]["eventId"]
