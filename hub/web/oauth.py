"""HTTP endpoints of the authorisation server: token, introspection, revocation, metadata, JWKS, dev sign-in."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.config import Settings
from hub.demo.officers import DEV_OFFICERS
from hub.errors import HubError
from hub.identity.credentials import ScopeCeiling
from hub.identity.federation import HubTrust
from hub.identity.keys import KeyRing
from hub.identity.keywrap import KeyWrap
from hub.identity.oauth import FormRequest, OAuthResponse
from hub.identity.oidc import OidcVerifier
from hub.identity.service import EventSink, OAuthService
from hub.identity.tokens import TokenVerifier
from hub.store.clients import ClientRepository
from hub.store.keys import RevocationRepository, SigningKeyRepository

MAX_FORM_BYTES = 16_384
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def signing_key_ring(settings: Settings, signing_keys: SigningKeyRepository) -> KeyRing:
    """Answers the ring of the hub's token-signing keys, sealed with the key wrap the settings name."""
    return KeyRing(signing_keys, settings, wrap=KeyWrap.load_or_create(settings.signing_key_wrap_path))


def build_oauth_service(
    settings: Settings,
    *,
    clients: ClientRepository,
    keys: KeyRing,
    revocations: RevocationRepository,
    on_event: EventSink | None = None,
    scope_ceiling: ScopeCeiling | None = None,
) -> OAuthService:
    """Answers the OAuth service over the hub's repositories; its `.verifier` checks every request's token."""
    external = OidcVerifier(settings.oidc) if settings.oidc is not None else None
    verifier = TokenVerifier(settings, keys, revocations, external=external)
    return OAuthService(
        settings,
        clients=clients,
        keys=keys,
        revocations=revocations,
        verifier=verifier,
        on_event=on_event,
        scope_ceiling=scope_ceiling,
        trust=HubTrust(settings) if settings.trusted_hubs else None,
        officers=DEV_OFFICERS,
        oidc=external,
    )


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status, headers=_NO_STORE)


async def _form(request: Request) -> FormRequest | JSONResponse:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        return _oauth_error(400, "invalid_request", "send application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return _oauth_error(400, "invalid_request", "request body too large")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        return _oauth_error(400, "invalid_request", "the form is not valid UTF-8")
    form = dict(pairs)
    if len(form) != len(pairs):
        return _oauth_error(400, "invalid_request", "a parameter is repeated")
    return FormRequest(form, request.headers.get("authorization"), request.client.host if request.client else None)


def _endpoint(
    call: Callable[[FormRequest], Awaitable[OAuthResponse]],
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        form = await _form(request)
        if isinstance(form, JSONResponse):
            return form
        result = await call(form)
        return JSONResponse(result.body, result.status, headers=dict(result.headers))

    return endpoint


def oauth_routes(service: OAuthService) -> list[Route]:
    """Answers the OAuth routes to mount at the application root (`/dev/login` only when enabled)."""

    async def metadata(_request: Request) -> Response:
        return JSONResponse(service.metadata(), headers={"Cache-Control": "public, max-age=300"})

    async def jwks(_request: Request) -> Response:
        return JSONResponse(await service.keys.jwks(), headers={"Cache-Control": "public, max-age=60"})

    async def login(request: Request) -> Response:
        try:
            sent = json.loads(await request.body())
        except ValueError:
            sent = None
        code, officer = (sent.get("code"), sent.get("officer")) if isinstance(sent, dict) else (None, None)
        if not isinstance(code, str) and not isinstance(officer, str):
            hint = 'send {"code": "<resident ID or USCC>"} or {"officer": "<account>"}'
            return JSONResponse({"error": "invalid_request", "error_description": hint}, 400)
        try:
            if isinstance(code, str):
                issued = await service.dev_login(code)
            else:
                issued = await service.dev_officer_login(str(officer))
        except HubError as exc:
            refusal = {"error": "invalid_request", "error_description": exc.message, "code": str(exc.code)}
            if exc.fix:
                refusal["fix"] = exc.fix
            return JSONResponse(refusal, 400)
        body = {"access_token": issued.access_token, "token_type": "Bearer", "expires_in": issued.expires_in}
        return JSONResponse(body, headers=_NO_STORE)

    async def officers(_request: Request) -> Response:
        listed = [{"account": o.account, "name": o.name, "department": o.department} for o in service.officers]
        return JSONResponse({"officers": listed}, headers={"Cache-Control": "no-store"})

    routes = [
        Route("/oauth/token", _endpoint(service.token), methods=["POST"]),
        Route("/oauth/introspect", _endpoint(service.introspect), methods=["POST"]),
        Route("/oauth/revoke", _endpoint(service.revoke), methods=["POST"]),
        Route("/.well-known/oauth-authorization-server", metadata, methods=["GET"]),
        Route("/.well-known/jwks.json", jwks, methods=["GET"]),
    ]
    if service.dev_login_enabled:
        routes.append(Route("/dev/login", login, methods=["POST"]))
        routes.append(Route("/dev/officers", officers, methods=["GET"]))
    return routes
