"""The authorisation server over real HTTP (uvicorn in a thread), driven by authlib's own OAuth 2 client."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuth2Client
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from joserfc import jws

from tests.identity.support import (
    BACKENDS,
    PERSON,
    Stack,
    add_client,
    build_stack,
    credential_attacks,
    free_socket,
    make_settings,
    migrated_database,
    protected_app,
    serve_in_thread,
)


@dataclass
class Hub:
    base: str
    local: Stack
    client_id: str
    secret: str

    @property
    def token_url(self) -> str:
        return f"{self.base}/oauth/token"

    def oauth(self, method: str = "client_secret_basic", **kwargs: Any) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            self.client_id,
            self.secret,
            token_endpoint_auth_method=method,
            revocation_endpoint_auth_method=method,
            **kwargs,
        )

    async def token(self, method: str = "client_secret_basic", **kwargs: Any) -> dict[str, Any]:
        async with self.oauth(method, **kwargs) as client:
            token: dict[str, Any] = await client.fetch_token(self.token_url, grant_type="client_credentials")
            return token

    async def protected(self, authorization: str | None) -> httpx.Response:
        headers = {"Authorization": authorization} if authorization is not None else {}
        async with httpx.AsyncClient() as http:
            return await http.get(f"{self.base}/protected", headers=headers)


@pytest.fixture(scope="module", params=BACKENDS)
async def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Hub]:
    async with migrated_database(request.param, tmp_path_factory.mktemp("web")) as url:
        sock = free_socket()
        settings = make_settings(url, issuer=f"http://127.0.0.1:{sock.getsockname()[1]}")
        local = build_stack(settings)
        client_id, secret = await add_client(local.clients, "subject:read check:read catalog:read")
        with serve_in_thread(protected_app(build_stack(settings)), sock) as base:
            yield Hub(base, local, client_id, secret)
        await local.engine.dispose()


def header_and_claims(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    obj = jws.extract_compact(token.encode())
    return obj.headers(), json.loads(obj.payload or b"{}")


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
async def test_client_credentials_issue_an_rfc9068_token_that_opens_the_api(hub: Hub, method: str) -> None:
    token = await hub.token(method)
    assert token["token_type"] == "Bearer"
    assert 0 < token["expires_in"] <= 3600
    header, claims = header_and_claims(token["access_token"])
    assert header["typ"] == "at+jwt"
    assert header["alg"] == "ES256"
    assert header["kid"]
    assert {"iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope", "org", "dept"} <= set(claims)
    assert claims["sub"] == claims["client_id"] == hub.client_id
    assert set(claims["scope"].split()) == {"subject:read", "check:read", "catalog:read"}
    response = await hub.protected(f"Bearer {token['access_token']}")
    assert response.status_code == 200
    assert response.json()["dept"] == "market-supervision"


def test_the_synchronous_authlib_client_works_unchanged(hub: Hub) -> None:
    with OAuth2Client(hub.client_id, hub.secret, scope="check:read") as client:
        token = client.fetch_token(hub.token_url, grant_type="client_credentials")
    assert token["scope"] == "check:read"


async def test_requested_scope_narrows_and_escalation_is_refused(hub: Hub) -> None:
    narrowed = await hub.token("client_secret_post", scope="check:read")
    assert header_and_claims(narrowed["access_token"])[1]["scope"] == "check:read"
    with pytest.raises(OAuthError) as refused:
        await hub.token(scope="check:read audit:read")
    assert refused.value.error == "invalid_scope"


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
async def test_wrong_secret_is_401_invalid_client(hub: Hub, method: str) -> None:
    async with AsyncOAuth2Client(hub.client_id, "wrong", token_endpoint_auth_method=method) as client:
        with pytest.raises(OAuthError) as refused:
            await client.fetch_token(hub.token_url, grant_type="client_credentials")
    assert refused.value.error == "invalid_client"
    async with httpx.AsyncClient() as http:
        raw = await http.post(hub.token_url, data={"grant_type": "client_credentials"}, auth=(hub.client_id, "x"))
    assert raw.status_code == 401
    assert raw.json()["error"] == "invalid_client"


async def test_unknown_client_and_bad_requests(hub: Hub) -> None:
    async with httpx.AsyncClient() as http:
        unknown = await http.post(hub.token_url, data={"grant_type": "client_credentials"}, auth=("nobody", "x"))
        as_json = await http.post(hub.token_url, json={"grant_type": "client_credentials"})
        repeated = await http.post(
            hub.token_url,
            content="grant_type=client_credentials&scope=a&scope=b",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        grant = await http.post(hub.token_url, data={"grant_type": "password"}, auth=(hub.client_id, hub.secret))
    assert unknown.status_code == 401
    assert unknown.json()["error"] == "invalid_client"
    assert as_json.status_code == 400
    assert as_json.json()["error"] == "invalid_request"
    assert repeated.status_code == 400
    assert repeated.json()["error"] == "invalid_request"
    assert grant.status_code == 400
    assert grant.json()["error"] == "unsupported_grant_type"


async def test_every_bad_credential_is_401_with_a_bearer_challenge(hub: Hub) -> None:
    # the same attack set runs against the whole hub, with its register, in tests/security/test_jwt_attacks.py
    for case, (authorization, reason) in (await credential_attacks(hub.local, time.time())).items():
        response = await hub.protected(authorization)
        assert response.status_code == 401, case
        challenge = response.headers["www-authenticate"]
        assert challenge.startswith('Bearer realm="credit-hub"'), case
        assert response.json()["reason"] == reason, case
        assert response.json()["code"] == "UNAUTHENTICATED"
        if case not in {"missing", "not_bearer"}:
            assert 'error="invalid_token"' in challenge, case
            assert "error_description=" in challenge, case
        if authorization and " " in authorization:
            assert authorization.split(" ", 1)[1] not in response.text, "token echoed back"


async def test_a_revoked_token_is_refused_on_its_next_use(hub: Hub) -> None:
    token = await hub.token()
    bearer = f"Bearer {token['access_token']}"
    assert (await hub.protected(bearer)).status_code == 200
    async with hub.oauth() as client:
        revoked = await client.revoke_token(
            f"{hub.base}/oauth/revoke", token=token["access_token"], token_type_hint="access_token"
        )
        assert revoked.status_code == 200
        again = await client.revoke_token(f"{hub.base}/oauth/revoke", token=token["access_token"])
        assert again.status_code == 200
    refused = await hub.protected(bearer)
    assert refused.status_code == 401
    assert refused.json()["reason"] == "revoked"
    assert refused.json()["client_id"] == hub.client_id


async def test_a_client_cannot_revoke_another_clients_token(hub: Hub) -> None:
    other_id, other_secret = await add_client(hub.local.clients, "check:read")
    token = await hub.token()
    async with AsyncOAuth2Client(other_id, other_secret) as other:
        refused = await other.revoke_token(f"{hub.base}/oauth/revoke", token=token["access_token"])
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert (await hub.protected(f"Bearer {token['access_token']}")).status_code == 200


async def test_introspection_reports_active_and_inactive_tokens(hub: Hub) -> None:
    token = await hub.token(scope="check:read")
    url = f"{hub.base}/oauth/introspect"
    async with hub.oauth("client_secret_post") as client:
        active = (await client.introspect_token(url, token=token["access_token"])).json()
        garbage = (await client.introspect_token(url, token="garbage")).json()
    assert active["active"] is True
    assert active["scope"] == "check:read"
    assert active["client_id"] == hub.client_id
    assert active["org"]
    assert active["dept"]
    assert active["exp"]
    assert garbage == {"active": False}
    other_id, other_secret = await add_client(hub.local.clients, "check:read")
    async with AsyncOAuth2Client(other_id, other_secret) as other:
        foreign = (await other.introspect_token(url, token=token["access_token"])).json()
    assert foreign == {"active": False}
    async with hub.oauth() as client:
        await client.revoke_token(f"{hub.base}/oauth/revoke", token=token["access_token"])
        after = (await client.introspect_token(url, token=token["access_token"])).json()
    assert after == {"active": False}
    async with httpx.AsyncClient() as http:
        anonymous = await http.post(url, data={"token": token["access_token"]})
    assert anonymous.status_code == 401


async def test_metadata_document_describes_the_server(hub: Hub) -> None:
    async with httpx.AsyncClient() as http:
        document = (await http.get(f"{hub.base}/.well-known/oauth-authorization-server")).json()
    assert document["issuer"] == hub.base
    assert document["token_endpoint"] == f"{hub.base}/oauth/token"
    assert document["jwks_uri"] == f"{hub.base}/.well-known/jwks.json"
    assert document["introspection_endpoint"] == f"{hub.base}/oauth/introspect"
    assert document["revocation_endpoint"] == f"{hub.base}/oauth/revoke"
    assert document["grant_types_supported"] == ["client_credentials"]
    assert set(document["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"}
    assert "subject:read" in document["scopes_supported"]
    metadata = AuthorizationServerMetadata(document)
    for key in metadata.REGISTRY_KEYS:
        if key not in {"response_types_supported", "authorization_endpoint"}:
            getattr(metadata, f"validate_{key}")()


async def test_rotation_keeps_old_tokens_valid_and_publishes_both_keys(hub: Hub) -> None:
    before = await hub.token()
    old_kid = header_and_claims(before["access_token"])[0]["kid"]
    async with httpx.AsyncClient() as http:
        new_kid = (await http.post(f"{hub.base}/test/rotate")).json()["kid"]
        after = await hub.token()
        published = {key["kid"]: key for key in (await http.get(f"{hub.base}/.well-known/jwks.json")).json()["keys"]}
    assert new_kid != old_kid
    assert header_and_claims(after["access_token"])[0]["kid"] == new_kid
    assert {old_kid, new_kid} <= set(published)
    assert all("d" not in key and key["alg"] == "ES256" and key["use"] == "sig" for key in published.values())
    assert (await hub.protected(f"Bearer {before['access_token']}")).status_code == 200
    assert (await hub.protected(f"Bearer {after['access_token']}")).status_code == 200


async def test_dev_login_is_off_unless_enabled(hub: Hub) -> None:
    async with httpx.AsyncClient() as http:
        assert (await http.post(f"{hub.base}/dev/login", json={"code": PERSON})).status_code == 404
    settings = hub.local.settings.model_copy(update={"dev_login": True})  # the same database and wrap key
    stack = build_stack(settings)
    transport = httpx.ASGITransport(app=protected_app(stack))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        issued = await http.post("/dev/login", json={"code": PERSON})
        bad = await http.post("/dev/login", json={"code": "110101199003076614"})
        empty = await http.post("/dev/login", content=b"nope")
        me = await http.get("/protected", headers={"Authorization": f"Bearer {issued.json()['access_token']}"})
    await stack.engine.dispose()
    assert issued.status_code == 200
    assert set(issued.json()) == {"access_token", "token_type", "expires_in"}
    assert bad.status_code == 400
    assert "110101199003076614" not in bad.text
    assert empty.status_code == 400
    assert me.json()["self_code"] == PERSON
    assert me.json()["org"] is None
    assert me.json()["scopes"] == ["self:consent", "self:objection", "self:read", "self:repair"]
    # the hub-signed citizen token also verifies on the real server
    assert (await hub.protected(f"Bearer {issued.json()['access_token']}")).json()["self_code"] == PERSON
