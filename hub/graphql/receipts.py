"""The receipt of every operation: an audit event built from what the request did, durably appended."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime

from strawberry import Schema
from strawberry.types import ExecutionResult

from hub.audit import AuditEvent, AuditWriter, EventType, Outcome, SubjectDisclosure, query_hash
from hub.audit.concealment import local_date
from hub.errors import ErrorCode, HubError
from hub.graphql.context import HubContext, Operation
from hub.graphql.repeats import RepeatedRequests, repeat_key
from hub.identity.header_text import unfit_character
from hub.identity.principal import Principal
from hub.logs import log_request
from hub.metrics import HubMetrics
from hub.privacy.disclose import Disclosure

NEVER_SHOWN = date.max  # a register entry the subject's own access log never lists
_DENIALS = frozenset({"FORBIDDEN", "PURPOSE_NOT_ALLOWED", "FIELD_DENIED", "CONSENT_REQUIRED", "QUERY_TOO_COMPLEX"})


def _codes(result: ExecutionResult) -> list[str]:
    return [str((e.extensions or {}).get("code", "")) for e in result.errors or []]


def _outcome(result: ExecutionResult) -> Outcome:
    codes = _codes(result)
    if not codes:
        return Outcome.OK
    has_data = bool(result.data) and any(v is not None for v in (result.data or {}).values())
    if has_data:
        return Outcome.PARTIAL
    return Outcome.DENIED if all(code in _DENIALS for code in codes) else Outcome.ERROR


# Every mutation registers as its own kind of event; a mutation missing here registers as MUTATION.
MUTATION_EVENTS: dict[str, EventType] = {
    "grantConsent": EventType.CONSENT,
    "revokeConsent": EventType.CONSENT,
    "fileObjection": EventType.OBJECTION,
    "resolveObjection": EventType.OBJECTION,
    "applyCreditRepair": EventType.REPAIR,
    "decideCreditRepair": EventType.REPAIR,
    "reportMeasureExecution": EventType.MEASURE_FEEDBACK,
    "initiateMeasures": EventType.MEASURE_FEEDBACK,
    "respondToMeasureCase": EventType.MEASURE_FEEDBACK,
    "closeCase": EventType.CASE,
    "acknowledgeSourceFeedback": EventType.SOURCE_FEEDBACK,
    "registerTrustedDocuments": EventType.TRUSTED_DOCUMENT,
    "reviewTrustedDocument": EventType.TRUSTED_DOCUMENT,
    "submitRecord": EventType.SUBMISSION,
    "reviewAnomaly": EventType.AUDIT_REVIEW,
}


def operation_names(schema: Schema) -> frozenset[str]:
    """Answers the root field names of the schema: the closed set an operation is counted under."""
    roots = (schema._schema.query_type, schema._schema.mutation_type)
    return frozenset(name for root in roots if root is not None for name in root.fields)


def event_type(operation: Operation) -> EventType:
    """Answers the event type of an operation: QUERY, or the type of its mutation fields (MUTATION if mixed)."""
    if not operation.is_mutation:
        return EventType.QUERY
    names = [name for name in operation.root_fields if name != "__typename"]
    found = {MUTATION_EVENTS.get(name, EventType.MUTATION) for name in names}
    return found.pop() if len(found) == 1 else EventType.MUTATION


def _concealed_until(context: HubContext, disclosures: Sequence[Disclosure]) -> tuple[date | None, bool]:
    """Answers until when the subjects may not see this access in their log, and whether until its case closes."""
    policy = context.services.policies.get(context.principal.department)
    if policy is None or context.purpose is None or not disclosures:
        return None, False
    until = policy.concealed_until(context.purpose, local_date(datetime.now(UTC)))
    by_case = context.case_number is not None and policy.conceals_until_case_closes(context.purpose)
    return until, by_case


def _refused_targets(context: HubContext, disclosed: set[str]) -> tuple[SubjectDisclosure, ...]:
    """Answers the subjects a refused read asked about: named in the register for officers, nothing disclosed.

    A subject never sees a refused attempt in its access log (nothing was accessed, and a refused search of a
    concealed inquiry must not reveal it), so these entries are concealed for good.
    """
    missing = [code for code in dict.fromkeys(context.targets) if code not in disclosed]
    return tuple(SubjectDisclosure(code, concealed_until=NEVER_SHOWN) for code in missing)


def query_event(
    context: HubContext, result: ExecutionResult, disclosures: Sequence[Disclosure] | None = None
) -> AuditEvent:
    """Answers the audit event registering one GraphQL operation and what it disclosed (`disclosures`: what the
    context noted, unless given)."""
    principal = context.principal
    shown = context.disclosures if disclosures is None else disclosures
    hidden, by_case = _concealed_until(context, shown)
    subjects = tuple(
        SubjectDisclosure(d.code, tuple(sorted(d.clear)), tuple(sorted(d.masked)), tuple(sorted(d.denied)), hidden)
        for d in shown
    )
    subjects += _refused_targets(context, {s.code for s in subjects})
    consents = tuple(sorted({c for d in shown for c in d.consent_ids}))
    codes = tuple(dict.fromkeys(_codes(result)))
    operation = context.operation
    return AuditEvent(
        type=event_type(operation),
        outcome=_outcome(result),
        event_id=context.event_id,
        upstream=context.upstream,
        remote_receipts=tuple(receipt.to_dict() for receipt in context.remote_receipts),
        request_id=context.request_id,
        client_id=principal.client_id,
        org=principal.org or principal.self_code,
        org_name=principal.client_name,
        department=principal.department,
        operator=context.operator,
        purpose=context.purpose.value if context.purpose else None,
        consent_ids=consents,
        subjects=subjects,
        error_codes=codes,
        query_hash=query_hash(operation.query or ""),
        operation_name=operation.name,
        latency_ms=round((time.perf_counter() - operation.started) * 1000, 2),
        case_number=context.case_number,
        concealed_until_case_closes=by_case,
        document_id=context.document_id,
    )


def planned_event(context: HubContext, disclosures: Sequence[Disclosure]) -> AuditEvent:
    """Answers the receipt written from the plan before the fetch: every field the plan lets out is named, and the
    outcome is the plan's (denied when it lets nothing out, partial when it withholds something, else ok)."""
    opened = any(d.clear or d.masked for d in disclosures)
    withheld = any(d.denied for d in disclosures) or any(not (d.clear or d.masked or d.denied) for d in disclosures)
    outcome = Outcome.DENIED if not opened else Outcome.PARTIAL if withheld else Outcome.OK
    event = query_event(context, ExecutionResult(data=None, errors=None), disclosures)
    return dataclasses.replace(event, outcome=outcome, receipt_before_fetch=True, latency_ms=None)


def auth_failure_event(error: HubError, request_id: str) -> AuditEvent:
    """Answers the audit event registering a refused credential (never the token itself)."""
    claimed = error.extra.get("client_id") or error.extra.get("claimed_client_id")
    client = claimed if isinstance(claimed, str) and unfit_character(claimed) is None else None
    return AuditEvent(
        type=EventType.AUTH_FAILURE,
        outcome=Outcome.UNAUTHENTICATED,
        request_id=request_id,
        client_id=client,
        error_codes=("UNAUTHENTICATED", str(error.extra.get("reason", "unknown"))),
    )


def refusal_event(principal: Principal, request_id: str, operator: str | None, error: HubError) -> AuditEvent:
    """Answers the audit event registering a request refused before it ran (a malformed or oversized body)."""
    return AuditEvent(
        type=EventType.QUERY,
        outcome=Outcome.ERROR,
        request_id=request_id,
        client_id=principal.client_id,
        org=principal.org or principal.self_code,
        org_name=principal.client_name,
        department=principal.department,
        operator=operator,
        error_codes=(error.code.value,),
    )


class Receipts:
    """Appends receipts through the group-commit writer, and counts each operation in the hub's series."""

    def __init__(self, writer: AuditWriter, metrics: HubMetrics) -> None:
        self.writer = writer
        self.metrics = metrics
        self.repeats = RepeatedRequests()  # other hubs' requests lately registered, for one sent again

    async def for_query(self, context: HubContext, result: ExecutionResult) -> str:
        """Answers the event id of the operation's receipt once it is durable (or raises AUDIT_UNAVAILABLE)."""
        event = query_event(context, result)
        started = time.perf_counter()
        event_id, key = event.event_id, repeat_key(context.upstream)
        try:
            if key is None:
                await self.writer.append(event)
            else:  # another hub's request, perhaps sent again: the first sending's receipt if it disclosed the same
                event_id = await self.repeats.receipt(key, event, lambda: self.writer.append(event))
        except HubError:
            self._report(context, event.outcome, None, (*event.error_codes, ErrorCode.AUDIT_UNAVAILABLE.value))
            raise
        self.metrics.stage("receipt", time.perf_counter() - started)
        self._report(context, event.outcome, event_id, event.error_codes)
        return event_id

    def ahead(self, context: HubContext, disclosures: Sequence[Disclosure]) -> asyncio.Task[AuditEvent]:
        """Answers the task committing the receipt written from the plan (planned_event), started now."""
        event = planned_event(context, disclosures)

        async def commit() -> AuditEvent:
            await self.writer.append(event)
            return event

        return asyncio.ensure_future(commit())

    async def settle(self, context: HubContext, ahead: asyncio.Task[AuditEvent], result: ExecutionResult) -> str:
        """Answers the event id of the receipt committed ahead once it is durable (or raises AUDIT_UNAVAILABLE);
        the operation is counted and logged with the outcome the caller got."""
        outcome, codes = _outcome(result), tuple(dict.fromkeys(_codes(result)))
        started = time.perf_counter()
        try:
            event = await ahead
        except HubError:
            self._report(context, outcome, None, (*codes, ErrorCode.AUDIT_UNAVAILABLE.value))
            raise
        self.metrics.stage("receipt", time.perf_counter() - started)
        self._report(context, outcome, event.event_id, codes)
        return event.event_id

    def _report(self, context: HubContext, outcome_of: Outcome, receipt: str | None, codes: tuple[str, ...]) -> None:
        """Counts the operation and writes its log line; both carry keys and codes only."""
        seconds = time.perf_counter() - context.operation.started
        outcome = (outcome_of if receipt else Outcome.ERROR).value
        operations = self.metrics.operations(context.operation.root_fields)
        self.metrics.request(operations, context.principal.department, outcome, codes, seconds)
        principal = context.principal
        log_request(
            request_id=context.request_id,
            operations=operations,
            department=principal.department,
            client_id=None if principal.is_self else principal.client_id,
            outcome=outcome,
            codes=codes,
            latency_ms=seconds * 1000,
            event_id=receipt,
        )

    async def for_refusal(
        self, principal: Principal, request_id: str, operator: str | None, error: HubError
    ) -> str | None:
        """Answers the event id registering a request refused before it ran, or None when it could not be stored."""
        event = refusal_event(principal, request_id, operator, error)
        if self.metrics is not None:
            self.metrics.request((), event.department, Outcome.ERROR.value, event.error_codes, 0.0)
        try:
            await self.writer.append(event)
        except HubError:
            return None
        return event.event_id

    async def for_auth_failure(self, error: HubError, request_id: str) -> None:
        """Answers nothing; registers a refused credential (best effort: the request is refused anyway)."""
        self.metrics.request((), None, Outcome.UNAUTHENTICATED.value, (ErrorCode.UNAUTHENTICATED.value,), 0.0)
        try:
            await self.writer.append(auth_failure_event(error, request_id))
        except HubError:
            return
