"""authlib's synchronous OAuth 2 server core, bound to one pre-loaded exchange at a time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Request,
    TokenMixin,
    UnauthorizedClientError,
)
from authlib.oauth2.rfc6749.grants import BaseGrant, ClientCredentialsGrant, TokenEndpointMixin
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6749.util import extract_basic_authorization, scope_to_list
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint

from hub.identity.credentials import ScopeCeiling, check_secret
from hub.identity.federation import ACCESS_TOKEN_TYPE, JWT_TOKEN_TYPE, TOKEN_EXCHANGE, CallerAssertion, is_own_read
from hub.identity.keys import SigningKey
from hub.identity.principal import Principal
from hub.identity.scopes import CLIENT_SCOPES, Scope
from hub.identity.tokens import IssuedToken, TokenIssuer

AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
GRANT_TYPE = "client_credentials"


class ClientRecord(Protocol):
    """A registered client as the store hands it back (hub.store.clients.ClientRow)."""

    @property
    def client_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def org(self) -> str: ...
    @property
    def department(self) -> str: ...
    @property
    def scopes(self) -> tuple[str, ...]: ...
    @property
    def secret_hash(self) -> str: ...
    @property
    def disabled(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class FormRequest:
    """An OAuth POST in framework-neutral form: its form fields, Authorization header and the caller's address."""

    form: Mapping[str, str]
    authorization: str | None = None
    remote: str | None = None


@dataclass(frozen=True, slots=True)
class OAuthResponse:
    """What to send back: status, JSON body and headers."""

    status: int
    body: dict[str, Any]
    headers: list[tuple[str, str]]


@dataclass
class Exchange:
    """Everything one request needs, loaded asynchronously before authlib runs, and what it did."""

    clients: dict[str, ClientRecord]
    signer: SigningKey | None = None
    token: Principal | None = None
    issued: IssuedToken | None = None
    revoked: Principal | None = None
    authenticated: str | None = None
    ceiling: ScopeCeiling | None = None  # what each department's policy lets its clients hold
    assertion: CallerAssertion | None = None  # token exchange: the original caller a trusted hub vouches for
    assertion_error: str | None = None  # token exchange: why the subject token was refused


class _Client(ClientMixin):  # type: ignore[misc]
    def __init__(self, record: ClientRecord, ceiling: ScopeCeiling | None = None) -> None:
        self.record = record
        allowed = ceiling(record.department) if ceiling is not None else CLIENT_SCOPES
        self.scopes = tuple(scope for scope in record.scopes if scope in allowed)  # what a token may carry

    def get_client_id(self) -> str:
        return self.record.client_id

    def check_client_secret(self, client_secret: str) -> bool:
        return check_secret(client_secret, self.record.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in AUTH_METHODS

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in (GRANT_TYPE, TOKEN_EXCHANGE)  # exchange: only a trusted hub's client (below)


class _Token(TokenMixin):  # type: ignore[misc]
    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    def check_client(self, client: _Client) -> bool:
        return self.principal.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return " ".join(sorted(self.principal.scopes))

    def is_expired(self) -> bool:
        return False  # verified before authlib runs

    def is_revoked(self) -> bool:
        return False


class _ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def validate_requested_scope(self) -> None:
        requested, held = set(scope_to_list(self.request.payload.scope) or []), self.request.client.scopes
        if not held:
            raise InvalidScopeError("The department's policy lets the client hold none of its registered scopes.")
        if not requested <= set(held):
            raise InvalidScopeError(
                "The requested scope exceeds the scopes the client is registered with and its department may hold."
            )

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        # authlib's version logs the whole token at DEBUG; an access token must never reach a log
        token: dict[str, Any] = self.generate_token(scope=self.request.payload.scope, include_refresh_token=False)
        return 200, token, self.TOKEN_RESPONSE_HEADER


# What a hub's caller may do at this hub through token exchange: read, never write or review.
EXCHANGED_SCOPES: frozenset[str] = frozenset({Scope.SUBJECT_READ, Scope.SUBJECT_BULK, Scope.CHECK_READ})
EXCHANGED_TTL = 300
# a subject's own read through a hub: its record (myRecord), never its consents, objections or access log
OWN_READ_SCOPE = Scope.SELF_RECORD.value


class _TokenExchange(BaseGrant, TokenEndpointMixin):  # type: ignore[misc]
    """RFC 8693: a trusted hub's client exchanges its credentials and a signed assertion for a token naming the
    hub's original caller (`act`: the hub)."""

    GRANT_TYPE = TOKEN_EXCHANGE
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def validate_token_request(self) -> None:
        client: _Client = self.authenticate_token_endpoint_client()
        self.request.client = client
        form = self.request.form
        if form.get("subject_token_type") != JWT_TOKEN_TYPE or not form.get("subject_token"):
            raise InvalidRequestError(f"send a subject_token of subject_token_type {JWT_TOKEN_TYPE}")
        if form.get("requested_token_type", ACCESS_TOKEN_TYPE) != ACCESS_TOKEN_TYPE:
            raise InvalidRequestError(f"only {ACCESS_TOKEN_TYPE} is issued")
        exchange: Exchange = self.server.exchange
        if exchange.assertion is None:
            raise InvalidGrantError(exchange.assertion_error or "the subject token was not verified")
        if exchange.assertion.hub.client_id != client.get_client_id():
            raise UnauthorizedClientError("this client does not speak for the hub that signed the subject token")

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        return 200, self.server.exchanged(self.request.client), self.TOKEN_RESPONSE_HEADER


def _authenticate(endpoint: Any, request: OAuth2Request) -> _Client:
    """Answers the client authenticated for introspection or revocation, noting it in the exchange."""
    client: _Client = endpoint.server.authenticate_client(request, AUTH_METHODS, endpoint.ENDPOINT_NAME)
    request.client = client
    endpoint.server.exchange.authenticated = client.get_client_id()
    return client


class _Introspection(IntrospectionEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = AUTH_METHODS

    def authenticate_endpoint_client(self, request: OAuth2Request) -> _Client:
        return _authenticate(self, request)

    def query_token(self, token_string: str, token_type_hint: str | None) -> _Token | None:
        token: Principal | None = self.server.exchange.token
        return _Token(token) if token is not None else None

    def check_permission(self, token: _Token, client: _Client, request: OAuth2Request) -> bool:
        return token.check_client(client)

    def introspect_token(self, token: _Token) -> dict[str, Any]:
        p, server = token.principal, self.server
        expires = int(p.expires_at.timestamp()) if p.expires_at else None
        ceiling = server.exchange.ceiling
        # what the token may still do: a scope the department's policy dropped since it was minted is gone
        scopes = p.scopes if ceiling is None or p.is_self else p.scopes & ceiling(p.department or "")
        payload = {
            "active": True,
            "client_id": p.client_id,
            "scope": " ".join(sorted(scopes)),
            "sub": p.subject,
            "token_type": "Bearer",
            "exp": expires,
            "jti": p.token_id,
            "iss": server.issuer,
            "aud": server.audience,
            "org": p.org,
            "dept": p.department,
        }
        return {name: value for name, value in payload.items() if value is not None}


class _Revocation(RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = AUTH_METHODS

    def authenticate_endpoint_client(self, request: OAuth2Request) -> _Client:
        return _authenticate(self, request)

    def query_token(self, token_string: str, token_type_hint: str | None) -> _Token | None:
        token: Principal | None = self.server.exchange.token
        return _Token(token) if token is not None else None

    def revoke_token(self, token: _Token, request: OAuth2Request) -> None:
        self.server.exchange.revoked = token.principal


class _Request(OAuth2Request):  # type: ignore[misc]
    def __init__(self, request: FormRequest, uri: str) -> None:
        headers = {"Authorization": request.authorization} if request.authorization else {}
        super().__init__("POST", uri, headers=headers)
        self.payload = BasicOAuth2Payload(dict(request.form))
        self._form = dict(request.form)

    @property
    def args(self) -> dict[str, str]:
        return {}

    @property
    def form(self) -> dict[str, str]:
        return self._form


class ExchangeServer(AuthorizationServer):  # type: ignore[misc]
    """An authlib server for exactly one exchange; cheap to build, so one per request and thread-safe."""

    def __init__(self, exchange: Exchange, tokens: TokenIssuer, *, issuer: str, audience: str) -> None:
        super().__init__(scopes_supported=sorted(CLIENT_SCOPES))
        self.exchange, self.issuer, self.audience, self._tokens = exchange, issuer, audience, tokens
        self.register_grant(_ClientCredentials)
        self.register_grant(_TokenExchange)
        self.register_endpoint(_Introspection)
        self.register_endpoint(_Revocation)
        self.register_token_generator("default", self._generate)

    def query_client(self, client_id: str) -> _Client | None:
        record = self.exchange.clients.get(client_id)
        return _Client(record, self.exchange.ceiling) if record is not None and not record.disabled else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        return None  # self-contained JWTs: nothing to store

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        client = kwargs.get("client")
        if isinstance(client, _Client):
            self.exchange.authenticated = client.get_client_id()

    def create_oauth2_request(self, request: FormRequest) -> _Request:
        return _Request(request, self.issuer)

    def create_json_request(self, request: object) -> None:
        raise NotImplementedError("the hub has no JSON OAuth endpoints")

    def handle_response(self, status: int, body: Any, headers: Sequence[tuple[str, str]]) -> OAuthResponse:
        return OAuthResponse(status, dict(body), list(headers))

    def exchanged(self, client: _Client) -> dict[str, Any]:
        """Answers the token response for a token exchange: a short token naming the original caller, `act` us."""
        assertion, signer, ceiling = self.exchange.assertion, self.exchange.signer, self.exchange.ceiling
        assert assertion is not None, "verified before the grant runs"
        assert signer is not None, "loaded before the grant runs"
        record = client.record
        own = is_own_read(assertion)
        scopes = set(client.scopes) & EXCHANGED_SCOPES
        if own:  # the subject itself, as the hub vouches: what it may read of itself here, and nothing else
            scopes = {OWN_READ_SCOPE}
        elif ceiling is not None:
            scopes &= ceiling(assertion.department)
        claims: dict[str, Any] = {
            "act": {"sub": record.client_id, "iss": assertion.hub.issuer},
            "hub": assertion.hub.name,
            "via_dept": record.department,
            "purpose": assertion.purpose,
        }
        if assertion.operator:
            claims["operator"] = assertion.operator
        if assertion.consent:
            claims["consent"] = list(assertion.consent)
        issued = self._tokens.issue(
            signer, subject=assertion.subject, client_id=record.client_id, scopes=scopes,
            org=None if own else assertion.org, dept=None if own else assertion.department,
            client_name=assertion.client_name, extra=claims, ttl=EXCHANGED_TTL,
        )  # fmt: skip
        self.exchange.issued, self.exchange.authenticated = issued, record.client_id
        return {
            "access_token": issued.access_token,
            "issued_token_type": ACCESS_TOKEN_TYPE,
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
            "scope": issued.scope,
        }

    def _generate(
        self,
        grant_type: str,
        client: _Client,
        user: object = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = False,
    ) -> dict[str, Any]:
        record, signer = client.record, self.exchange.signer
        assert signer is not None, "the signing key is loaded before a token request runs"
        wanted = set(scope_to_list(scope) or client.scopes) & set(client.scopes)
        issued = self._tokens.issue(
            signer,
            subject=record.client_id,
            client_id=record.client_id,
            scopes=wanted,
            org=record.org,
            dept=record.department,
            client_name=record.name,
        )
        self.exchange.issued, self.exchange.authenticated = issued, record.client_id
        return {
            "access_token": issued.access_token,
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
            "scope": issued.scope,
        }


def basic_client_id(authorization: str | None) -> str | None:
    """Answers the client id in an HTTP Basic header, or None when absent or undecodable."""
    try:
        client_id, _ = extract_basic_authorization({"Authorization": authorization or ""})
    except (UnicodeError, ValueError):
        return None
    return str(client_id) if client_id else None


def sane(request: FormRequest) -> FormRequest:
    """Answers the request without an Authorization header that authlib could not decode."""
    scheme = (request.authorization or "").partition(" ")[0].lower()
    if scheme == "basic" and basic_client_id(request.authorization) is None:
        return FormRequest(request.form, None, request.remote)
    return request
