"""Citizen and enterprise sign-in: external OpenID Connect tokens against a locally served JWKS, and dev login."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from hub.config import OidcSettings
from hub.errors import ErrorCode, HubError
from hub.identity.oidc import OidcVerifier, dev_login
from hub.identity.scopes import SELF_SCOPES
from hub.identity.tokens import TokenIssuer, TokenVerifier
from tests.identity.support import ORG, PERSON, b64, stack_on, unsigned

ISSUER = "https://idp.example.gov.cn"


class Provider:
    """A tiny identity provider: serves its JWKS over HTTP and signs ID tokens."""

    def __init__(self) -> None:
        self.rsa = RSAKey.generate_key(2048, parameters={"kid": "rsa-1", "use": "sig"})
        self.ec = ECKey.generate_key("P-256", parameters={"kid": "ec-1", "alg": "ES256"})
        self.published: list[Any] = [self.rsa, self.ec]
        self.fetches = 0
        self.down = False
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.fetches += 1
                if provider.down:
                    self.send_response(503)
                    self.end_headers()
                    return
                body = json.dumps({"keys": [k.as_dict(private=False) for k in provider.published]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks"

    def id_token(self, key: Any = None, alg: str = "RS256", **overrides: Any) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": "credit-hub-portal", "sub": PERSON, "iat": now, "exp": now + 300}
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        key = key or self.rsa
        return jwt.encode({"alg": alg, "kid": key.kid}, claims, key, algorithms=[alg])


@pytest.fixture
def provider() -> Iterator[Provider]:
    idp = Provider()
    thread = threading.Thread(target=idp.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield idp
    idp.server.shutdown()
    idp.server.server_close()


@pytest.fixture
async def verifier(provider: Provider) -> AsyncIterator[OidcVerifier]:
    config = OidcSettings(issuer=ISSUER, jwks_url=provider.url, audience="credit-hub-portal")
    oidc = OidcVerifier(config, min_refresh_seconds=0.0)
    yield oidc
    await oidc.aclose()


async def refused(verifier: OidcVerifier, token: str) -> str:
    with pytest.raises(HubError) as caught:
        await verifier.verify(token)
    assert caught.value.code is ErrorCode.UNAUTHENTICATED
    assert "invalid_token" in str(caught.value.extra["www_authenticate"])
    return str(caught.value.extra["reason"])


async def test_an_rs256_id_token_signs_a_citizen_in(provider: Provider, verifier: OidcVerifier) -> None:
    principal = await verifier.verify(provider.id_token(jti="abc"))
    assert principal.self_code == principal.subject == PERSON
    assert principal.scopes == SELF_SCOPES
    assert principal.client_id is None
    assert principal.org is None
    assert principal.extra == {"idp": ISSUER}
    assert principal.token_id == "abc"


async def test_an_es256_token_with_a_configured_subject_claim(provider: Provider) -> None:
    config = OidcSettings(issuer=ISSUER, jwks_url=provider.url, subject_claim="uscc")
    oidc = OidcVerifier(config)
    try:
        token = provider.id_token(provider.ec, "ES256", uscc=ORG.lower(), sub="opaque-user-id", aud="any")
        assert (await oidc.verify(token)).self_code == ORG
        assert await refused(oidc, provider.id_token(provider.ec, "ES256")) == "bad_claims"
    finally:
        await oidc.aclose()


async def test_keys_are_fetched_once_and_refetched_for_a_new_kid(provider: Provider, verifier: OidcVerifier) -> None:
    for _ in range(5):
        await verifier.verify(provider.id_token())
    assert provider.fetches == 1
    rotated = RSAKey.generate_key(2048, parameters={"kid": "rsa-2"})
    provider.published = [rotated]
    assert (await verifier.verify(provider.id_token(rotated))).self_code == PERSON
    assert provider.fetches == 2


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"aud": "someone-else"}, "bad_claims"),
        ({"iss": "https://evil.example"}, "bad_claims"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"exp": None}, "bad_claims"),
        ({"sub": "110101199003076614"}, "bad_subject"),
    ],
)
async def test_bad_claims_are_refused(
    provider: Provider, verifier: OidcVerifier, overrides: dict[str, Any], reason: str
) -> None:
    assert await refused(verifier, provider.id_token(**overrides)) == reason


async def test_forged_signatures_and_algorithms_are_refused(provider: Provider, verifier: OidcVerifier) -> None:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "credit-hub-portal", "sub": PERSON, "iat": now, "exp": now + 300}
    stranger = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
    assert await refused(verifier, provider.id_token(stranger)) == "bad_signature"
    assert await refused(verifier, unsigned({"alg": "none", "kid": "rsa-1"}, claims)) == "bad_algorithm"
    header = {"alg": "HS256", "kid": "rsa-1"}
    signing_input = f"{b64(json.dumps(header))}.{b64(json.dumps(claims))}".encode()
    secret = provider.rsa.as_pem(private=False)
    confusion = f"{signing_input.decode()}.{b64(hmac.new(secret, signing_input, hashlib.sha256).digest())}"
    assert await refused(verifier, confusion) == "bad_algorithm"
    assert await refused(verifier, provider.id_token(provider.rsa, "PS256")) == "bad_algorithm"
    assert await refused(verifier, provider.id_token(ECKey.generate_key(parameters={"kid": "x"}), "ES256")) == (
        "unknown_key"
    )
    assert await refused(verifier, "not.a-token") == "malformed"


async def test_an_unreachable_provider_means_unauthenticated(provider: Provider) -> None:
    provider.down = True
    oidc = OidcVerifier(OidcSettings(issuer=ISSUER, jwks_url=provider.url))
    try:
        assert await refused(oidc, provider.id_token()) == "unknown_key"
    finally:
        await oidc.aclose()


async def test_the_request_path_accepts_provider_tokens(
    provider: Provider, verifier: OidcVerifier, tmp_path: Path
) -> None:
    async with stack_on("sqlite", tmp_path) as stack:
        both = TokenVerifier(stack.settings, stack.keys, stack.revocations, external=verifier)
        principal = await both.verify(f"Bearer {provider.id_token()}")
        assert principal.self_code == PERSON
        with pytest.raises(HubError):
            await both.verify(f"Bearer {provider.id_token(aud='nope')}")


async def test_dev_login_issues_a_hub_signed_self_token(tmp_path: Path) -> None:
    async with stack_on("sqlite", tmp_path) as stack:
        issued = await dev_login(f" {ORG.lower()} ", issuer=TokenIssuer(stack.settings), keys=stack.keys)
        principal = await stack.verifier.verify(f"Bearer {issued.access_token}")
        assert principal.self_code == ORG
        assert principal.scopes == SELF_SCOPES
        assert principal.client_id == "dev-login"
        assert principal.org is None
        assert principal.department is None
        with pytest.raises(HubError) as caught:
            await dev_login("12345", issuer=TokenIssuer(stack.settings), keys=stack.keys)
        assert caught.value.code is ErrorCode.INVALID_SUBJECT_CODE
