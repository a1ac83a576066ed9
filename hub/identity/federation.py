"""Trusted hubs: verifying another hub's assertion of its original caller (RFC 8693 token exchange, subject side)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import Key, KeySet
from joserfc.jwt import ClaimsOption

from hub.config import Settings, TrustedHubSettings
from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectKind, parse_subject_code
from hub.identity.header_text import unfit_character
from hub.identity.operator import MAX_OPERATOR_LENGTH
from hub.identity.principal import Principal
from hub.identity.tokens import unauthenticated

# URNs and media types, not secrets
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105
JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"  # noqa: S105
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105
CALLER_TOKEN_TYPE = "caller+jwt"  # noqa: S105
SELF_ACCESS_DEPARTMENT = "self"  # a subject's own read (hub.policy.self_access.SELF_DEPARTMENT), trusted when listed
SELF_ACCESS_PURPOSE = "SELF_ACCESS"
ASSERTION_MAX_SECONDS = 300  # an assertion living longer than this is refused, whatever its exp says
MAX_CLIENT_NAME = 200
MAX_CONSENT_REFERENCES = 100
_CONSENT_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
_ALGORITHMS = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "Ed25519": "EdDSA"}


@dataclass(frozen=True, slots=True)
class TrustedHub:
    """A hub this hub serves, by its configuration key."""

    name: str
    issuer: str
    jwks_url: str
    client_id: str
    departments: frozenset[str]
    record_types: frozenset[str]


@dataclass(frozen=True, slots=True)
class CallerAssertion:
    """What a trusted hub vouches for: its original caller, why, under which consents, and until when."""

    hub: TrustedHub
    subject: str
    org: str
    department: str
    purpose: str
    expires_at: int
    operator: str | None = None
    client_name: str | None = None
    consent: tuple[str, ...] = ()


def trusted_hubs(settings: Settings) -> dict[str, TrustedHub]:
    """Answers the trusted hubs of the settings keyed by issuer."""
    return {config.issuer: _trusted(name, config) for name, config in settings.trusted_hubs.items()}


def _trusted(name: str, config: TrustedHubSettings) -> TrustedHub:
    return TrustedHub(
        name,
        config.issuer,
        config.jwks_url,
        config.client_id,
        frozenset(config.departments),
        frozenset(config.record_types),
    )


class HubTrust:
    """Verifies caller assertions of the trusted hubs against their published keys (cached, refetched on a new kid)."""

    def __init__(
        self,
        settings: Settings,
        *,
        http: httpx.AsyncClient | None = None,
        cache_seconds: float = 300.0,
        clock: Callable[[], float] = time.time,
        leeway: int = 30,
    ) -> None:
        self.hubs = trusted_hubs(settings)
        self.audiences = frozenset({f"{settings.issuer.rstrip('/')}/oauth/token", settings.issuer.rstrip("/")})
        self._http = http
        self._cache_seconds, self._clock, self._leeway = cache_seconds, clock, leeway
        self._keys: dict[str, tuple[float, dict[str, Key]]] = {}
        self._lock = asyncio.Lock()

    def by_issuer(self, issuer: str | None) -> TrustedHub | None:
        """Answers the trusted hub that signs as `issuer`, if any."""
        return self.hubs.get(issuer or "")

    async def aclose(self) -> None:
        """Answers nothing; closes the HTTP client that fetches the hubs' keys."""
        if self._http is not None:
            await self._http.aclose()

    async def _key(self, hub: TrustedHub, kid: str) -> Key | None:
        fetched_at, keys = self._keys.get(hub.issuer, (float("-inf"), {}))
        stale = time.monotonic() - fetched_at >= self._cache_seconds
        if (kid not in keys and time.monotonic() - fetched_at >= 5.0) or stale:
            async with self._lock:
                if self._http is None:
                    self._http = httpx.AsyncClient(timeout=5.0)
                try:
                    response = await self._http.get(hub.jwks_url)
                    response.raise_for_status()
                    key_set = KeySet.import_key_set(response.json())
                    keys = {str(k.kid): k for k in key_set.keys if k.kid}
                except (httpx.HTTPError, ValueError, JoseError):
                    keys = {}
                self._keys[hub.issuer] = (time.monotonic(), keys)
        return keys.get(kid)

    async def verify(self, token: str) -> CallerAssertion:
        """Answers the caller a trusted hub vouches for in `token`, or raises UNAUTHENTICATED saying why."""
        try:
            obj = jws.extract_compact(token.encode("ascii"))
            header = obj.headers()
            payload = json.loads(obj.payload or b"")
        except (JoseError, ValueError, UnicodeError):
            raise unauthenticated("malformed", "the subject token is not a signed JWT") from None
        if not isinstance(payload, dict):
            raise unauthenticated("malformed", "the subject token's payload is not a JSON object")
        hub = self.by_issuer(payload.get("iss") if isinstance(payload.get("iss"), str) else None)
        if hub is None:
            raise unauthenticated("untrusted_hub", "the subject token's issuer is not a trusted hub")
        if str(header.get("typ", "")).lower() != CALLER_TOKEN_TYPE:
            raise unauthenticated("bad_type", f"the subject token is not a {CALLER_TOKEN_TYPE} assertion")
        key = await self._key(hub, str(header.get("kid", "")))
        algorithm = _ALGORITHMS.get(str(key.get("crv", ""))) if key is not None else None
        if key is None or algorithm is None or header.get("alg") != algorithm:
            raise unauthenticated("unknown_key", "the subject token is signed by a key its hub does not publish")
        try:
            claims = jwt.decode(token, key, algorithms=[algorithm]).claims
        except JoseError:
            raise unauthenticated("bad_signature", "the subject token's signature is invalid") from None
        return self._checked(hub, claims)

    def _checked(self, hub: TrustedHub, claims: Mapping[str, Any]) -> CallerAssertion:
        essential: ClaimsOption = {"essential": True}
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self._clock()), leeway=self._leeway, iss={"essential": True, "value": hub.issuer},
            exp=essential, iat=essential, jti=essential, sub=essential,
        )  # fmt: skip
        try:
            registry.validate(dict(claims))
        except ExpiredTokenError:
            raise unauthenticated("expired", "the subject token has expired") from None
        except JoseError as exc:
            claim = str(getattr(exc, "claim", "claims"))
            raise unauthenticated(f"bad_{claim}", f"the subject token's claim '{claim}' is missing or wrong") from None
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if not self.audiences & {str(a) for a in audiences}:
            raise unauthenticated("bad_aud", "the subject token is meant for another hub")
        if int(claims["exp"]) - int(claims["iat"]) > ASSERTION_MAX_SECONDS:
            raise unauthenticated("bad_exp", f"the subject token lives longer than {ASSERTION_MAX_SECONDS} s")
        org, department, purpose = claims.get("org"), claims.get("dept"), claims.get("purpose")
        if not all(isinstance(value, str) and value for value in (org, department, purpose)):
            raise unauthenticated("bad_claims", "the subject token names no organisation, department or purpose")
        if department not in hub.departments:
            raise unauthenticated("untrusted_department", f"hub '{hub.name}' is not trusted for this department")
        if department == SELF_ACCESS_DEPARTMENT:
            _check_own_read(claims, str(purpose))
        else:
            _check_organisation(str(org))
        return CallerAssertion(
            hub, str(claims["sub"]), str(org), str(department), str(purpose), int(claims["exp"]),
            operator=_register_text(claims, "operator", MAX_OPERATOR_LENGTH),
            client_name=_register_text(claims, "client_name", MAX_CLIENT_NAME),
            consent=_consent_references(claims.get("consent")),
        )  # fmt: skip


def _register_text(claims: Mapping[str, Any], name: str, max_chars: int) -> str | None:
    """Answers a claim the register will show (operator, organisation name), or raises UNAUTHENTICATED when it is
    no plain, visible text of at most `max_chars` characters, as the header it stands for would be refused."""
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > max_chars or unfit_character(value):
        raise unauthenticated("bad_claims", f"the subject token's claim '{name}' is not plain text for the register")
    return value.strip()


def _consent_references(value: object) -> tuple[str, ...]:
    """Answers the consent references a hub says it holds (ids, never text), or raises UNAUTHENTICATED."""
    if value is None:
        return ()
    if (
        not isinstance(value, list)
        or len(value) > MAX_CONSENT_REFERENCES
        or not all(isinstance(item, str) and _CONSENT_REFERENCE.match(item) for item in value)
    ):
        raise unauthenticated("bad_claims", "the subject token's claim 'consent' is not a list of consent ids")
    return tuple(value)


def _check_organisation(org: str) -> None:
    """Answers nothing; raises UNAUTHENTICATED unless `org` is an organisation's code (a USCC), never a person's."""
    try:
        kind = parse_subject_code(org).kind
    except HubError:
        kind = None
    if kind is not SubjectKind.LEGAL_ENTITY:
        raise unauthenticated("bad_claims", "the subject token's claim 'org' is not an organisation's code")


def _check_own_read(claims: Mapping[str, Any], purpose: str) -> None:
    """Answers nothing; raises UNAUTHENTICATED unless a subject's own read names that subject, as itself, for
    SELF_ACCESS (the hub vouches that its caller signed in as the subject)."""
    try:
        code = parse_subject_code(str(claims["sub"])).value
    except HubError:
        raise unauthenticated("bad_sub", "an own read's subject token names no subject code") from None
    if claims.get("org") != code or purpose != SELF_ACCESS_PURPOSE:
        raise unauthenticated("bad_claims", "an own read is the subject's own, for SELF_ACCESS only")


def is_own_read(assertion: CallerAssertion) -> bool:
    """Answers whether a hub vouches for a subject signed in, reading its own record."""
    return assertion.department == SELF_ACCESS_DEPARTMENT


def check_actor(trust: HubTrust | None, principal: Principal) -> None:
    """Answers nothing; raises UNAUTHENTICATED when an exchanged token's hub (`act`) is not trusted as it says."""
    issuer = principal.extra.get("act_iss")
    if issuer is None:
        return
    hub = trust.by_issuer(issuer) if trust is not None else None
    if (
        hub is None
        or hub.name != principal.extra.get("hub")
        or hub.client_id != principal.client_id
        or (SELF_ACCESS_DEPARTMENT if principal.is_self else principal.department) not in hub.departments
    ):
        raise unauthenticated("untrusted_hub", "the token names a hub this hub does not trust for this caller")


UPSTREAM_EVENT_HEADER = "X-Hub-Upstream-Event"
UPSTREAM_REQUEST_HEADER = "X-Hub-Upstream-Request"  # the ordinal of this request among the asking hub's for its event
_EVENT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_ORDINAL = re.compile(r"^[1-9][0-9]{0,3}$")


def is_exchanged(principal: Principal) -> bool:
    """Answers whether the token was exchanged for another hub's caller (it names that hub in `act`)."""
    return principal.extra.get("act_iss") is not None


def upstream_event(principal: Principal, header: str | None, ordinal: str | None = None) -> dict[str, str] | None:
    """Answers the asking hub's event this request answers (X-Hub-Upstream-Event) and the request's ordinal among
    those the hub sent for it (X-Hub-Upstream-Request, 1 when absent), for exchanged tokens only; raises
    BAD_USER_INPUT on a malformed id or ordinal."""
    issuer = principal.extra.get("act_iss")
    if issuer is None or header is None:
        return None
    if not _EVENT_ID.match(header.strip()):
        raise HubError(
            ErrorCode.BAD_USER_INPUT,
            f"{UPSTREAM_EVENT_HEADER} is not an event id",
            fix="send the asking hub's event id (a UUID)",
        )
    if ordinal is not None and not _ORDINAL.match(ordinal.strip()):
        raise HubError(
            ErrorCode.BAD_USER_INPUT,
            f"{UPSTREAM_REQUEST_HEADER} is not a request ordinal",
            fix="send 1 for the first request for the event, 2 for the second, ... (at most 9999)",
        )
    found = {"hub": issuer, "event_id": header.strip(), "client_id": principal.extra.get("act_sub", "")}
    found["request"] = ordinal.strip() if ordinal is not None else "1"
    if principal.extra.get("consent"):
        found["consent"] = principal.extra["consent"]  # the consents the asking hub holds for this caller
    return found
