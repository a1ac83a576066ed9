"""`POST /oauth/officer`: an officer's ID token from the organisation's identity provider exchanged for the hub's
token naming them; a refusal is registered (an authentication failure naming the person, when the provider did)."""

from __future__ import annotations

import contextlib
import json
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.audit.events import AuditEvent, EventType, Outcome
from hub.errors import ErrorCode, HubError
from hub.identity.header_text import REQUEST_ID_HEADER, request_id
from hub.identity.officers import Officer
from hub.identity.service import OAuthService
from hub.services import Services

PATH = "/oauth/officer"
OPERATION = "officerSignIn"
MAX_TOKEN_CHARS = 16_384
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.FORBIDDEN: 403, ErrorCode.NOT_FOUND: 404}
_OUTCOME = {ErrorCode.UNAUTHENTICATED: Outcome.UNAUTHENTICATED, ErrorCode.FORBIDDEN: Outcome.DENIED}


def _id_token(body: bytes) -> str | None:
    try:
        sent = json.loads(body)
    except ValueError:
        return None
    token = sent.get("id_token") if isinstance(sent, dict) else None
    return token if isinstance(token, str) and 0 < len(token) <= MAX_TOKEN_CHARS else None


def officer_signin_route(service: OAuthService, services: Services) -> Route:
    """Answers the route of POST /oauth/officer (mounted when officers sign in through the provider)."""

    async def refuse(request: Request, error: HubError, started: float, officer: Officer | None) -> Response:
        reason = str(error.extra.get("reason") or ("no_client" if officer is not None else "invalid_token"))
        named = error.extra.get("operator") or (officer.operator if officer is not None else None)
        try:
            rid = request_id(request.headers.get(REQUEST_ID_HEADER))
        except HubError:
            rid = None
        event = AuditEvent(
            type=EventType.AUTH_FAILURE, outcome=_OUTCOME.get(error.code, Outcome.ERROR), request_id=rid,
            department=officer.department if officer is not None else None,
            operator=str(named) if named else None, error_codes=(error.code.value, reason),
            operation_name=OPERATION, latency_ms=round((time.perf_counter() - started) * 1000, 2),
        )  # fmt: skip
        reader = services.audit
        if reader is not None:
            with contextlib.suppress(HubError):  # refused anyway; the writer's own alarm reports the register down
                await reader.record(event)
        body = {"error": reason, "code": error.code.value, "error_description": error.message}
        if error.fix:
            body["fix"] = error.fix
        return JSONResponse(body, _STATUS.get(error.code, 400), headers=_NO_STORE)

    async def officer_signin(request: Request) -> Response:
        started = time.perf_counter()
        token = _id_token(await request.body())
        if token is None:
            hint = 'send {"id_token": "<the ID token the identity provider issued to the hub>"}'
            return JSONResponse({"error": "invalid_request", "error_description": hint}, 400, headers=_NO_STORE)
        keys = [f"officer-address:{request.client.host}"] if request.client else []
        wait = service.failures.retry_after(keys)
        if wait is not None:  # tokens guessed from one address: refused unread, as /oauth/* refuses guessed secrets
            said = f"too many refused ID tokens from this address; retry in {wait} s"
            refusal = {"error": "rate_limited", "code": ErrorCode.RATE_LIMITED.value, "error_description": said}
            return JSONResponse(refusal, 429, headers={**_NO_STORE, "Retry-After": str(wait)})
        officer: Officer | None = None
        try:
            officer = await service.oidc_officer(token)
            issued = await service.officer_login(officer)
        except HubError as error:
            if error.code is ErrorCode.UNAUTHENTICATED:
                service.failures.failed(keys)
            return await refuse(request, error, started, officer)
        body = {"access_token": issued.access_token, "token_type": "Bearer", "expires_in": issued.expires_in}
        return JSONResponse(body, headers=_NO_STORE)

    return Route(PATH, officer_signin, methods=["POST"])
