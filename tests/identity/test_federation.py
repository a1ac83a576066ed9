"""Trusted hubs: another hub's assertion of its caller is verified against its published keys and our settings."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub.config import Settings
from hub.errors import ErrorCode, HubError
from hub.identity.federation import HubTrust, check_actor, is_exchanged, upstream_event
from hub.identity.principal import Principal

NOW = 1_800_000_000
CITY = "http://127.0.0.1:8001"
PROVINCE = "http://127.0.0.1:8000"
KEY = ECKey.generate_key("P-256", parameters={"kid": "province-1"})


def _settings() -> Settings:
    trusted = {
        "province": {
            "issuer": PROVINCE, "jwks_url": f"{PROVINCE}/.well-known/jwks.json", "client_id": "ch_province",
            "departments": ["approval-bureau"], "record_types": ["penalty"],
        }
    }  # fmt: skip
    return Settings(issuer=CITY, trusted_hubs=trusted)  # type: ignore[arg-type]


def _jwks_app() -> Starlette:
    async def jwks(_request: Request) -> JSONResponse:
        return JSONResponse({"keys": [KEY.as_dict(private=False)]})

    return Starlette(routes=[Route("/.well-known/jwks.json", jwks)])


def _trust() -> HubTrust:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=_jwks_app()), base_url=PROVINCE)
    return HubTrust(_settings(), http=http, clock=lambda: NOW)


def _assertion(key: ECKey = KEY, typ: str = "caller+jwt", **changes: Any) -> str:
    claims: dict[str, Any] = {
        "iss": PROVINCE, "aud": f"{CITY}/oauth/token", "sub": "ch_clerk_system", "iat": NOW, "exp": NOW + 60,
        "jti": "j-1", "org": "11140100MB1A00010E", "dept": "approval-bureau", "purpose": "ADMINISTRATIVE_APPROVAL",
        "operator": "clerk-7", "consent": ["c-1"],
    }  # fmt: skip
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode({"alg": "ES256", "kid": key.kid, "typ": typ}, claims, key, algorithms=["ES256"])


async def test_a_trusted_hubs_assertion_names_the_original_caller() -> None:
    trust = _trust()
    found = await trust.verify(_assertion())
    assert found.hub.name == "province"
    assert (found.org, found.department, found.purpose) == (
        "11140100MB1A00010E",
        "approval-bureau",
        "ADMINISTRATIVE_APPROVAL",
    )
    assert found.operator == "clerk-7"
    assert found.consent == ("c-1",)
    await trust.aclose()


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "http://rogue.example"}, "untrusted_hub"),
        ({"aud": "http://127.0.0.1:8002/oauth/token"}, "bad_aud"),
        ({"iat": NOW - 400, "exp": NOW - 300}, "expired"),
        ({"exp": NOW + 3600}, "bad_exp"),
        ({"dept": "bank"}, "untrusted_department"),
        ({"purpose": None}, "bad_claims"),
        ({"typ": "at+jwt"}, "bad_type"),
        ({"key": ECKey.generate_key("P-256", parameters={"kid": "province-1"})}, "bad_signature"),
        ({"key": ECKey.generate_key("P-256", parameters={"kid": "other"})}, "unknown_key"),
        # what the register would show is plain text, ids or an organisation's code, or the assertion is refused
        ({"operator": "clerk\u0000-7"}, "bad_claims"),
        ({"operator": "x" * 121}, "bad_claims"),
        ({"client_name": "\u202egro.kab"}, "bad_claims"),
        ({"consent": ["c-1", "张三 110101199003071234 consented"]}, "bad_claims"),
        ({"consent": "c-1"}, "bad_claims"),
        ({"org": "110101199003071234"}, "bad_claims"),
    ],
)
async def test_an_assertion_is_refused_saying_why(changes: dict[str, Any], reason: str) -> None:
    trust = _trust()
    key, typ = changes.pop("key", KEY), changes.pop("typ", "caller+jwt")
    with pytest.raises(HubError) as raised:
        await trust.verify(_assertion(key, typ, **changes))
    assert raised.value.code is ErrorCode.UNAUTHENTICATED
    assert raised.value.extra["reason"] == reason
    await trust.aclose()


def _exchanged(**extra: str) -> Principal:
    claims = {"act_iss": PROVINCE, "act_sub": "ch_province", "hub": "province", "via_dept": "provincial-hub"}
    return Principal(
        subject="ch_clerk_system", scopes=frozenset({"subject:read"}), client_id="ch_province",
        org="11140100MB1A00010E", department="approval-bureau", extra={**claims, **extra},
    )  # fmt: skip


def test_a_token_naming_a_hub_still_trusted_passes_and_any_other_is_401() -> None:
    trust = HubTrust(_settings())
    check_actor(trust, _exchanged())
    check_actor(None, Principal(subject="a", scopes=frozenset()))  # not exchanged: nothing to check
    for wrong in ({"act_iss": "http://rogue.example"}, {"hub": "other"}):
        with pytest.raises(HubError) as raised:
            check_actor(trust, _exchanged(**wrong))
        assert raised.value.extra["reason"] == "untrusted_hub"
    with pytest.raises(HubError):
        check_actor(None, _exchanged())  # the hub no longer trusts any hub


def test_the_upstream_event_is_read_only_for_exchanged_tokens() -> None:
    event = "15741506-4206-4ca6-abb7-8d5d6e83e793"
    first = {"hub": PROVINCE, "event_id": event, "client_id": "ch_province", "request": "1"}
    assert upstream_event(_exchanged(), event) == first
    assert upstream_event(_exchanged(), event, "2") == {**first, "request": "2"}
    for ordinal in ("0", "x", "10000", "1; 2"):
        with pytest.raises(HubError) as bad:
            upstream_event(_exchanged(), event, ordinal)
        assert bad.value.code is ErrorCode.BAD_USER_INPUT
    assert is_exchanged(_exchanged())
    assert not is_exchanged(Principal(subject="a", scopes=frozenset()))
    with_consent = upstream_event(_exchanged(consent="c-1 c-2"), event)
    assert with_consent is not None
    assert with_consent["consent"] == "c-1 c-2", "the city registers the consents the province holds"
    assert upstream_event(Principal(subject="a", scopes=frozenset()), event) is None
    with pytest.raises(HubError) as raised:
        upstream_event(_exchanged(), "'; drop table")
    assert raised.value.code is ErrorCode.BAD_USER_INPUT
