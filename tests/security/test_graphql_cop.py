"""graphql-cop's checks (dolevf/graphql-cop, lib/tests/*.py) re-expressed over real HTTP, for a token with and
without `catalog:read`: the request each check sends and the condition under which it reports a finding.

Without `catalog:read` none may report. With it, three remain by design: introspection, field suggestions and
GET queries are what the scope is for (an integrator reading the schema, in GraphiQL where it is enabled); GET
needs no cookie, only the bearer token, so it is no CSRF.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.graphql.audit_hub import running_hub
from tests.security.conftest import codes, post
from tests.support.server import HubFixture

Check = Callable[[HubFixture, dict[str, str]], bool]


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _data(response: httpx.Response) -> dict[str, Any]:
    body = _json(response)
    return (body.get("data") if isinstance(body, dict) else None) or {}


def _cop(hub: HubFixture, headers: dict[str, str], query: str) -> httpx.Response:
    """Answers graph_query(): a JSON POST with operationName "cop"."""
    return post(hub, None, {"query": query, "operationName": "cop"}, headers=headers)


def field_suggestions(hub: HubFixture, headers: dict[str, str]) -> bool:
    body = _json(_cop(hub, headers, "query cop { __schema { directive } }"))
    return "Did you mean" in str(body["errors"][0]["message"])


def introspection(hub: HubFixture, headers: dict[str, str]) -> bool:
    response = _cop(hub, headers, "query cop { __schema { types { name fields { name } } } }")
    return bool((_data(response).get("__schema") or {}).get("types"))


def detect_graphiql(hub: HubFixture, headers: dict[str, str]) -> bool:
    response = httpx.get(f"{hub.base_url}/graphql", headers={**headers, "Accept": "text/html"}, timeout=30)
    return any(
        word in response.text for word in ("graphiql.min.css", "GraphQL Playground", "GraphiQL", "graphql-playground")
    )


def get_method_support(hub: HubFixture, headers: dict[str, str]) -> bool:
    response = httpx.get(f"{hub.base_url}/graphql", params={"query": "query cop {__typename}"}, headers=headers)
    return bool(_data(response).get("__typename"))


def alias_overloading(hub: HubFixture, headers: dict[str, str]) -> bool:
    aliases = "".join(f"alias{i}:__typename \n" for i in range(101))
    return bool(_data(_cop(hub, headers, f"query cop {{ {aliases} }}")).get("alias100"))


def batch_query(hub: HubFixture, headers: dict[str, str]) -> bool:
    response = post(hub, None, [{"query": "query cop { __typename }"}] * 10, headers=headers)
    body = _json(response)
    return isinstance(body, list) and len(body) >= 10


def trace_mode(hub: HubFixture, headers: dict[str, str]) -> bool:
    body = _json(_cop(hub, headers, "query cop { __typename }"))
    return "'extensions': {'tracing':" in str(body).lower() or "tracing" in str((body or {}).get("extensions"))


def directive_overloading(hub: HubFixture, headers: dict[str, str]) -> bool:
    body = _json(_cop(hub, headers, "query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }"))
    return len(body.get("errors") or []) == 10


def circular_query_introspection(hub: HubFixture, headers: dict[str, str]) -> bool:
    nested = "query cop { __schema { types { fields { type { fields { type { fields { type { fields { type { name }"
    response = _cop(hub, headers, nested + " } } } } } } } } } }")
    return len((_data(response).get("__schema") or {}).get("types") or []) > 25


def get_based_mutation(hub: HubFixture, headers: dict[str, str]) -> bool:
    response = httpx.get(f"{hub.base_url}/graphql", params={"query": "mutation cop {__typename}"}, headers=headers)
    return bool(_data(response).get("__typename"))


def post_based_csrf(hub: HubFixture, headers: dict[str, str]) -> bool:
    response = httpx.post(f"{hub.base_url}/graphql", data={"query": "query cop { __typename }"}, headers=headers)
    return bool(_data(response).get("__typename"))


def unhandled_error_detection(hub: HubFixture, headers: dict[str, str]) -> bool:
    body = _json(_cop(hub, headers, "qwerty cop { abc }"))
    first = (body.get("errors") or [{}])[0]
    return bool((first.get("extensions") or {}).get("exception")) or "'extensions': {'exception':" in str(body).lower()


CHECKS: dict[str, Check] = {
    "field_suggestions": field_suggestions,
    "introspection": introspection,
    "detect_graphiql": detect_graphiql,
    "get_method_support": get_method_support,
    "alias_overloading": alias_overloading,
    "batch_query": batch_query,
    "trace_mode": trace_mode,
    "directive_overloading": directive_overloading,
    "circular_query_introspection": circular_query_introspection,
    "get_based_mutation": get_based_mutation,
    "post_based_csrf": post_based_csrf,
    "unhandled_error_detection": unhandled_error_detection,
}
BY_DESIGN_WITH_CATALOG = {"field_suggestions", "introspection", "get_method_support"}


def _headers(hub: HubFixture, catalog: bool) -> dict[str, str]:
    scope = "subject:read check:read catalog:read" if catalog else "subject:read check:read"
    return {"Authorization": f"Bearer {hub.token('bank', scope=scope)}", "User-Agent": "graphql-cop/1.14"}


def test_graphql_cop_finds_nothing_for_a_token_without_catalog_read(hub: HubFixture) -> None:
    headers = _headers(hub, catalog=False)
    assert [name for name, check in CHECKS.items() if check(hub, headers)] == []


def test_graphql_cop_finds_only_what_catalog_read_is_for(hub: HubFixture) -> None:
    headers = _headers(hub, catalog=True)
    assert {name for name, check in CHECKS.items() if check(hub, headers)} == BY_DESIGN_WITH_CATALOG


def test_field_duplication_which_graphql_cop_leaves_out_is_refused_before_validation(hub: HubFixture) -> None:
    for catalog in (False, True):
        body = _cop(hub, _headers(hub, catalog), "query cop { " + "__typename \n" * 500 + "}").json()
        assert body["data"] is None
        assert codes(body) == ["QUERY_TOO_COMPLEX"]
        assert "requests of one field in one selection: 500" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "directives",
    ["@aa" * 10, "@include(if: true)" * 10, "@skip(if: false)@include(if: true)@skip(if: false)"],
)
def test_repeated_directives_are_one_refusal(hub: HubFixture, directives: str) -> None:
    for catalog in (False, True):
        body = _cop(hub, _headers(hub, catalog), f"query cop {{ __typename {directives} }}").json()
        assert codes(body) == ["QUERY_TOO_COMPLEX"], body
        assert body["extensions"]["audit"]["eventId"]


def test_skip_and_include_together_still_run(hub: HubFixture) -> None:
    query = "query cop { me { department @include(if: true) @skip(if: false) } }"
    assert _cop(hub, _headers(hub, catalog=False), query).json()["data"]["me"]["department"] == "bank"


@pytest.fixture(scope="module")
def demo_like_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    """Answers a hub with GraphiQL enabled, as `credit-hub demo` runs it."""
    with running_hub("sqlite", tmp_path_factory.mktemp("ide-hub"), graphiql=True) as running:
        yield running


def test_graphiql_only_where_enabled_and_only_for_catalog_readers(hub: HubFixture, demo_like_hub: HubFixture) -> None:
    assert not detect_graphiql(hub, _headers(hub, catalog=True))  # `serve`'s default: no IDE
    assert detect_graphiql(demo_like_hub, _headers(demo_like_hub, catalog=True))
    refused = httpx.get(
        f"{demo_like_hub.base_url}/graphql", headers={**_headers(demo_like_hub, catalog=False), "Accept": "text/html"}
    )
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not detect_graphiql(demo_like_hub, _headers(demo_like_hub, catalog=False))


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("application/x-www-form-urlencoded", "query=query+cop+%7B+__typename+%7D"),
        (
            "multipart/form-data; boundary=b",
            '--b\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ __typename }\r\n--b--',
        ),
        ("text/plain", '{"query": "query cop { __typename }"}'),
    ],
)
def test_a_body_a_browser_form_can_send_never_runs(hub: HubFixture, content_type: str, content: str) -> None:
    for catalog in (False, True):
        headers = {**_headers(hub, catalog), "Content-Type": content_type}
        response = httpx.post(f"{hub.base_url}/graphql", content=content.encode(), headers=headers)
        assert response.status_code == 415
        assert "data" not in response.json()
