"""The OAuth service and authlib core without HTTP: grants, events, revocation, credentials."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import update

from hub.errors import ConfigError, ErrorCode, HubError
from hub.identity.credentials import check_secret, default_department_check, hash_secret, new_client
from hub.identity.oauth import FormRequest
from hub.identity.service import AuthEvent, OAuthService
from hub.store.tables import clients as clients_table
from tests.identity.support import BACKENDS, ORG, PERSON, Stack, add_client, make_settings, stack_on

GRANT = {"grant_type": "client_credentials"}


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@pytest.fixture(params=BACKENDS)
async def stack(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Stack]:
    async with stack_on(request.param, tmp_path) as wired:
        yield wired


async def test_token_request_emits_an_event_without_secrets(stack: Stack) -> None:
    client_id, secret = await add_client(stack.clients)
    response = await stack.service.token(FormRequest(GRANT, basic(client_id, secret)))
    assert response.status == 200
    assert ("Cache-Control", "no-store") in response.headers
    (event,) = stack.events
    assert event == AuthEvent("token", "ok", client_id, True, event.token_id, "check:read subject:read")
    assert event.token_id
    assert secret not in repr(event)
    assert response.body["access_token"] not in repr(event)


async def test_failed_authentication_reports_the_claimed_client(stack: Stack) -> None:
    client_id, _ = await add_client(stack.clients)
    response = await stack.service.token(FormRequest({**GRANT, "client_id": client_id, "client_secret": "no"}))
    assert response.status == 401
    assert response.body["error"] == "invalid_client"
    assert stack.events == [AuthEvent("token", "invalid_client", client_id, False)]


async def test_a_disabled_client_cannot_get_tokens(stack: Stack) -> None:
    client_id, secret = await add_client(stack.clients)
    async with stack.engine.begin() as conn:
        await conn.execute(update(clients_table).values(disabled=True))
    response = await stack.service.token(FormRequest(GRANT, basic(client_id, secret)))
    assert response.status == 401
    assert response.body["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("form", "authorization", "error"),
    [
        ({}, None, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "code": "x"}, None, "unsupported_grant_type"),
        (GRANT, "Basic %%%not-base64", "invalid_client"),
        (GRANT, "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(), "invalid_client"),
        (GRANT, None, "invalid_client"),
    ],
)
async def test_malformed_token_requests_get_oauth_errors(
    stack: Stack, form: dict[str, str], authorization: str | None, error: str
) -> None:
    response = await stack.service.token(FormRequest(form, authorization))
    assert response.body["error"] == error
    assert response.status in {400, 401}


async def test_a_token_names_its_client_as_registered(stack: Stack) -> None:
    client_id, secret = await add_client(stack.clients)
    response = await stack.service.token(FormRequest(GRANT, basic(client_id, secret)))
    principal = await stack.verifier.verify(f"Bearer {response.body['access_token']}")
    assert (principal.client_id, principal.client_name) == (client_id, "测试审批系统")


async def test_tokens_never_exceed_the_registered_scopes(stack: Stack) -> None:
    client_id, secret = await add_client(stack.clients, "check:read")
    refused = await stack.service.token(
        FormRequest({**GRANT, "scope": "check:read self:read"}, basic(client_id, secret))
    )
    assert refused.status == 400
    assert refused.body["error"] == "invalid_scope"
    granted = await stack.service.token(FormRequest(GRANT, basic(client_id, secret)))
    assert granted.body["scope"] == "check:read"


async def test_tokens_never_exceed_the_department_ceiling(stack: Stack) -> None:
    ceilings = {"market-supervision": frozenset({"check:read"})}
    service = OAuthService(
        stack.settings,
        clients=stack.clients,
        keys=stack.keys,
        revocations=stack.revocations,
        verifier=stack.verifier,
        scope_ceiling=lambda department: ceilings.get(department, frozenset()),
    )
    client_id, secret = await add_client(stack.clients, "subject:read check:read audit:read")
    granted = await service.token(FormRequest(GRANT, basic(client_id, secret)))
    assert granted.body["scope"] == "check:read"
    asked = await service.token(FormRequest({**GRANT, "scope": "audit:read"}, basic(client_id, secret)))
    assert (asked.status, asked.body["error"]) == (400, "invalid_scope")
    ceilings["market-supervision"] = frozenset()  # the policy changed since the client was registered
    emptied = await service.token(FormRequest(GRANT, basic(client_id, secret)))
    assert (emptied.status, emptied.body["error"]) == (400, "invalid_scope")


async def test_revocation_is_durable_before_the_response(stack: Stack) -> None:
    client_id, secret = await add_client(stack.clients)
    token = (await stack.service.token(FormRequest(GRANT, basic(client_id, secret)))).body["access_token"]
    principal = await stack.verifier.verify_token(token)
    response = await stack.service.revoke(FormRequest({"token": token}, basic(client_id, secret)))
    assert response.status == 200
    assert principal.token_id
    assert await stack.revocations.is_revoked(principal.token_id)
    assert stack.events[-1] == AuthEvent("revoke", "ok", client_id, True, principal.token_id)
    unknown = await stack.service.revoke(FormRequest({"token": "not-a-token"}, basic(client_id, secret)))
    assert unknown.status == 200
    missing = await stack.service.revoke(FormRequest({}, basic(client_id, secret)))
    assert missing.status == 400
    assert missing.body["error"] == "invalid_request"


async def test_tokens_and_secrets_never_reach_the_log(stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client_id, secret = await add_client(stack.clients)
    auth = basic(client_id, secret)
    token = (await stack.service.token(FormRequest(GRANT, auth))).body["access_token"]
    await stack.service.introspect(FormRequest({"token": token}, auth))
    await stack.service.revoke(FormRequest({"token": token}, auth))
    await stack.service.token(FormRequest({**GRANT, "client_id": client_id, "client_secret": secret + "x"}))
    assert caplog.records
    assert token not in caplog.text
    assert secret not in caplog.text


async def test_concurrent_token_requests_run_off_the_loop(stack: Stack) -> None:
    client_id, secret = await add_client(stack.clients)
    responses = await asyncio.gather(
        *(stack.service.token(FormRequest(GRANT, basic(client_id, secret))) for _ in range(8))
    )
    tokens = {response.body["access_token"] for response in responses}
    assert len(tokens) == 8
    assert all(response.status == 200 for response in responses)


async def test_dev_login_needs_the_setting(stack: Stack, tmp_path: Path) -> None:
    with pytest.raises(HubError) as caught:
        await stack.service.dev_login(PERSON)
    assert caught.value.code is ErrorCode.NOT_FOUND


def test_the_issuer_must_be_https_or_loopback(tmp_path: Path) -> None:
    settings = make_settings("sqlite+aiosqlite:///x.db", issuer="http://hub.example.gov.cn")
    with pytest.raises(ConfigError, match="https"):
        OAuthService(settings, clients=None, keys=None, revocations=None, verifier=None)  # type: ignore[arg-type]


def test_secret_hashes_are_salted_and_checked_in_constant_time() -> None:
    first, second = hash_secret("s3cret"), hash_secret("s3cret")
    assert first != second
    assert first.startswith("scrypt$")
    assert "s3cret" not in first
    assert check_secret("s3cret", first)
    assert check_secret("s3cret", second)
    assert not check_secret("s3cret!", first)
    assert not check_secret("s3cret", "plain$text")
    assert not check_secret("s3cret", "scrypt$x$y$z$a$b")


@pytest.mark.parametrize(
    ("options", "place"),
    [
        ({"name": "  "}, "--name"),
        ({"org": "91350100M000100Y44"}, "--org"),
        ({"org": PERSON}, "--org"),
        ({"department": "Bad Key"}, "--department"),
        ({"scopes": ["subject:read self:read"]}, "--scopes"),
        ({"scopes": [""]}, "--scopes"),
    ],
)
def test_registrations_are_validated_with_a_named_option(options: dict[str, object], place: str) -> None:
    valid: dict[str, object] = {"name": "审批系统", "org": ORG, "department": "tax", "scopes": ["check:read"]}
    with pytest.raises(HubError) as caught:
        new_client(**{**valid, **options})  # type: ignore[arg-type]
    assert caught.value.place == place
    assert caught.value.fix


def test_department_check_is_injectable() -> None:
    assert default_department_check("market-supervision")
    assert not default_department_check("x")
    client = new_client(name="n", org=ORG, department="tax", scopes=["check:read"], department_ok=lambda k: True)
    assert client.department == "tax"
    assert check_secret(client.secret, client.secret_hash)
    with pytest.raises(HubError):
        new_client(name="n", org=ORG, department="tax", scopes=["check:read"], department_ok=lambda k: False)
