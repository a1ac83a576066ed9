"""GET /audit/export.csv: the register as CSV for privacy officers (scope audit:read), streamed.

Query parameters mirror the GraphQL AuditFilter: subject, clientId, organisation, department,
operator, purpose, outcome, type, caseNumber, since, until (ISO 8601 with offset, or a date: midnight China time).
For people, `lang=zh` (or `en`) heads the columns in that language and writes times in China time, in UTF-8 with a
byte order mark so that Excel opens it; `encoding=gb18030` (or `utf-8`, `utf-8-sig`) chooses the encoding.
Every export is registered first (an AUDIT_REVIEW event); when that receipt cannot be stored nothing
is exported (AUDIT_UNAVAILABLE, 503). Refusals are registered too, best effort.
"""

from __future__ import annotations

import codecs
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import UTC, date, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from hub.audit import AuditEvent, AuditFilter, EventType, Outcome, query_hash
from hub.audit.export import CSV_COLUMNS, CsvLayout
from hub.audit.review import LOCAL_ZONE
from hub.errors import ErrorCode, HubError
from hub.identity.case import canonical_case_number
from hub.identity.codes import parse_subject_code
from hub.identity.header_text import REQUEST_ID_HEADER, request_id
from hub.identity.operator import OPERATOR_HEADER, operator_name
from hub.identity.principal import Principal
from hub.identity.scopes import Scope
from hub.policy.purposes import Purpose
from hub.services import Services
from hub.web.i18n import EXPORT_HEADERS, LANGS

Authenticate = Callable[[str | None], Awaitable[Principal]]
PATH = "/audit/export.csv"
_PLAIN = {"clientId": "client_id", "organisation": "org", "department": "department", "operator": "operator"}
_LAYOUT = frozenset({"lang", "encoding"})
_KNOWN = frozenset({*_PLAIN, *_LAYOUT, "subject", "purpose", "outcome", "type", "since", "until", "caseNumber"})
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
_STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.FORBIDDEN: 403, ErrorCode.AUDIT_UNAVAILABLE: 503}


def _bad(message: str, fix: str | None = None) -> HubError:
    return HubError(ErrorCode.BAD_USER_INPUT, message, fix=fix)


def _time(name: str, text: str) -> datetime:
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), LOCAL_ZONE).astimezone(UTC)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise _bad(f"{name} is not an ISO 8601 date or time", "e.g. 2026-01-31 or 2026-01-31T08:00:00+08:00") from None
    if value.tzinfo is None:
        raise _bad(f"{name} needs a time zone offset", "e.g. 2026-01-31T08:00:00+08:00")
    return value.astimezone(UTC)


def _member(name: str, text: str, allowed: Mapping[str, str]) -> str:
    value = allowed.get(text.upper())
    if value is None:
        raise _bad(f"{name} must be one of {', '.join(sorted(allowed))}")
    return value


def layout_from(params: Mapping[str, str]) -> tuple[CsvLayout, str]:
    """Answers the export's layout and encoding: for programs by default, for people with `lang` (Excel-ready)."""
    lang, encoding = params.get("lang", ""), params.get("encoding", "").lower()
    if lang and lang not in LANGS:
        raise _bad(f"lang must be one of {', '.join(LANGS)}")
    if encoding and encoding not in ENCODINGS:
        raise _bad(f"encoding must be one of {', '.join(ENCODINGS)}", "gb18030 for older Excel, else utf-8-sig")
    if not lang:
        return CsvLayout(), encoding or "utf-8"
    index = LANGS.index(lang)
    return CsvLayout(tuple(EXPORT_HEADERS[c][index] for c in CSV_COLUMNS), LOCAL_ZONE), encoding or "utf-8-sig"


async def _encoded(lines: AsyncIterator[str], encoding: str) -> AsyncIterator[bytes]:
    if encoding == "utf-8-sig":
        yield codecs.BOM_UTF8
    async for text in lines:
        yield text.encode("utf-8" if encoding == "utf-8-sig" else encoding)


def filter_from(params: Mapping[str, str]) -> AuditFilter:
    """Answers the register filter the query parameters ask for; BAD_USER_INPUT on an unknown or bad one."""
    unknown = sorted(set(params) - _KNOWN)
    if unknown:
        raise _bad(f"unknown parameter '{unknown[0]}'", f"use: {', '.join(sorted(_KNOWN))}")
    values: dict[str, object] = {_PLAIN[key]: value for key, value in params.items() if key in _PLAIN and value}
    if params.get("subject"):
        values["subject_code"] = parse_subject_code(params["subject"]).value
    if params.get("caseNumber"):
        values["case_number"] = canonical_case_number(params["caseNumber"], place="caseNumber")
    enums = {"purpose": Purpose, "outcome": Outcome, "type": EventType}
    for key, kind in enums.items():
        if params.get(key):
            values[key] = _member(key, params[key], {member.name: member.value for member in kind})
    for key in ("since", "until"):
        if params.get(key):
            values[key] = _time(key, params[key])
    return AuditFilter(**values)  # type: ignore[arg-type]


def _refusal(error: HubError) -> JSONResponse:
    extensions: dict[str, object] = {"code": error.code.value}
    if error.fix:
        extensions["fix"] = error.fix
    headers = {"WWW-Authenticate": str(error.extra.get("www_authenticate") or 'Bearer realm="credit-hub"')}
    status = _STATUS.get(error.code, 400)
    return JSONResponse(
        {"errors": [{"message": error.message, "extensions": extensions}]},
        status_code=status,
        headers=headers if status == 401 else None,
    )


class _Export:
    """One export request: who asks, what, and its receipt."""

    def __init__(self, request: Request, services: Services) -> None:
        self.request, self.services = request, services
        self.request_id, self.operator = str(uuid.uuid4()), None
        self.header_error: HubError | None = None  # a header unfit for the register: refused once authenticated
        try:
            self.request_id = request_id(request.headers.get(REQUEST_ID_HEADER)) or self.request_id
            self.operator = operator_name(request.headers.get(OPERATOR_HEADER))
        except HubError as error:
            self.header_error = error
        self.started = time.perf_counter()
        self.principal: Principal | None = None

    def event(self, outcome: Outcome, codes: tuple[str, ...] = (), client_id: str | None = None) -> AuditEvent:
        """Answers the receipt of this export with the given outcome."""
        who = self.principal
        auth_failed = outcome is Outcome.UNAUTHENTICATED
        return AuditEvent(
            type=EventType.AUTH_FAILURE if auth_failed else EventType.AUDIT_REVIEW, outcome=outcome,
            request_id=self.request_id, client_id=who.client_id if who else client_id, org=who.org if who else None,
            department=who.department if who else None, operator=None if auth_failed else self.operator,
            purpose=None if auth_failed else Purpose.AUDIT_REVIEW.value, error_codes=codes,
            query_hash=query_hash(f"{PATH}?{self.request.url.query}"), operation_name="auditExport",
            latency_ms=round((time.perf_counter() - self.started) * 1000, 2),
        )  # fmt: skip

    def check(self, principal: Principal) -> AuditFilter:
        """Answers the filter asked for once the caller may export; raises FORBIDDEN or BAD_USER_INPUT."""
        self.principal = principal
        self.operator = principal.operator or self.operator  # a person signed in is named by their token
        if self.header_error is not None:
            raise self.header_error
        if not principal.has(Scope.AUDIT_READ):
            raise HubError(ErrorCode.FORBIDDEN, "this export needs the scope 'audit:read'")
        policy = self.services.policies.get(principal.department)
        if policy is not None and policy.operator_required and not self.operator:
            raise HubError(
                ErrorCode.FORBIDDEN,
                "your department must name the operator of every register review",
                fix="send the X-Hub-Operator header with the officer's name or staff number",
            )
        layout_from(self.request.query_params)
        return filter_from(self.request.query_params)

    async def refuse(self, error: HubError) -> Response:
        """Answers the refusal, after registering it (best effort: the caller is refused anyway)."""
        reader = self.services.audit
        outcome = {ErrorCode.UNAUTHENTICATED: Outcome.UNAUTHENTICATED, ErrorCode.FORBIDDEN: Outcome.DENIED}
        codes = (error.code.value, str(error.extra["reason"])) if "reason" in error.extra else (error.code.value,)
        try:
            claimed = error.extra.get("client_id") or error.extra.get("claimed_client_id")
            event = self.event(outcome.get(error.code, Outcome.ERROR), codes, str(claimed) if claimed else None)
            await reader.record(event)
        except HubError:
            pass
        return _refusal(error)


def audit_export_route(authenticate: Authenticate, services: Services) -> Route:
    """Answers the route of GET /audit/export.csv."""

    async def export(request: Request) -> Response:
        work = _Export(request, services)
        try:
            where = work.check(await authenticate(request.headers.get("authorization")))
        except HubError as error:
            return await work.refuse(error)
        reader = services.audit
        try:
            event_id = await reader.record(work.event(Outcome.OK))
        except HubError as error:
            return _refusal(error)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        headers = {
            "Content-Disposition": f'attachment; filename="audit-{stamp}.csv"',
            "Cache-Control": "no-store",
            "X-Hub-Audit-Event-Id": event_id,
        }
        layout, encoding = layout_from(request.query_params)
        charset = "gb18030" if encoding == "gb18030" else "utf-8"
        lines = _encoded(reader.export(where, layout), encoding)
        return StreamingResponse(lines, media_type=f"text/csv; charset={charset}", headers=headers)

    return Route(PATH, export, methods=["GET"])
