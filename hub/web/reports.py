"""GET /reports/{code}.pdf (the credit report as a file) and GET /reports/verify/{number} (what a QR code opens).

The PDF route runs the `creditReport` operation through the GraphQL endpoint itself, so the token check,
policy, limits and the register's receipt are the same as for any query; it answers the signed file, or the
operation's errors as JSON with the matching HTTP status.
"""

from __future__ import annotations

import base64
import json
from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message

from hub.errors import ErrorCode, HubError
from hub.services import Services
from hub.store.documents import document_id

REPORT_QUERY = (
    "query CreditReportFile($c: ID!, $p: Purpose!) { creditReport(code: $c, purpose: $p) { number pdfBase64 } }"
)
_STATUS = {
    ErrorCode.UNAUTHENTICATED.value: 401, ErrorCode.FORBIDDEN.value: 403, ErrorCode.PURPOSE_NOT_ALLOWED.value: 403,
    ErrorCode.CONSENT_REQUIRED.value: 403, ErrorCode.NOT_FOUND.value: 404, ErrorCode.RATE_LIMITED.value: 429,
    ErrorCode.AUDIT_UNAVAILABLE.value: 503, ErrorCode.SOURCE_UNAVAILABLE.value: 503,
    ErrorCode.INTERNAL_ERROR.value: 500, ErrorCode.QUERY_TOO_COMPLEX.value: 400,
    ErrorCode.DOCUMENT_REQUIRED.value: 403,
}  # fmt: skip
REPORT_DOCUMENT = document_id(REPORT_QUERY)
KEYS_PATH = "/reports/keys.json"  # every key that signed a report, also after it stopped signing tokens
_PASSED = frozenset({b"authorization", b"x-hub-operator", b"x-hub-case", b"x-request-id", b"user-agent"})
EDITIONS = {"PUBLIC": "公开版（脱敏）", "DEPARTMENT": "部门查询版", "SELF": "本人版"}


async def run_report(graphql: ASGIApp, request: Request, code: str, purpose: str) -> Response:
    """Answers the signed PDF of `creditReport` run as a POST to the GraphQL endpoint with the caller's headers."""
    body = json.dumps({"query": REPORT_QUERY, "variables": {"c": code, "p": purpose}}).encode()
    headers = [(k, v) for k, v in request.scope["headers"] if k in _PASSED]
    headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    scope = {**request.scope, "method": "POST", "path": "/graphql", "raw_path": b"/graphql", "query_string": b"",
             "headers": headers}  # fmt: skip
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await graphql(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    kept = {k.decode(): v.decode() for k, v in start.get("headers", []) if k in (b"www-authenticate", b"x-request-id")}
    answer: dict[str, Any] = json.loads(b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))
    event_id = str(((answer.get("extensions") or {}).get("audit") or {}).get("eventId") or "")
    if event_id:
        kept["X-Hub-Audit-Event-Id"] = event_id
    report = (answer.get("data") or {}).get("creditReport")
    if report:
        kept["Content-Disposition"] = f'inline; filename="{report["number"]}.pdf"'
        kept["X-Hub-Report-Number"] = report["number"]
        kept["Cache-Control"] = "no-store"
        return Response(base64.b64decode(report["pdfBase64"]), media_type="application/pdf", headers=kept)
    codes = [str((e.get("extensions") or {}).get("code", "")) for e in answer.get("errors") or []]
    if ErrorCode.DOCUMENT_REQUIRED.value in codes:
        answer["errors"] = [_report_document_error(e) for e in answer["errors"]]
    status = int(start["status"]) if int(start["status"]) >= 400 else _STATUS.get(codes[0] if codes else "", 400)
    return JSONResponse(answer, status_code=status, headers=kept)


def report_routes(graphql: ASGIApp, services: Services) -> list[Route]:
    """Answers the report routes."""

    async def pdf(request: Request) -> Response:
        purpose = request.query_params.get("purpose")
        if not purpose:
            error = HubError(
                ErrorCode.BAD_USER_INPUT, "the query parameter purpose is missing",
                fix="add ?purpose=ADMINISTRATIVE_APPROVAL (or another purpose your policy allows)",
            )  # fmt: skip
            return JSONResponse({"errors": [_error(error)]}, status_code=400)
        return await run_report(graphql, request, request.path_params["code"], purpose)

    async def verify(request: Request) -> Response:
        reports = services.reports
        try:
            found = await reports.lookup(request.path_params["number"])
        except HubError as error:
            return JSONResponse({"valid": False, "errors": [_error(error)]}, status_code=404)
        answer = {
            "valid": True, "number": found.number, "edition": found.edition, "issuedAt": found.issued_at.isoformat(),
            "sha256": found.sha256, "signature": found.signature, "keys": KEYS_PATH,
        }  # fmt: skip
        if "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(_page(answer))
        return JSONResponse(answer)

    async def keys(_request: Request) -> Response:
        try:
            found = await services.reports.repository.public_keys()
        except HubError as error:
            return JSONResponse({"errors": [_error(error)]}, status_code=503)
        return JSONResponse(
            {"keys": [json.loads(key) for key in found]}, headers={"Cache-Control": "public, max-age=300"}
        )

    return [
        Route("/reports/verify/{number}", verify),
        Route(KEYS_PATH, keys, methods=["GET"]),
        Route("/reports/{code}.pdf", pdf),
    ]


def _report_document_error(error: dict[str, Any]) -> dict[str, Any]:
    """Answers a DOCUMENT_REQUIRED error whose fix names the report's own document, which the route cannot change."""
    extensions = dict(error.get("extensions") or {})
    if extensions.get("code") != ErrorCode.DOCUMENT_REQUIRED.value:
        return error
    extensions["documentId"] = REPORT_DOCUMENT
    extensions["fix"] = (
        f"the credit report file runs the document {REPORT_DOCUMENT}: register it for this client "
        f'(credit-hub documents register --client-id <id> with {{"{REPORT_DOCUMENT}": <its text>}}, '
        "the text is in the README) and have the privacy office approve it"
    )
    return {**error, "extensions": extensions}


def _error(error: HubError) -> dict[str, Any]:
    return {"message": error.message, "extensions": {"code": error.code.value, "fix": error.fix}}


def _page(answer: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(str(answer[key]))}</td></tr>"
        for label, key in (("报告编号", "number"), ("出具时间", "issuedAt"), ("文件摘要 SHA-256", "sha256"))
    )
    edition = escape(EDITIONS.get(str(answer["edition"]), str(answer["edition"])))
    return (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>信用报告核验</title>'
        "<body><h1>信用报告核验：本平台出具的报告</h1>"
        f"<table>{rows}<tr><th>报告版本</th><td>{edition}</td></tr></table>"
        "<p>核对手中文件的 SHA-256 与上表一致，或运行 <code>credit-hub report verify 文件</code> 校验签名。</p>"
        "</body></html>"
    )
