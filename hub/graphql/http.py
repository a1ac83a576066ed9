"""GraphQL over HTTP: authenticate first, run the operation, register it, then answer with the receipt."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.types import ExecutionResult

from hub.errors import ErrorCode, HubError
from hub.federation.caller import CALLER, Caller
from hub.graphql.body import BODY_REFUSAL, check_body, replay
from hub.graphql.compiled import CompiledDocuments
from hub.graphql.context import HubContext
from hub.graphql.errors import hub_error, normalise_all
from hub.graphql.receipts import Receipts
from hub.graphql.trusted import TrustedDocuments
from hub.identity.case import CASE_HEADER, case_number
from hub.identity.federation import UPSTREAM_EVENT_HEADER, UPSTREAM_REQUEST_HEADER, is_exchanged, upstream_event
from hub.identity.header_text import REQUEST_ID_HEADER, request_id
from hub.identity.operator import OPERATOR_HEADER, operator_name
from hub.identity.principal import Principal
from hub.identity.scopes import Scope as HubScope
from hub.services import Services
from hub.store.documents import document_id

Authenticate = Callable[[str | None], Awaitable[Principal]]


class HubGraphQL(GraphQL[HubContext, None]):
    """Strawberry's ASGI view with the hub's authentication, request checks and receipts."""

    def __init__(
        self,
        services: Services,
        authenticate: Authenticate,
        receipts: Receipts,
        documents: TrustedDocuments | None = None,
        *,
        compiled: bool = True,
        receipt_ahead: bool = True,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.services = services
        self.authenticate = authenticate
        self.receipts = receipts
        self.documents = documents
        self.compiled = (
            CompiledDocuments(documents.schema, services, receipts, documents, ahead=receipt_ahead)
            if compiled and documents is not None
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await Response(status_code=404)(scope, receive, send)
            return
        request = Request(scope, receive)
        refusal = self._refuse_content_type(request)
        if refusal is None:
            try:
                started = time.perf_counter()
                request.state.principal = await self.authenticate(request.headers.get("authorization"))
                self.receipts.metrics.stage("auth", time.perf_counter() - started)
            except HubError as error:
                rid = _request_id(request.headers)
                await self.receipts.for_auth_failure(error, rid)
                refusal = _unauthenticated(error)
                refusal.headers[REQUEST_ID_HEADER] = rid
        if refusal is None and isinstance(too_large := scope.get(BODY_REFUSAL), HubError):
            refusal = await self._refuse_body(request, too_large, 413)
        elif refusal is None and request.method == "POST":
            try:  # capped already (hub.web.body_limit)
                body = await request.body()
            except ClientDisconnect:
                return
            refused = check_body(body)
            if refused is not None:
                refusal = await self._refuse_body(request, refused, 400)
            elif self.compiled is not None:
                with self.receipts.writer.expecting():
                    answer = await self.compiled.answer(request, body, lambda: self._new_context(request))
                if answer is not None:
                    await answer(scope, receive, send)
                    return
            receive = replay(body, receive)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        with contextlib.suppress(ClientDisconnect), self.receipts.writer.expecting():
            await super().__call__(scope, receive, send)

    async def _refuse_body(self, request: Request, error: HubError, status: int) -> Response:
        """Answers the refusal of a malformed (400) or oversized (413) body in the GraphQL error shape, registered."""
        try:
            operator = request.state.principal.operator or operator_name(request.headers.get(OPERATOR_HEADER))
        except HubError:
            operator = None
        event_id = await self.receipts.for_refusal(
            request.state.principal, _request_id(request.headers), operator, error
        )
        body: dict[str, Any] = {
            "data": None,
            "errors": [{"message": error.message, "extensions": {"code": error.code.value, "fix": error.fix}}],
        }
        if event_id is not None:
            body["extensions"] = {"audit": {"eventId": event_id}}
        return JSONResponse(body, status_code=status)

    def _refuse_content_type(self, request: Request) -> Response | None:
        if request.method != "POST":
            return None
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            return JSONResponse(
                {
                    "errors": [
                        {
                            "message": "POST /graphql takes application/json only",
                            "extensions": {"code": ErrorCode.BAD_USER_INPUT.value},
                        }
                    ]
                },
                status_code=415,
            )
        return None

    def encode_json(self, data: object) -> bytes:
        """Answers the response body: compact UTF-8 JSON, as the compiled path writes it (hub.graphql.compiled)."""
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError:  # a lone surrogate the caller sent, quoted in an error: escaped instead
            return json.dumps(data, separators=(",", ":")).encode()

    async def get_context(self, request: Any, response: Any) -> HubContext:
        context = self._new_context(request)
        response.headers[REQUEST_ID_HEADER] = context.request_id  # the caller's, when fit for the register
        return context

    def _new_context(self, request: Request) -> HubContext:
        """Answers the context of one request: caller, request id, operator, case, upstream, or the header error."""
        headers = request.headers
        context = HubContext(services=self.services, principal=request.state.principal, request_id=_request_id(headers))
        context.documents = self.documents
        context.operation.http_method = request.method
        # a header unfit for the register refuses the operation (hub.graphql.schema.HubOperation), never a 500
        try:
            request_id(headers.get(REQUEST_ID_HEADER))
            if is_exchanged(context.principal):  # another hub's caller: only what that hub signed is registered
                context.operator = context.principal.operator
            else:
                named = operator_name(headers.get(OPERATOR_HEADER))
                context.operator = context.principal.operator or named  # a person signed in is named by their token
                context.case_number = case_number(headers.get(CASE_HEADER))
            context.upstream = upstream_event(
                context.principal, headers.get(UPSTREAM_EVENT_HEADER), headers.get(UPSTREAM_REQUEST_HEADER)
            )
        except HubError as error:
            context.header_error = error
        request.state.hub_context = context
        principal = context.principal
        CALLER.set(
            Caller(
                principal.client_id, principal.org or principal.self_code, principal.department, context.event_id,
                client_name=principal.client_name, operator=context.operator, receipts=context.remote_receipts,
                bulk=principal.has(HubScope.SUBJECT_BULK), self_code=principal.self_code,
            )
        )  # fmt: skip
        return context

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any, context: HubContext,
                             root_value: Any, request_data: GraphQLRequestData) -> ExecutionResult:  # fmt: skip
        """Answers the operation's result; a trusted document's stored text replaces the id before parsing."""
        try:
            request_data = await self._trusted(request, context, request_data)
        except HubError as error:
            context.operation.query = request_data.query
            return ExecutionResult(data=None, errors=[hub_error(error)])
        return await super().execute_single(request, request_adapter, sub_response, context, root_value, request_data)

    async def _trusted(self, request: Request, context: HubContext, data: GraphQLRequestData) -> GraphQLRequestData:
        """Answers the request with the approved text of the document it names (or as sent, where allowed)."""
        given = await _document_id(request, data)
        if given is None:
            policy = self.services.policies.get(context.principal.department)
            if policy is None or not policy.documents_required:
                return data
            given = document_id(data.query or "")  # an approved document's own text runs as that document
            if self.documents is None or not await self.documents.is_approved(context.principal.client_id, given):
                raise HubError(
                    ErrorCode.DOCUMENT_REQUIRED,
                    f"department '{policy.department}' runs only trusted documents",
                    fix='send {"documentId": "sha256:<hex>", "variables": {...}} for a registered, approved document',
                )
        if self.documents is None:
            raise HubError(ErrorCode.PERSISTED_QUERY_NOT_FOUND, "this hub keeps no trusted documents")
        text = await self.documents.approved_text(context.principal.client_id, given)
        context.document_id = given
        return dataclasses.replace(data, query=text)

    async def render_graphql_ide(self, request: Any) -> Response:
        """Answers GraphiQL (where the deployment enables it) to a caller who may read the schema."""
        if not request.state.principal.has(HubScope.CATALOG_READ):
            return _forbidden("the IDE is for integrators holding the scope 'catalog:read'")
        return await super().render_graphql_ide(request)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        context: HubContext = request.state.hub_context
        if result.errors and any("code" not in (error.extensions or {}) for error in result.errors):
            # Strawberry skips the operation hooks' exit for a document that does not parse
            result.errors = normalise_all(result.errors, context)
        try:
            context.operation.receipt = await self.receipts.for_query(context, result)
        except HubError as error:
            if context.data_query or context.operation.is_mutation:
                return {
                    "data": None,
                    "errors": [{"message": error.message, "extensions": {"code": error.code.value}}],
                }
        response = process_result(result)
        event_id = context.operation.receipt
        if event_id:
            extensions = dict(response.get("extensions") or {})
            extensions["audit"] = {"eventId": event_id}
            response["extensions"] = extensions
        return response


async def _document_id(request: Request, data: GraphQLRequestData) -> str | None:
    """Answers the trusted document id a request names (documentId, or Apollo's persistedQuery hash), if any."""
    if data.query is not None:
        return None
    persisted = (data.extensions or {}).get("persistedQuery")
    if isinstance(persisted, dict) and persisted.get("sha256Hash"):
        digest = str(persisted["sha256Hash"])
        return digest if digest.startswith("sha256:") else f"sha256:{digest}"
    if request.method == "GET":
        given: object = request.query_params.get("documentId")
    else:
        body = json.loads(await request.body())  # strawberry parsed it already; it keeps only the keys it knows
        given = body.get("documentId") if isinstance(body, dict) else None
    if given is not None and not isinstance(given, str):
        raise HubError(ErrorCode.BAD_USER_INPUT, "documentId is a string", fix='send "sha256:<hex>"')
    return given


def _forbidden(message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": ErrorCode.FORBIDDEN.value}}]}, 403)


def _request_id(headers: Mapping[str, str]) -> str:
    """Answers the caller's request id when it is fit for the register, else a fresh one."""
    try:
        return request_id(headers.get(REQUEST_ID_HEADER)) or str(uuid.uuid4())
    except HubError:
        return str(uuid.uuid4())


def _unauthenticated(error: HubError) -> JSONResponse:
    challenge = str(error.extra.get("www_authenticate") or 'Bearer realm="credit-hub"')
    return JSONResponse(
        {"errors": [{"message": error.message, "extensions": {"code": ErrorCode.UNAUTHENTICATED.value}}]},
        status_code=401,
        headers={"WWW-Authenticate": challenge},
    )
