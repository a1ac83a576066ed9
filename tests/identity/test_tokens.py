"""Issuing RFC 9068 access tokens and verifying them on the request path."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from joserfc import jws

from hub.errors import ErrorCode, HubError
from hub.identity.scopes import SELF_SCOPES
from hub.identity.tokens import TokenIssuer, TokenVerifier
from hub.store.clients import ClientStatus
from tests.identity.support import BACKENDS, ORG, PERSON, Stack, add_client_ids, claims_for, forge, stack_on


@pytest.fixture(params=BACKENDS)
async def stack(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Stack]:
    async with stack_on(request.param, tmp_path, token_ttl_seconds=600) as wired:
        await add_client_ids(wired.clients, "ch_1", "ch_forged")
        yield wired


async def issue(stack: Stack, **kwargs: Any) -> str:
    options: dict[str, Any] = {"subject": "ch_1", "client_id": "ch_1", "scopes": ["check:read"], "org": ORG}
    options.update(kwargs)
    options.setdefault("dept", "market-supervision")
    return TokenIssuer(stack.settings).issue(await stack.keys.signer(), **options).access_token


async def refusal(verifier: TokenVerifier, header: str | None) -> HubError:
    with pytest.raises(HubError) as caught:
        await verifier.verify(header)
    assert caught.value.code is ErrorCode.UNAUTHENTICATED
    return caught.value


async def test_issued_token_has_the_rfc9068_header_and_claims(stack: Stack) -> None:
    key = await stack.keys.signer()
    issued = TokenIssuer(stack.settings).issue(
        key, subject="ch_1", client_id="ch_1", scopes=["subject:read", "check:read", "check:read"], org=ORG, dept="tax"
    )
    obj = jws.extract_compact(issued.access_token.encode())
    claims = json.loads(obj.payload or b"")
    assert obj.headers() == {"typ": "at+jwt", "alg": "ES256", "kid": key.kid}
    assert claims["iss"] == stack.settings.issuer
    assert claims["aud"] == "credit-hub"
    assert claims["exp"] - claims["iat"] == issued.expires_in == 600
    assert claims["scope"] == issued.scope == "check:read subject:read"
    assert claims["jti"] == issued.jti
    assert claims["org"] == ORG
    assert claims["dept"] == "tax"


async def test_self_tokens_carry_no_org_or_dept(stack: Stack) -> None:
    token = await issue(stack, subject=PERSON, client_id="dev-login", scopes=SELF_SCOPES, org=None, dept=None)
    claims = json.loads(jws.extract_compact(token.encode()).payload or b"")
    assert "org" not in claims
    assert "dept" not in claims
    principal = await stack.verifier.verify(f"Bearer {token}")
    assert principal.is_self
    assert principal.self_code == PERSON
    assert principal.scopes == SELF_SCOPES


async def test_the_client_name_travels_in_the_token_to_the_principal(stack: Stack) -> None:
    token = await issue(stack, client_name="太原市审批局 审批系统")
    claims = json.loads(jws.extract_compact(token.encode()).payload or b"")
    assert claims["client_name"] == "太原市审批局 审批系统"
    assert (await stack.verifier.verify(f"Bearer {token}")).client_name == "太原市审批局 审批系统"


@pytest.mark.parametrize("name", [None, "", 7, ["a"]])
async def test_a_token_without_a_usable_client_name_still_verifies(stack: Stack, name: object) -> None:
    token = await forge(stack, claims_for(stack.settings, client_name=name))
    principal = await stack.verifier.verify(f"Bearer {token}")
    assert principal.client_name is None
    assert principal.client_id == "ch_forged"


async def test_client_token_becomes_a_principal(stack: Stack) -> None:
    principal = await stack.verifier.verify(f"bearer {await issue(stack)}")
    assert principal.subject == principal.client_id == "ch_1"
    assert principal.org == ORG
    assert principal.department == "market-supervision"
    assert principal.scopes == {"check:read"}
    assert not principal.is_self
    assert principal.token_id
    assert principal.expires_at is not None


@pytest.mark.parametrize(
    ("header", "reason", "has_error"),
    [
        (None, "missing", False),
        ("   ", "missing", False),
        ("Basic YTpi", "not_bearer", False),
        ("Bearer", "malformed", True),
        ("Bearer a b", "malformed", True),
        ("Bearer e30.e30.", "malformed", True),
        ("Bearer eyJhbGciOiJFUzI1NiJ9.W10.c2ln", "malformed", True),
    ],
)
async def test_bad_headers_get_a_precise_challenge(
    stack: Stack, header: str | None, reason: str, has_error: bool
) -> None:
    error = await refusal(stack.verifier, header)
    challenge = str(error.extra["www_authenticate"])
    assert error.extra["reason"] == reason
    assert challenge.startswith('Bearer realm="credit-hub"')
    assert ('error="invalid_token"' in challenge) is has_error


async def test_challenge_is_machine_usable_and_says_why(stack: Stack) -> None:
    expired = await forge(stack, claims_for(stack.settings, exp=int(time.time()) - 120, client_id="ch_old"))
    error = await refusal(stack.verifier, f"Bearer {expired}")
    assert error.extra["www_authenticate"] == (
        'Bearer realm="credit-hub", error="invalid_token", error_description="token has expired"'
    )
    assert error.extra["client_id"] == "ch_old"
    assert "claimed_client_id" not in error.extra
    assert expired not in error.message
    assert expired not in str(error.extra)


async def test_unverified_client_id_is_only_reported_as_claimed(stack: Stack) -> None:
    token = await forge(stack, claims_for(stack.settings, client_id="ch_claims"))
    head, body, _ = token.split(".")
    error = await refusal(stack.verifier, f"Bearer {head}.{body}.AAAA")
    assert error.extra == {
        "www_authenticate": error.extra["www_authenticate"],
        "reason": "bad_signature",
        "claimed_client_id": "ch_claims",
    }


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"scope": "self:read subject:read"}, "bad_claims"),
        ({"scope": "self:read", "org": None, "dept": None, "sub": "not-a-code"}, "bad_claims"),
        ({"org": None}, "bad_claims"),
        ({"client_id": None}, "bad_client_id"),
        ({"iat": int(time.time()) + 3600}, "bad_iat"),
        ({"aud": ["other", "another"]}, "bad_aud"),
    ],
)
async def test_claims_that_do_not_fit_are_refused(stack: Stack, overrides: dict[str, Any], reason: str) -> None:
    token = await forge(stack, claims_for(stack.settings, **overrides))
    assert (await refusal(stack.verifier, f"Bearer {token}")).extra["reason"] == reason


async def test_audience_list_containing_the_hub_is_accepted(stack: Stack) -> None:
    token = await forge(stack, claims_for(stack.settings, aud=["other", "credit-hub"]))
    assert (await stack.verifier.verify(f"Bearer {token}")).subject == "ch_forged"


async def test_revocation_is_checked_unless_asked_not_to(stack: Stack) -> None:
    token = await issue(stack)
    principal = await stack.verifier.verify(f"Bearer {token}")
    assert principal.token_id
    assert principal.expires_at
    await stack.revocations.revoke(principal.token_id, principal.expires_at, principal.expires_at)
    assert (await refusal(stack.verifier, f"Bearer {token}")).extra["reason"] == "revoked"
    assert (await stack.verifier.verify_token(token, check_revoked=False)).token_id == principal.token_id


async def test_leeway_is_small_and_configurable(stack: Stack) -> None:
    token = await forge(stack, claims_for(stack.settings, exp=int(time.time()) - 5))
    assert (await stack.verifier.verify(f"Bearer {token}")).subject == "ch_forged"
    strict = TokenVerifier(stack.settings, stack.keys, stack.revocations, leeway=0)
    assert (await refusal(strict, f"Bearer {token}")).extra["reason"] == "expired"


class CountingStore:
    def __init__(self, inner: Any) -> None:
        self.inner, self.loads = inner, 0

    async def all(self) -> Any:
        self.loads += 1
        return await self.inner.all()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_hot_path_uses_cached_keys(stack: Stack) -> None:
    from hub.identity.keys import KeyRing
    from hub.store.keys import SigningKeyRepository

    counting = CountingStore(SigningKeyRepository(stack.engine))
    ring = KeyRing(counting, stack.settings, wrap=stack.wrap)
    verifier = TokenVerifier(stack.settings, ring, stack.revocations)
    token = await issue(stack)
    for _ in range(20):
        await verifier.verify(f"Bearer {token}")
    assert counting.loads == 1


async def test_a_remembered_token_still_expires(stack: Stack) -> None:
    token = await issue(stack)
    now = [time.time()]  # after issuing: with no leeway, a clock behind the token's iat would refuse it
    verifier = TokenVerifier(stack.settings, stack.keys, stack.revocations, clock=lambda: now[0], leeway=0)
    assert (await verifier.verify(f"Bearer {token}")).subject == "ch_1"
    now[0] += 601
    assert (await refusal(verifier, f"Bearer {token}")).extra["reason"] == "expired"


async def test_only_the_signature_check_is_remembered(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[str] = []
    original = jws.validate_compact

    def counted(*args: Any, **kwargs: Any) -> Any:
        checks.append("signature")
        return original(*args, **kwargs)

    monkeypatch.setattr(jws, "validate_compact", counted)
    token = await issue(stack)
    principal = await stack.verifier.verify(f"Bearer {token}")
    await stack.verifier.verify(f"Bearer {token}")
    assert checks == ["signature"]
    assert principal.token_id
    assert principal.expires_at
    await stack.revocations.revoke(principal.token_id, principal.expires_at, principal.expires_at)
    assert (await refusal(stack.verifier, f"Bearer {token}")).extra["reason"] == "revoked"
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert (await refusal(stack.verifier, f"Bearer {tampered}")).extra["reason"] == "bad_signature"


async def test_a_token_of_a_disabled_or_deleted_client_is_refused_at_once(stack: Stack) -> None:
    token = await issue(stack)
    assert (await stack.verifier.verify(f"Bearer {token}")).client_id == "ch_1"
    statuses = stack.revocations.clients
    await statuses.change("ch_1", ClientStatus.DISABLED, None, datetime.now(UTC))
    assert (await refusal(stack.verifier, f"Bearer {token}")).extra["reason"] == "client_inactive"
    await statuses.change("ch_1", ClientStatus.ACTIVE, None, datetime.now(UTC))
    assert (await stack.verifier.verify(f"Bearer {token}")).client_id == "ch_1"
    await statuses.delete("ch_1")
    assert (await refusal(stack.verifier, f"Bearer {token}")).extra["reason"] == "client_inactive"
    self_token = await issue(stack, subject=PERSON, client_id="dev-login", scopes=SELF_SCOPES, org=None, dept=None)
    assert (await stack.verifier.verify(f"Bearer {self_token}")).self_code == PERSON, "no client behind a citizen"
