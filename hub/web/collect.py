"""POST /records/{recordType}: a department submits a file of records (CSV or JSON Lines), streamed.

Bearer token with `records:submit`; the department must be authoritative for the record type. The body is read
as it arrives (never whole), up to `max_submission_bytes`; the answer is `{"accepted": n, "refused": [{"row",
"field", "reason", "fix"}]}` plus counts, and the submission is registered in the audit register as its own
event type (its receipt in `X-Hub-Audit-Event-Id` and `auditEventId`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.audit import AuditEvent, EventType, Outcome, query_hash
from hub.collection.check import submittable
from hub.collection.rows import declared_charset, decoded, file_format, read_rows
from hub.collection.service import SUBMIT_SCOPE, SubmissionResult, Submitter, authorise_submitter
from hub.errors import ErrorCode, HubError
from hub.identity.header_text import REQUEST_ID_HEADER, request_id
from hub.identity.operator import OPERATOR_HEADER, operator_name
from hub.identity.principal import Principal
from hub.services import Services

log = logging.getLogger(__name__)
Authenticate = Callable[[str | None], Awaitable[Principal]]
_STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.AUDIT_UNAVAILABLE: 503,
    ErrorCode.BAD_USER_INPUT: 400,
}


def _refusal(error: HubError) -> JSONResponse:
    extensions: dict[str, object] = {"code": error.code.value}
    if error.fix:
        extensions["fix"] = error.fix
    status = _STATUS.get(error.code, 400 if error.code is not ErrorCode.INTERNAL_ERROR else 500)
    headers = {"WWW-Authenticate": str(error.extra.get("www_authenticate") or 'Bearer realm="credit-hub"')}
    body = {"errors": [{"message": error.message, "extensions": extensions}]}
    return JSONResponse(body, status_code=status, headers=headers if status == 401 else None)


_AS_SUBMITTED = ("text/csv", "application/jsonl")
_REFUSAL_COLUMNS = ("row", "field", "code", "reason", "fix")


def _as_submitted(result: SubmissionResult, kind: str, headers: dict[str, str]) -> Response:
    """Answers the refused rows as CSV (UTF-8 with BOM, for Excel) or JSON Lines; the counts go in headers."""
    counts = {
        "X-Hub-Accepted": str(result.accepted),
        "X-Hub-Unchanged": str(result.unchanged),
        "X-Hub-Refused": str(result.refused_count),
        "X-Hub-Submission-Id": result.submission_id,
    }
    rows = [r.to_dict() for r in result.refused]
    if kind == "text/csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(_REFUSAL_COLUMNS)
        writer.writerows([[row[c] for c in _REFUSAL_COLUMNS] for row in rows])
        data = codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
        return Response(data, media_type="text/csv; charset=utf-8", headers={**headers, **counts})
    lines = "".join(json.dumps({c: row[c] for c in _REFUSAL_COLUMNS}, ensure_ascii=False) + "\n" for row in rows)
    return Response(lines.encode("utf-8"), media_type="application/jsonl", headers={**headers, **counts})


def check_submitter(principal: Principal, services: Services, operator: str | None) -> Submitter:
    """Answers who submits, or FORBIDDEN when the token lacks `records:submit` or the policy wants an operator."""
    policy = services.policy_for(principal) if principal.has(SUBMIT_SCOPE) else None
    return authorise_submitter(principal, bool(policy and policy.operator_required), operator)


def submission_event(
    principal: Principal | None,
    record_type: str,
    outcome: Outcome,
    *,
    request: str,
    operator: str | None,
    started: float,
    codes: tuple[str, ...] = (),
    legal_basis: str | None = None,
) -> AuditEvent:
    """Answers the register's receipt of one submission."""
    return AuditEvent(
        type=EventType.SUBMISSION if outcome is not Outcome.UNAUTHENTICATED else EventType.AUTH_FAILURE,
        outcome=outcome,
        request_id=request,
        client_id=principal.client_id if principal else None,
        org=principal.org if principal else None,
        department=principal.department if principal else None,
        operator=operator,
        legal_basis=legal_basis,
        error_codes=codes,
        query_hash=query_hash(f"POST /records/{record_type}"),
        operation_name="submitRecords",
        latency_ms=round((time.perf_counter() - started) * 1000, 2),
    )


def outcome_of(result: SubmissionResult) -> tuple[Outcome, tuple[str, ...]]:
    """Answers the register's outcome of a submission and the reason codes of its refusals."""
    codes = tuple(sorted({r.code.value for r in result.refused}))
    if not result.refused_count:
        return Outcome.OK, ()
    return (Outcome.PARTIAL if result.accepted or result.unchanged else Outcome.ERROR), codes


async def _capped(request: Request, limit: int) -> AsyncIterator[bytes]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HubError(
                ErrorCode.BAD_USER_INPUT,
                f"the file is larger than {limit:,} bytes",
                fix="split it; the limit is the deployment's setting max_submission_bytes",
            )
        yield chunk


def records_route(authenticate: Authenticate, services: Services, max_bytes: int) -> Route:
    """Answers the route of POST /records/{recordType}."""

    async def submit(request: Request) -> Response:
        current = services
        record_type = request.path_params["record_type"]
        started = time.perf_counter()
        principal: Principal | None = None
        operator: str | None = None
        rid = str(uuid.uuid4())
        try:
            rid = request_id(request.headers.get(REQUEST_ID_HEADER)) or rid
            operator = operator_name(request.headers.get(OPERATOR_HEADER))
            principal = await authenticate(request.headers.get("authorization"))
            who = check_submitter(principal, current, operator)
            service, reader = current.collection, current.audit
            if service is None:
                raise HubError(
                    ErrorCode.NOT_FOUND,
                    "this hub keeps no collected source",
                    fix="add schema/sources/collected.yaml (managed: true)",
                )
            if reader is None or reader.writer is None or not reader.writer.available:
                raise HubError(
                    ErrorCode.AUDIT_UNAVAILABLE,
                    "the audit register is not available; nothing was read",
                    fix="submit again once /readyz reports the audit store OK",
                )
            collection = submittable(current.catalog, record_type, who.department).collection
            assert collection is not None  # submittable() answers only record types open to submission
            kind = file_format(request.headers.get("content-type"), request.query_params.get("name"))
            charset = declared_charset(request.headers.get("content-type"))
            text = decoded(_capped(request, max_bytes), charset)
            rows = read_rows(text, kind, collection)
            result = await service.submit(who, record_type, rows, file_name=request.query_params.get("name"))
        except ClientDisconnect:
            return JSONResponse({}, status_code=400)
        except HubError as error:
            refused = {ErrorCode.UNAUTHENTICATED: Outcome.UNAUTHENTICATED, ErrorCode.FORBIDDEN: Outcome.DENIED}
            if current.audit is not None and error.code is not ErrorCode.AUDIT_UNAVAILABLE:
                event = submission_event(
                    principal,
                    record_type,
                    refused.get(error.code, Outcome.ERROR),
                    request=rid,
                    operator=operator,
                    started=started,
                    codes=(error.code.value,),
                )
                with contextlib.suppress(HubError):  # refused anyway: the receipt of a refusal is best effort
                    await current.audit.record(event)
            return _refusal(error)
        except Exception as exc:  # the collected source failed under the file (a driver error): no traceback out
            log.warning("a submission failed: %s", type(exc).__name__)
            failed = HubError(
                ErrorCode.SOURCE_UNAVAILABLE,
                "the collected source did not answer; the rows that landed before stay landed",
                fix="submit the same file again: it is idempotent",
            )
            return _refusal(failed)
        outcome, codes = outcome_of(result)
        basis = collection.legal_basis
        event = submission_event(
            principal,
            record_type,
            outcome,
            request=rid,
            operator=operator,
            started=started,
            codes=codes,
            legal_basis=basis,
        )
        body = result.to_dict()
        try:
            event_id = await reader.record(event)
        except HubError as error:
            body["errors"] = [
                {
                    "message": "the rows above landed, but their receipt could not be registered",
                    "extensions": {
                        "code": error.code.value,
                        "fix": "submit the same file again later: it is idempotent, and its receipt is registered then",
                    },
                }
            ]
            return JSONResponse(body, status_code=503)
        body["auditEventId"] = event_id
        headers = {"X-Hub-Audit-Event-Id": event_id}
        wanted = request.headers.get("accept", "").split(",")[0].split(";")[0].strip().lower()
        if wanted in _AS_SUBMITTED:  # the refused rows in the format the file was sent in
            return _as_submitted(result, wanted, headers)
        return JSONResponse(body, headers=headers)

    return Route("/records/{record_type}", submit, methods=["POST"])
