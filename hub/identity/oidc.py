"""Sign-in through an external OpenID Connect provider (citizens, enterprises, officers), and the dev provider."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import Key, KeySet

from hub.config import OidcSettings
from hub.errors import HubError
from hub.identity.codes import parse_subject_code
from hub.identity.keys import KeyRing
from hub.identity.principal import Principal
from hub.identity.scopes import SELF_SCOPES
from hub.identity.tokens import IssuedToken, TokenIssuer, unauthenticated

DEV_CLIENT_ID = "dev-login"
_CURVE_ALGORITHMS = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "Ed25519": "EdDSA"}


def _algorithm(key: Key) -> str | None:
    """Answers the one algorithm a provider key may sign with (never none or an HMAC)."""
    declared = key.get("alg")
    if isinstance(declared, str):
        return None if declared == "none" or declared.startswith("HS") else declared
    if key.key_type == "RSA":
        return "RS256"
    return _CURVE_ALGORITHMS.get(str(key.get("crv", "")))


class OidcVerifier:
    """Verifies the provider's ID or access tokens against its JWKS (cached, refetched on unknown kid)."""

    def __init__(
        self,
        config: OidcSettings,
        *,
        http: httpx.AsyncClient | None = None,
        cache_seconds: float = 300.0,
        min_refresh_seconds: float = 10.0,
        clock: Callable[[], float] = time.time,
        leeway: int = 60,
    ) -> None:
        self.issuer = config.issuer
        self._config = config
        self._http = http or httpx.AsyncClient(timeout=5.0)
        self._cache_seconds, self._min_refresh = cache_seconds, min_refresh_seconds
        self._keys: dict[str, Key] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": config.issuer},
            "exp": {"essential": True},
        }
        if config.audience:
            options["aud"] = {"essential": True, "value": config.audience}
        options[config.subject_claim] = {"essential": True}
        self._registry = jwt.JWTClaimsRegistry(now=lambda: int(clock()), leeway=leeway, **options)
        officer: dict[str, Any] = {"iss": options["iss"], "exp": options["exp"],
                                   "aud": {"essential": True, "value": config.client_id},
                                   config.officer_id_claim: {"essential": True}}  # fmt: skip
        self._officer_registry = (
            jwt.JWTClaimsRegistry(now=lambda: int(clock()), leeway=leeway, **officer) if config.client_id else None
        )

    async def _refresh(self, older_than: float) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < older_than:
                return
            self._fetched_at = time.monotonic()
            try:
                response = await self._http.get(self._config.jwks_url)
                response.raise_for_status()
                key_set = KeySet.import_key_set(response.json())
            except (httpx.HTTPError, ValueError, JoseError):
                return
            self._keys = {str(k.kid): k for k in key_set.keys if k.kid and k.get("use", "sig") == "sig"}

    async def _key(self, kid: str) -> Key | None:
        known = kid in self._keys
        if not known or time.monotonic() - self._fetched_at >= self._cache_seconds:
            await self._refresh(self._cache_seconds if known else self._min_refresh)
        return self._keys.get(kid)

    async def verify(self, token: str) -> Principal:
        """Answers the citizen or enterprise the provider vouches for, or raises UNAUTHENTICATED."""
        claims = await self._validated(token, self._registry)
        try:
            code = parse_subject_code(str(claims[self._config.subject_claim])).value
        except HubError:
            raise unauthenticated("bad_subject", "token subject is not a resident ID or USCC") from None
        jti = claims.get("jti")
        return Principal(
            subject=code,
            scopes=SELF_SCOPES,
            self_code=code,
            token_id=str(jti) if jti else None,
            extra={"idp": self.issuer},
        )

    async def officer_claims(self, id_token: str) -> dict[str, Any]:
        """Answers the claims of an ID token the provider issued to the hub's own client (signature, issuer,
        audience and expiry checked), or raises UNAUTHENTICATED."""
        if self._officer_registry is None:
            raise unauthenticated("no_client", "the hub has no client at this identity provider")
        return await self._validated(id_token, self._officer_registry)

    async def _validated(self, token: str, registry: jwt.JWTClaimsRegistry) -> dict[str, Any]:
        try:
            obj = jws.extract_compact(token.encode("ascii"))
        except (JoseError, UnicodeError):
            raise unauthenticated("malformed", "token is not a signed JWT") from None
        key = await self._key(str(obj.headers().get("kid", "")))
        algorithm = _algorithm(key) if key is not None else None
        if key is None or algorithm is None:
            raise unauthenticated("unknown_key", "token signed by an unknown identity provider key")
        if obj.headers().get("alg") != algorithm:
            raise unauthenticated("bad_algorithm", "token algorithm does not match its key")
        try:
            claims = jwt.decode(token, key, algorithms=[algorithm]).claims
        except JoseError:
            raise unauthenticated("bad_signature", "token signature is invalid") from None
        try:
            registry.validate(claims)
        except ExpiredTokenError:
            raise unauthenticated("expired", "token has expired") from None
        except JoseError:
            raise unauthenticated("bad_claims", "token claims are missing or wrong") from None
        return dict(claims)

    async def aclose(self) -> None:
        """Answers nothing; closes the HTTP client used to fetch the provider's keys."""
        await self._http.aclose()


async def dev_login(code: str, *, issuer: TokenIssuer, keys: KeyRing) -> IssuedToken:
    """Answers a hub-signed self token for `code` (demo only; raises INVALID_SUBJECT_CODE on a bad code)."""
    subject = parse_subject_code(code).value
    return issuer.issue(await keys.signer(), subject=subject, client_id=DEV_CLIENT_ID, scopes=SELF_SCOPES)
