"""Runs approved trusted documents compiled: no parsing, validation or generic execution per request.

A request naming an approved document the compiler supports is answered here, byte for byte as the generic
executor answers it (hub.graphql.http); anything else (an unsupported document, odd variables, a request
the generic path would refuse, a value the writer does not reproduce) is answered None, and the generic
path runs it. With `ahead`, the receipt, known from the plan, is committed while the sources answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry import Schema
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from hub.audit import AuditEvent
from hub.errors import HubError
from hub.federation.fetch import SourceOutcome
from hub.federation.remote import HubSource
from hub.graphql.compile import Argument, CompiledDocument, compile_document
from hub.graphql.context import HubContext
from hub.graphql.query import admit_lookup, count_subjects, note_lookup
from hub.graphql.receipts import Receipts
from hub.graphql.trusted import TrustedDocuments
from hub.graphql.writer import Error, Unwritable, write_object
from hub.identity.codes import SubjectCode, parse_subject_code
from hub.identity.header_text import REQUEST_ID_HEADER
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose
from hub.privacy.disclose import Disclosure, Withheld
from hub.records.service import ReadRequest
from hub.services import Services

log = logging.getLogger(__name__)
KEPT = 1024  # compiled documents and admissions kept per worker


@dataclass(frozen=True, slots=True)
class Ready:
    """A request that may run compiled: its document, policy, purpose, context and subject codes as sent."""

    document: CompiledDocument
    policy: Policy
    purpose: Purpose
    context: HubContext
    codes: list[str]
    name: str | None  # the operation name the caller sent (the register's), else the document's
    variables: dict[str, Any]
    matter: str | None = None  # a credit check's matter


class CompiledDocuments:
    """Compiles each approved document once and answers the requests that name it."""

    def __init__(
        self, schema: Schema, services: Services, receipts: Receipts, documents: TrustedDocuments, *, ahead: bool
    ) -> None:
        self.schema = schema
        self.receipts = receipts
        self.documents = documents
        self.ahead = ahead
        self._compiled: dict[str, CompiledDocument | None] = {}
        self._looking: dict[tuple[str, str], asyncio.Future[str | None]] = {}
        self._admitted: dict[tuple[str, str, Purpose], bool] = {}
        self._matters = services.credit.measures.matters
        # Other hubs asked as sources hand back receipts of their own during the fetch, which this hub's event
        # names: its receipt cannot be written before the fetch.
        self._asks_hubs = any(isinstance(source, HubSource) for source in services.federation.sources)

    async def answer(self, request: Request, body: bytes, new_context: Callable[[], HubContext]) -> Response | None:
        """Answers the response to a request naming a compiled document, or None for the generic path."""
        try:
            ready = await self._ready(request, body, new_context)
        except HubError:
            return None  # the generic path answers it with its error
        if ready is None:
            return None
        try:
            return await self._run(ready)
        except HubError as error:  # the generic path answers, with the executor's own error
            log.info("compiled document left to the generic executor: %s", error.code.value)
            return None
        except Unwritable as why:  # names a field of the document, never a value
            log.warning("compiled document left to the generic executor: %s", why)
            return None

    async def _ready(self, request: Request, body: bytes, new_context: Callable[[], HubContext]) -> Ready | None:
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if type(payload) is not dict or payload.get("query") is not None:
            return None
        given = _document_id(payload)
        variables = payload.get("variables") or {}
        principal = request.state.principal
        if given is None or type(variables) is not dict or not principal.client_id or not principal.department:
            return None
        text = await self._approved_text(principal.client_id, given)
        document = self._document(text) if text is not None else None
        if document is None or payload.get("operationName") not in (None, document.operation_name):
            return None
        codes, purpose = _codes(document, variables), _value(document.purpose, variables)
        if codes is None or type(purpose) is not str or purpose not in Purpose.__members__:
            return None
        matter = _value(document.matter, variables) if document.matter is not None else None
        if document.check and (type(matter) is not str or matter not in self._matters):
            return None  # the generic path refuses an unknown matter (BAD_USER_INPUT)
        policy = self._policy(principal.department)
        if policy is None or not self._admitted_for(document, given, policy, Purpose[purpose]):
            return None
        limits = policy.limits
        if len(codes) > limits.subjects_per_request or len(codes) * document.shape.cost > limits.cost:
            return None  # the generic path refuses it (QUERY_TOO_COMPLEX)
        context = new_context()
        if context.header_error is not None or not any(principal.has(scope) for scope in document.scopes):
            return None
        if policy.operator_required and not context.operator:
            return None
        context.document_id = given
        name = payload.get("operationName") or document.operation_name
        return Ready(document, policy, Purpose[purpose], context, codes, name, variables, matter)

    def _policy(self, department: str) -> Policy | None:
        """Answers the department's policy, if it has one."""
        return self.documents.policies.get(department)

    async def _approved_text(self, client_id: str, given: str) -> str | None:
        """Answers the approved text (None: not approved), asked for every request as the generic path does
        (hub.store.documents: its mirror, else one look-up that requests arriving meanwhile share)."""
        key = (client_id, given)
        looking = self._looking.get(key)
        if looking is None:
            looking = self._looking[key] = asyncio.ensure_future(self._look_up(key))
        return await asyncio.shield(looking)

    async def _look_up(self, key: tuple[str, str]) -> str | None:
        try:
            return await self.documents.approved(*key)
        finally:
            del self._looking[key]

    def _document(self, text: str) -> CompiledDocument | None:
        if text not in self._compiled:
            if len(self._compiled) >= KEPT:
                self._compiled.clear()
            self._compiled[text] = compile_document(self.schema, text)
        return self._compiled[text]

    def _admitted_for(self, document: CompiledDocument, given: str, policy: Policy, purpose: Purpose) -> bool:
        """Answers whether the department may run the document for `purpose` as compiled (once per triple)."""
        key = (given, policy.department, purpose)
        known = self._admitted.get(key)
        if known is None:
            limits, shape = policy.limits, document.shape
            known = (
                purpose in policy.purposes
                and not shape.introspection
                and shape.depth <= limits.depth
                and shape.aliases <= limits.aliases
            )
            if len(self._admitted) >= KEPT:
                self._admitted.clear()
            self._admitted[key] = known
        return known

    async def _run(self, ready: Ready) -> Response | None:
        context, document = ready.context, ready.document
        try:
            codes = [parse_subject_code(code) for code in ready.codes]
            if not document.check:
                context.targets.extend(code.value for code in codes)  # as the generic resolver notes them
            count_subjects(context, ready.policy, len(codes))
            context.state_purpose(ready.policy, ready.purpose)
            admit_lookup(context, codes)
        except HubError:
            return None
        operation = context.operation
        operation.query, operation.name, operation.variables = document.text, ready.name, ready.variables
        operation.type, operation.root_fields = OperationType.QUERY, document.shape.root_fields
        ahead: list[asyncio.Task[AuditEvent]] = []

        def on_planned(disclosures: list[Disclosure]) -> None:
            ahead.append(self.receipts.ahead(context, _typed(disclosures, document.textual)))

        # Enterprises a person represents are known only once fetched: their receipt follows the answer.
        ahead_ok = self.ahead and not self._asks_hubs and not document.linked
        planned = on_planned if ahead_ok else None
        if document.check:
            found, failed, consequence = await self._checks(ready, codes, planned)
        else:
            found, failed, consequence = await self._records(ready, codes, planned)
        started = time.perf_counter()
        key = document.root_key
        errors: list[Error] = []
        answers = [self._answer(view, document, [key, index] if document.bulk else [key], errors)
                   for index, view in enumerate(found)]  # fmt: skip
        # a withheld subject nulls a non-null `creditCheck`, and with it the whole `data` (as the executor does)
        whole = answers if document.bulk else answers[0]
        data: dict[str, Any] | None = None if document.check and whole is None else {key: whole}
        for index, outcome in failed:
            errors.append(
                {
                    "message": f"source '{outcome.name}' did not answer ({outcome.status}); {consequence}",
                    "path": [key, index] if len(codes) > 1 else [key],
                    "extensions": {"code": "SOURCE_UNAVAILABLE", "source": outcome.name},
                }
            )
        self.receipts.metrics.stage("write", time.perf_counter() - started)
        executed = ExecutionResult(
            data=data, errors=[GraphQLError(e["message"], extensions=e["extensions"]) for e in errors] or None
        )
        try:
            if ahead:
                event_id = await self.receipts.settle(context, ahead[0], executed)
            else:
                event_id = await self.receipts.for_query(context, executed)
        except HubError as error:
            refused = {"data": None, "errors": [{"message": error.message, "extensions": {"code": error.code.value}}]}
            return _response(refused, context.request_id)
        answer: dict[str, Any] = {"data": data}
        if errors:
            answer["errors"] = errors
        answer["extensions"] = {"audit": {"eventId": event_id}}
        return _response(answer, context.request_id)

    async def _records(
        self, ready: Ready, codes: list[SubjectCode], planned: Callable[[list[Disclosure]], None] | None
    ) -> tuple[Sequence[Any], Sequence[tuple[int, SourceOutcome]], str]:
        """Answers the record views (as the `subject` resolver reads them), the failed sources and what that means."""
        context, document = ready.context, ready.document
        services = context.services
        read = ReadRequest(
            ready.policy, context.principal.org, ready.purpose, codes, document.requested, document.linked
        )
        result = await services.records.read(read, services.today(), planned)
        context.disclosures.extend(result.disclosures)
        await note_lookup(context, codes, result.disclosures)
        return result.views, result.failed_sources, "the record is partial"

    async def _checks(
        self, ready: Ready, codes: list[SubjectCode], planned: Callable[[list[Disclosure]], None] | None
    ) -> tuple[Sequence[Any], Sequence[tuple[int, SourceOutcome]], str]:
        """Answers the credit checks (as the `creditCheck` resolver runs them), failed sources and what that means."""
        context = ready.context
        services = context.services
        assert ready.matter is not None
        batch = await services.credit.checks.check(
            ready.policy, context.principal.org, ready.purpose, codes, ready.matter, services.today(), planned
        )
        disclosed = [d for d in batch.disclosures if isinstance(d, Disclosure)]
        context.disclosures.extend(disclosed)
        await note_lookup(context, codes, disclosed)
        context.disclosures.extend(Disclosure(code, clear=fields) for code, fields in batch.enterprises_read.items())
        return batch.results, batch.failed, "the check is incomplete"

    @staticmethod
    def _answer(view: Any, document: CompiledDocument, path: list[str | int], errors: list[Error]) -> Any:
        """Answers one subject's object, or None with its error where the whole subject is withheld."""
        if not isinstance(view, Withheld):
            return write_object(view, document.children, path, errors)
        error = {"message": view.message, "locations": [document.root_location], "path": path}
        errors.append({**error, "extensions": {"code": view.code.value}})
        return None


def _codes(document: CompiledDocument, variables: dict[str, Any]) -> list[str] | None:
    """Answers the codes a request names (one for `subject`), or None for a value the executor must coerce."""
    given = _value(document.code, variables)
    if not document.bulk:
        return [given] if type(given) is str else None
    if type(given) is not list or not given or any(type(code) is not str for code in given):
        return None
    return given


def _response(body: dict[str, Any], request_id: str) -> Response:
    try:
        encoded = orjson.dumps(body)
    except orjson.JSONEncodeError:  # as the generic path encodes it (hub.graphql.http)
        encoded = json.dumps(body, separators=(",", ":")).encode()
    response = Response(encoded, media_type="application/json")
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


def _typed(disclosures: list[Disclosure], textual: frozenset[str]) -> list[Disclosure]:
    """Answers the planned disclosures with each masked field that is not text moved to clear (it leaves as is)."""
    for disclosure in disclosures:
        untouched = {path for path in disclosure.masked if path not in textual}
        disclosure.masked -= untouched
        disclosure.clear |= untouched
    return disclosures


def _value(argument: Argument, variables: dict[str, Any]) -> Any:
    return variables.get(argument.variable) if argument.variable is not None else argument.literal


def _document_id(payload: dict[str, Any]) -> str | None:
    """Answers the trusted document id a request names (documentId, or Apollo's persistedQuery hash), if any."""
    extensions = payload.get("extensions")
    persisted = extensions.get("persistedQuery") if type(extensions) is dict else None
    if type(persisted) is dict and persisted.get("sha256Hash"):
        digest = persisted["sha256Hash"]
        if type(digest) is not str:
            return None
        return digest if digest.startswith("sha256:") else f"sha256:{digest}"
    given = payload.get("documentId")
    return given if type(given) is str else None
