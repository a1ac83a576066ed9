"""A client holds no scope its department's policy leaves out: not in its token, not on a request, whatever it was
registered with (straight in the database here, as clients registered before `scopes:` existed were)."""

from __future__ import annotations

import json
from typing import Any

import httpx
from joserfc import jws

from tests.graphql.audit_hub import run_apart
from tests.identity.support import build_stack, claims_for, forge
from tests.security.conftest import codes, new_client, post, token_for
from tests.support.server import HubFixture

REGISTER = "{ auditEvents(first: 1) { edges { node { eventId department } } } }"


def _claims(token: str) -> dict[str, Any]:
    return dict(json.loads(jws.extract_compact(token.encode()).payload or b"{}"))


def test_a_scope_beyond_the_policy_never_reaches_a_token(hub: HubFixture) -> None:
    bank = new_client(hub, "bank", ("subject:read", "audit:read", "catalog:read"))
    issued = token_for(hub, bank)
    assert issued.status_code == 200
    assert set(issued.json()["scope"].split()) == {"subject:read", "catalog:read"}
    token = issued.json()["access_token"]
    assert set(_claims(token)["scope"].split()) == {"subject:read", "catalog:read"}
    body = post(hub, token, {"query": REGISTER}).json()
    assert codes(body) == ["FORBIDDEN"]
    assert body["data"] is None or body["data"]["auditEvents"] is None


def test_asking_for_a_scope_beyond_the_policy_is_invalid_scope(hub: HubFixture) -> None:
    bank = new_client(hub, "bank", ("subject:read", "audit:read"))
    refused = token_for(hub, bank, scope="audit:read")
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_scope"


def test_a_client_left_with_no_scope_gets_no_token(hub: HubFixture) -> None:
    public = new_client(hub, "public", ("catalog:read", "audit:read"))
    refused = token_for(hub, public)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_scope"
    assert "policy" in refused.json()["error_description"]


def test_a_token_minted_before_the_policy_changed_loses_the_scope_on_every_request(hub: HubFixture) -> None:
    tax = new_client(hub, "tax", ("subject:read", "audit:read"))
    settings = hub.settings

    async def mint() -> str:
        stack = build_stack(settings)
        try:
            claims = claims_for(
                settings,
                sub=tax["client_id"],
                client_id=tax["client_id"],
                scope="subject:read audit:read catalog:read",
                org=tax["org"],
                dept="tax",
            )
            return await forge(stack, claims)
        finally:
            await stack.engine.dispose()

    token = run_apart(mint())
    me = post(hub, token, {"query": "{ me { scopes } }"}).json()
    assert me["data"]["me"]["scopes"] == ["subject:read"]
    assert codes(post(hub, token, {"query": REGISTER}).json()) == ["FORBIDDEN"]
    assert codes(post(hub, token, {"query": "{ __schema { queryType { name } } }"}).json()) == ["FORBIDDEN"]
    introspected = httpx.post(
        f"{hub.base_url}/oauth/introspect", data={"token": token}, auth=(tax["client_id"], tax["client_secret"])
    ).json()
    assert (introspected["active"], introspected["scope"]) == (True, "subject:read"), "introspection says the same"


def test_the_privacy_office_still_reads_the_register(hub: HubFixture) -> None:
    body = hub.graphql("privacy-office", REGISTER).json()
    assert "errors" not in body, body
