"""The OAuth endpoints' logic: load asynchronously, run authlib in a worker thread, persist, report."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from authlib.common.security import is_secure_transport

from hub.config import Settings
from hub.errors import ConfigError, ErrorCode, HubError
from hub.identity.credentials import ScopeCeiling
from hub.identity.federation import TOKEN_EXCHANGE, HubTrust
from hub.identity.keys import KeyRing
from hub.identity.oauth import (
    AUTH_METHODS,
    GRANT_TYPE,
    ClientRecord,
    Exchange,
    ExchangeServer,
    FormRequest,
    OAuthResponse,
    basic_client_id,
    sane,
)
from hub.identity.officers import Officer, find_officer, officer_client, officer_from_claims, officer_token
from hub.identity.oidc import DEV_CLIENT_ID, OidcVerifier, dev_login
from hub.identity.principal import Principal
from hub.identity.scopes import CLIENT_SCOPES
from hub.identity.throttle import FailureThrottle
from hub.identity.tokens import IssuedToken, TokenIssuer, TokenVerifier


@dataclass(frozen=True, slots=True)
class AuthEvent:
    """One call of an OAuth endpoint, for the audit log; never carries a secret or a token."""

    endpoint: str
    outcome: str
    client_id: str | None
    authenticated: bool
    token_id: str | None = None
    scope: str | None = None


class ClientSource(Protocol):
    """Looks clients up by id, or lists them oldest first (hub.store.clients.ClientRepository)."""

    async def get(self, client_id: str) -> ClientRecord | None: ...
    async def list_all(self) -> Sequence[ClientRecord]: ...


class RevocationSink(Protocol):
    """Records revoked token ids (hub.store.keys.RevocationRepository)."""

    async def revoke(self, jti: str, expires_at: datetime, revoked_at: datetime) -> None: ...
    async def purge_expired(self, now: datetime) -> int: ...


EventSink = Callable[[AuthEvent], Awaitable[None]]


class OAuthService:
    """Token, introspection, revocation, metadata, JWKS and dev login for the web layer."""

    def __init__(
        self,
        settings: Settings,
        *,
        clients: ClientSource,
        keys: KeyRing,
        revocations: RevocationSink,
        verifier: TokenVerifier,
        tokens: TokenIssuer | None = None,
        on_event: EventSink | None = None,
        scope_ceiling: ScopeCeiling | None = None,
        trust: HubTrust | None = None,
        officers: Sequence[Officer] = (),
        oidc: OidcVerifier | None = None,
    ) -> None:
        self.trust = trust  # the hubs whose callers this hub serves (token exchange)
        if not is_secure_transport(settings.issuer):
            raise ConfigError(
                "the issuer must be an https URL (or loopback http for local use)",
                place="issuer",
                fix="set HUB_ISSUER to the hub's public https URL",
            )
        self.issuer, self.audience = settings.issuer, settings.audience
        self.dev_login_enabled = settings.dev_login
        self.officers = tuple(officers) if settings.dev_login else ()  # the development provider's officer accounts
        self.oidc_settings = settings.oidc if settings.oidc is not None and settings.oidc.officer_sign_in else None
        self._oidc = oidc  # verifies the ID tokens officers bring from the organisation's provider
        self.keys, self.verifier = keys, verifier
        self.tokens = tokens or TokenIssuer(settings)
        self._clients, self._revocations, self._on_event = clients, revocations, on_event
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="oauth")
        self._scope_ceiling = scope_ceiling  # None: the registered scopes (tests without policies)
        self.failures = FailureThrottle(settings.auth_failure_limit, settings.auth_failure_window_seconds)

    async def token(self, request: FormRequest) -> OAuthResponse:
        """Answers the token endpoint's response to a client credentials request."""
        exchange = Exchange(await self._load_clients(request), ceiling=self._scope_ceiling)
        if exchange.clients:
            exchange.signer = await self.keys.signer()
        if request.form.get("grant_type") == TOKEN_EXCHANGE:
            await self._verify_assertion(request, exchange)
        response = await self._run("token", request, exchange)
        issued = exchange.issued
        await self._emit("token", request, exchange, response, issued.jti if issued else None, issued)
        return response

    async def _verify_assertion(self, request: FormRequest, exchange: Exchange) -> None:
        """Answers nothing; notes in `exchange` the original caller a trusted hub's subject token names, or why not."""
        subject_token = request.form.get("subject_token", "")
        if self.trust is None or not self.trust.hubs:
            exchange.assertion_error = "this hub trusts no other hub"
            return
        try:
            exchange.assertion = await self.trust.verify(subject_token)
        except HubError as error:
            exchange.assertion_error = error.message

    async def introspect(self, request: FormRequest) -> OAuthResponse:
        """Answers RFC 7662 introspection; a client sees only its own active tokens."""
        clients, token = await self._load_clients(request), await self._token(request, True)
        exchange = Exchange(clients, token=token, ceiling=self._scope_ceiling)
        response = await self._run("introspection", request, exchange)
        await self._emit("introspect", request, exchange, response, response.body.get("jti"))
        return response

    async def revoke(self, request: FormRequest) -> OAuthResponse:
        """Answers RFC 7009 revocation; the token id is durable before the response leaves."""
        exchange = Exchange(await self._load_clients(request), token=await self._token(request, False))
        response = await self._run("revocation", request, exchange)
        revoked = exchange.revoked
        if revoked is not None and revoked.token_id and revoked.expires_at:
            now = datetime.now(UTC)
            await self._revocations.revoke(revoked.token_id, revoked.expires_at, now)
            await self._revocations.purge_expired(now)
        await self._emit("revoke", request, exchange, response, revoked.token_id if revoked else None)
        return response

    async def dev_login(self, code: str) -> IssuedToken:
        """Answers a self token for `code` from the development identity provider, if it is enabled."""
        if not self.dev_login_enabled:
            raise HubError(ErrorCode.NOT_FOUND, "development sign-in is not enabled")
        issued = await dev_login(code, issuer=self.tokens, keys=self.keys)
        if self._on_event is not None:
            await self._on_event(AuthEvent("dev_login", "ok", DEV_CLIENT_ID, True, issued.jti, issued.scope))
        return issued

    async def dev_officer_login(self, account: str) -> IssuedToken:
        """Answers a token naming an officer of the development identity provider, acting through the department's
        client (NOT_FOUND for an account it does not list, FORBIDDEN when the department has no active client)."""
        if not self.dev_login_enabled:
            raise HubError(ErrorCode.NOT_FOUND, "development sign-in is not enabled")
        return await self._officer_token(find_officer(self.officers, account), "dev_login")

    async def oidc_officer(self, id_token: str) -> Officer:
        """Answers the officer an ID token of the organisation's provider names (UNAUTHENTICATED for a token it did
        not sign for the hub's client, FORBIDDEN with extra `operator` for a person in no officer group)."""
        if self.oidc_settings is None or self._oidc is None:
            raise HubError(
                ErrorCode.NOT_FOUND, "officers do not sign in through an identity provider here",
                fix="set oidc.client_id, its endpoints and oidc.officer_groups in hub.toml",
            )  # fmt: skip
        claims = await self._oidc.officer_claims(id_token)
        return officer_from_claims(claims, self.oidc_settings)

    async def officer_login(self, officer: Officer) -> IssuedToken:
        """Answers a token naming the officer, acting through their department's client (FORBIDDEN when it has
        no active client)."""
        return await self._officer_token(officer, "officer_login")

    async def _officer_token(self, officer: Officer, endpoint: str) -> IssuedToken:
        client = officer_client(officer, await self._clients.list_all())
        signer = await self.keys.signer()
        issued = officer_token(officer, client, issuer=self.tokens, signer=signer, ceiling=self._scope_ceiling)
        if self._on_event is not None:
            await self._on_event(AuthEvent(endpoint, "ok", client.client_id, True, issued.jti, issued.scope))
        return issued

    def metadata(self) -> dict[str, Any]:
        """Answers the RFC 8414 authorisation server metadata document."""
        base = self.issuer.rstrip("/")
        return {
            "issuer": self.issuer,
            "token_endpoint": f"{base}/oauth/token",
            "introspection_endpoint": f"{base}/oauth/introspect",
            "revocation_endpoint": f"{base}/oauth/revoke",
            "jwks_uri": f"{base}/.well-known/jwks.json",
            "grant_types_supported": [GRANT_TYPE, *([TOKEN_EXCHANGE] if self.trust and self.trust.hubs else [])],
            "response_types_supported": [],
            "scopes_supported": sorted(CLIENT_SCOPES),
            "token_endpoint_auth_methods_supported": AUTH_METHODS,
            "introspection_endpoint_auth_methods_supported": AUTH_METHODS,
            "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        }

    async def _load_clients(self, request: FormRequest) -> dict[str, ClientRecord]:
        found: dict[str, ClientRecord] = {}
        for client_id in _claimed_ids(request):
            if len(client_id) <= 64 and (record := await self._clients.get(client_id)) is not None:
                found[client_id] = record
        return found

    async def _token(self, request: FormRequest, check_revoked: bool) -> Principal | None:
        token = request.form.get("token")
        if not token:
            return None
        try:
            return await self.verifier.verify_token(token, check_revoked=check_revoked)
        except HubError:
            return None

    async def _run(self, endpoint: str, request: FormRequest, exchange: Exchange) -> OAuthResponse:
        keys = _throttle_keys(request)
        wait = self.failures.retry_after(keys)
        if wait is not None:
            return _rate_limited(wait)
        response = await self._authlib(endpoint, request, exchange)
        if response.body.get("error") == "invalid_client":
            self.failures.failed(keys)
        return response

    async def _authlib(self, endpoint: str, request: FormRequest, exchange: Exchange) -> OAuthResponse:
        request = sane(request)

        def run() -> OAuthResponse:
            server = ExchangeServer(exchange, self.tokens, issuer=self.issuer, audience=self.audience)
            if endpoint == "token":
                response: OAuthResponse = server.create_token_response(request)
            else:
                response = server.create_endpoint_response(endpoint, request)
            return response

        # scrypt and signing stay off the event loop, on a few threads so load cannot exhaust memory
        return await asyncio.get_running_loop().run_in_executor(self._pool, run)

    async def _emit(
        self,
        endpoint: str,
        request: FormRequest,
        exchange: Exchange,
        response: OAuthResponse,
        token_id: Any,
        issued: IssuedToken | None = None,
    ) -> None:
        if self._on_event is None:
            return
        outcome = "ok" if response.status == 200 else str(response.body.get("error", "error"))
        claimed = next(iter(_claimed_ids(request)), None)
        # a claimed id is named only when it is a registered client's: anything else is the caller's free text
        client_id = exchange.authenticated or (claimed if claimed in exchange.clients else None)
        authenticated, scope = exchange.authenticated is not None, issued.scope if issued else None
        event = AuthEvent(endpoint, outcome, client_id, authenticated, str(token_id) if token_id else None, scope)
        await self._on_event(event)


def _throttle_keys(request: FormRequest) -> list[str]:
    keys = [f"client:{client_id[:64]}" for client_id in _claimed_ids(request)]
    return [*keys, f"address:{request.remote}"] if request.remote else keys


def _rate_limited(wait: int) -> OAuthResponse:
    body = {
        "error": "rate_limited",
        "code": ErrorCode.RATE_LIMITED.value,
        "error_description": f"too many failed client authentications for this client or address; retry in {wait} s",
    }
    return OAuthResponse(429, body, [("Retry-After", str(wait)), ("Cache-Control", "no-store"), ("Pragma", "no-cache")])


def _claimed_ids(request: FormRequest) -> list[str]:
    ids = (basic_client_id(request.authorization), request.form.get("client_id"))
    return [cid for cid in dict.fromkeys(ids) if cid]
