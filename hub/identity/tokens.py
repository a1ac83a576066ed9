"""RFC 9068 JWT access tokens: issuing them, and verifying them on every request."""

from __future__ import annotations

import json
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwt import ClaimsOption

from hub.config import Settings
from hub.errors import ErrorCode, HubError
from hub.identity.codes import parse_subject_code
from hub.identity.keys import KeyRing, SigningKey
from hub.identity.principal import Principal
from hub.identity.scopes import CLIENT_SCOPES, SUBJECT_SCOPES

REALM = "credit-hub"
TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})
VERIFIED_TOKENS_KEPT = 4096


def unauthenticated(
    reason: str, description: str, *, token_error: bool = True, details: dict[str, str] | None = None
) -> HubError:
    """Answers the 401 error for a refused credential, with a WWW-Authenticate challenge in `extra`."""
    challenge = f'Bearer realm="{REALM}"'
    if token_error:
        challenge += f', error="invalid_token", error_description="{description}"'
    extra: dict[str, object] = {"www_authenticate": challenge, "reason": reason, **(details or {})}
    return HubError(ErrorCode.UNAUTHENTICATED, description, extra=extra)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A signed access token and what the token response says about it."""

    access_token: str
    jti: str
    expires_in: int
    expires_at: int
    scope: str


class TokenIssuer:
    """Signs access tokens for this hub's issuer and audience."""

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time) -> None:
        self._issuer, self._audience = settings.issuer, settings.audience
        self._ttl = min(settings.token_ttl_seconds, 3600)
        self._clock = clock

    def issue(
        self,
        key: SigningKey,
        *,
        subject: str,
        client_id: str,
        scopes: Iterable[str],
        org: str | None = None,
        dept: str | None = None,
        client_name: str | None = None,
        extra: Mapping[str, Any] | None = None,
        ttl: int | None = None,
        operator: str | None = None,
    ) -> IssuedToken:
        """Answers a freshly signed token (synchronous: callable from authlib's token generator); `extra` claims
        name a hub's original caller (token exchange), `ttl` shortens the lifetime, `operator` names the person
        signed in (an officer through the identity provider), registered with every use."""
        now = int(self._clock())
        lifetime = min(ttl or self._ttl, self._ttl)
        scope = " ".join(sorted(set(scopes)))
        claims: dict[str, Any] = {
            **(extra or {}),
            "iss": self._issuer,
            "sub": subject,
            "aud": self._audience,
            "exp": now + lifetime,
            "iat": now,
            "jti": secrets.token_urlsafe(18),
            "client_id": client_id,
            "scope": scope,
        }
        named = (("org", org), ("dept", dept), ("client_name", client_name), ("operator", operator))
        claims.update({name: value for name, value in named if value})
        header = {"alg": key.algorithm, "kid": key.kid, "typ": "at+jwt"}
        token = jwt.encode(header, claims, key.private, algorithms=[key.algorithm])
        return IssuedToken(token, claims["jti"], lifetime, claims["exp"], scope)


@dataclass(frozen=True, slots=True)
class TokenStanding:
    """Whether a token still stands: not revoked, and its client (if it names one) active."""

    revoked: bool
    client_active: bool


class RevocationCheck(Protocol):
    """Answers whether a token id was revoked, or its client disabled (hub.store.keys.RevocationRepository)."""

    async def standing(self, jti: str, client_id: str | None) -> TokenStanding: ...


class ExternalVerifier(Protocol):
    """A verifier for tokens of another issuer (hub.identity.oidc.OidcVerifier)."""

    issuer: str

    async def verify(self, token: str) -> Principal: ...
    async def aclose(self) -> None: ...


def _principal(claims: dict[str, Any]) -> Principal:
    scopes = frozenset(str(claims.get("scope", "")).split())
    client_id, token_id = str(claims["client_id"]), str(claims["jti"])
    expires_at = datetime.fromtimestamp(claims["exp"], UTC)
    if scopes & SUBJECT_SCOPES:
        if scopes - SUBJECT_SCOPES or claims.get("org") or claims.get("dept"):
            raise unauthenticated("bad_claims", "token mixes self and client scopes")
        try:
            code = parse_subject_code(str(claims["sub"])).value
        except HubError:
            raise unauthenticated("bad_claims", "token subject is not a subject code") from None
        act = claims.get("act")  # a hub vouched that its caller signed in as this subject (token exchange)
        return Principal(
            extra=_federated(claims) if isinstance(act, dict) else {},
            subject=code,
            scopes=scopes,
            self_code=code,
            client_id=client_id,
            token_id=token_id,
            expires_at=expires_at,
        )
    if not isinstance(claims.get("org"), str) or not isinstance(claims.get("dept"), str):
        raise unauthenticated("bad_claims", "token lacks org or dept")
    name, operator = claims.get("client_name"), claims.get("operator")
    act = claims.get("act")
    return Principal(
        extra=_federated(claims) if isinstance(act, dict) else {},
        subject=str(claims["sub"]),
        scopes=scopes & CLIENT_SCOPES,
        org=claims["org"],
        department=claims["dept"],
        client_id=client_id,
        token_id=token_id,
        expires_at=expires_at,
        client_name=name if isinstance(name, str) and name else None,  # tokens issued before it was a claim lack it
        operator=operator if isinstance(operator, str) and operator else None,
    )


def _federated(claims: dict[str, Any]) -> dict[str, str]:
    """Answers what an exchanged token says of the hub that asks for its original caller (`act`, RFC 8693)."""
    act = claims["act"]
    consent = claims.get("consent")
    found = {
        "act_sub": act.get("sub"),
        "act_iss": act.get("iss"),
        "hub": claims.get("hub"),
        "via_dept": claims.get("via_dept"),
        "purpose": claims.get("purpose"),
        "operator": claims.get("operator"),
        "consent": " ".join(str(c) for c in consent) if isinstance(consent, list) else None,
    }
    essential = ("act_sub", "act_iss", "hub", "via_dept", "purpose")
    if not all(isinstance(found[name], str) and found[name] for name in essential):
        raise unauthenticated("bad_claims", "the exchanged token does not name its hub, department and purpose")
    return {name: str(value) for name, value in found.items() if isinstance(value, str) and value}


@dataclass(slots=True)
class _Verified:
    """A token whose signature was checked: its header and claims, and who it names once its claims held."""

    header: dict[str, Any]
    payload: dict[str, Any]
    principal: Principal | None = None


class TokenVerifier:
    """Turns an Authorization header into a Principal, or raises UNAUTHENTICATED with a challenge."""

    def __init__(
        self,
        settings: Settings,
        keys: KeyRing,
        revocations: RevocationCheck,
        *,
        external: ExternalVerifier | None = None,
        clock: Callable[[], float] = time.time,
        leeway: int = 30,
    ) -> None:
        self._keys, self._revocations, self._external = keys, revocations, external
        # Tokens whose signature was checked, with their decoded header and claims: a client repeats
        # its token on every request, and the signature is most of the cost. Key, expiry and
        # revocation are checked every time; the other claims once, as they cannot change.
        self._verified: OrderedDict[str, _Verified] = OrderedDict()
        essential: ClaimsOption = {"essential": True}
        self._registry = jwt.JWTClaimsRegistry(
            now=lambda: int(clock()),
            leeway=leeway,
            iss={"essential": True, "value": settings.issuer},
            aud={"essential": True, "value": settings.audience},
            sub=essential,
            exp=essential,
            iat=essential,
            jti=essential,
            client_id=essential,
        )

    async def aclose(self) -> None:
        """Answers nothing; releases the external verifier's HTTP client."""
        if self._external is not None:
            await self._external.aclose()

    async def verify(self, authorization_header: str | None) -> Principal:
        """Answers who presented this `Authorization: Bearer` header, or raises UNAUTHENTICATED."""
        if not authorization_header or not authorization_header.strip():
            raise unauthenticated("missing", "no access token", token_error=False)
        scheme, _, token = authorization_header.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise unauthenticated("not_bearer", "use the Bearer scheme", token_error=False)
        token = token.strip()
        if not token or " " in token:
            raise unauthenticated("malformed", "malformed Bearer credentials")
        return await self.verify_token(token)

    async def verify_token(self, token: str, *, check_revoked: bool = True) -> Principal:
        """Answers who a bare access token belongs to, or raises UNAUTHENTICATED saying why."""
        known = self._verified.get(token)
        if known is not None:
            self._verified.move_to_end(token)
            header, payload, obj = known.header, known.payload, None
        else:
            try:
                obj = jws.extract_compact(token.encode("ascii"))
                header, payload = obj.headers(), json.loads(obj.payload or b"")
            except (JoseError, ValueError, UnicodeError):
                raise unauthenticated("malformed", "token is not a signed JWT") from None
            if not isinstance(payload, dict):
                raise unauthenticated("malformed", "token payload is not a JSON object")
        if self._external is not None and payload.get("iss") == self._external.issuer:
            return await self._external.verify(token)
        said = payload.get("client_id")
        client_id = said[:64] if isinstance(said, str) and said else None
        # until the signature is checked the client id is only what the caller claims
        claimed = {"claimed_client_id": client_id} if client_id else {}
        if str(header.get("typ", "")).lower() not in TOKEN_TYPES:
            raise unauthenticated("bad_type", "token is not an at+jwt access token", details=claimed)
        key = await self._keys.verification_key(str(header.get("kid", "")))
        if key is None:
            raise unauthenticated("unknown_key", "token signed by an unknown key", details=claimed)
        if header.get("alg") != key.algorithm:
            raise unauthenticated("bad_algorithm", "token algorithm does not match its key", details=claimed)
        if known is None:
            assert obj is not None  # parsed above whenever the token was not known
            try:
                valid = jws.validate_compact(obj, key.public, algorithms=[key.algorithm])
            except JoseError:
                valid = False
            if not valid:
                raise unauthenticated("bad_signature", "token signature is invalid", details=claimed)
            known = self._remember(token, header, payload)
        return await self._checked(known, {"client_id": client_id} if client_id else {}, check_revoked)

    def _remember(self, token: str, header: dict[str, Any], payload: dict[str, Any]) -> _Verified:
        known = self._verified[token] = _Verified(header, payload)
        if len(self._verified) > VERIFIED_TOKENS_KEPT:
            self._verified.popitem(last=False)
        return known

    async def _checked(self, known: _Verified, verified: dict[str, str], revocable: bool) -> Principal:
        payload = known.payload
        try:
            if known.principal is None:
                self._registry.validate(payload)
                principal = _principal(payload)
            else:  # its other claims held when first checked and are signed: only time moves on
                self._registry.validate_exp(payload["exp"])
                principal = known.principal
        except ExpiredTokenError:
            raise unauthenticated("expired", "token has expired", details=verified) from None
        except JoseError as exc:
            claim = str(getattr(exc, "claim", "claims")).replace(",", "_")
            description = f"token claim '{claim}' is missing or wrong"
            raise unauthenticated(f"bad_{claim}", description, details=verified) from None
        except HubError as exc:
            exc.extra.update(verified)
            raise
        if revocable:
            client_id = None if principal.self_code is not None else str(payload["client_id"])
            standing = await self._revocations.standing(str(payload["jti"]), client_id)
            if standing.revoked:
                raise unauthenticated("revoked", "token has been revoked", details=verified)
            if not standing.client_active:
                # a disabled, suspended or deleted client: every token it holds ends at once
                raise unauthenticated("client_inactive", "the token's client is disabled or deleted", details=verified)
        known.principal = principal
        return principal


def stated_claims(token: str) -> dict[str, Any] | None:
    """Answers the claims a compact JWT states, unverified (None when it is not one): for routing, never for access."""
    try:
        payload = json.loads(jws.extract_compact(token.encode("ascii")).payload or b"")
    except (JoseError, ValueError, UnicodeError):
        return None
    return payload if isinstance(payload, dict) else None
