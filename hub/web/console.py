"""`/console`: the privacy officer's page — query register, anomalies, integrity and charts, CSV export."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.types import Receive, Scope, Send

from hub.config import Settings
from hub.identity.scopes import Scope as HubScope
from hub.web import operations as ops
from hub.web.audit_export import ENCODINGS
from hub.web.console_oidc import ConsoleSignIn
from hub.web.console_view import (
    CHART_DAYS,
    anomaly_rows,
    chart_days,
    chart_span,
    charts,
    clean_filters,
    client_names,
    event_rows,
    filter_choices,
    graphql_filter,
    measure_case_rows,
    review_view,
)
from hub.web.forms import checked_form, posted_form, text
from hub.web.gateway import Answer, Gateway, TokenAnswer
from hub.web.i18n import Translator
from hub.web.portal_view import local_today, when
from hub.web.render import Renderer, page_url
from hub.web.sessions import Revocations, Session, SessionCookies, csrf_ok, signed_session, token_claims

COOKIE = "__Host-hub-console"
PAGE_SIZE = 25
ACTIVITY_PAGE = 500
ACTIVITY_PAGES = 4
EXPORT_PATH = "/audit/export.csv"
_ANOMALY_ID = re.compile(r"^[0-9a-f]{8,64}$")
_EXPORT_KEYS = {"organisation": "organisation", "department": "department", "purpose": "purpose",
                "outcome": "outcome", "subject": "subject"}  # fmt: skip


def _why(answer: Answer, t: Translator, part: str | None = None) -> str:
    """Answers why a part of the page is missing: its own error, else the request's."""
    mine = [e for e in answer.errors if not e.get("path") or part is None or (e.get("path") or [None])[0] == part]
    if not mine:
        return t("unavailable") + (t.error(answer.codes[0], answer.errors[0].get("message")) if answer.errors
                                   else f"HTTP {answer.status}")  # fmt: skip
    return t("unavailable") + t.error((mine[0].get("extensions") or {}).get("code"), mine[0].get("message"))


class Console:
    """The console's pages and form handlers over one sealed session cookie."""

    def __init__(
        self,
        settings: Settings,
        jinja: Jinja2Templates,
        revocations: Revocations | None = None,
        departments: Mapping[str, str] | None = None,
    ) -> None:
        self.cookies = SessionCookies(settings.session_secret or None, COOKIE, revocations)
        self.render = Renderer(jinja, self.cookies, "/console", "area_console", departments)
        self.dev_login = settings.dev_login  # officers sign in through the development identity provider
        oidc = None if self.dev_login else settings.oidc
        # With the organisation's provider, officers sign in there; the shared client secret only as break-glass.
        secret = settings.session_secret or None
        self.oidc = ConsoleSignIn(self, oidc, secret) if oidc and oidc.officer_sign_in else None
        self.provider = bool(oidc and oidc.portal_sign_in)  # officers unmapped: nobody signs in until they are
        self.secret_form = not self.provider or bool(oidc and oidc.officer_break_glass)

    def routes(self) -> list[Route]:
        """Answers the console's routes."""
        return [
            Route("/console", self.show, methods=["GET"]),
            Route("/console/login", self.login, methods=["POST"]),
            Route("/console/logout", self.logout, methods=["POST"]),
            Route("/console/filter", self.filter, methods=["POST"]),
            Route("/console/anomalies/{anomaly_id}", self.anomaly, methods=["GET"]),
            Route("/console/anomalies/{anomaly_id}/review", self.review, methods=["POST"]),
            Route("/console/export.csv", _Export(self), methods=["GET"]),
            Route("/console/reports", self.report, methods=["GET"]),
            *(self.oidc.routes() if self.oidc is not None else []),
        ]

    async def sign_in_page(
        self, request: Request, session: Session, status: int = 200, resume: str = "", note: str = ""
    ) -> Response:
        """Answers the sign-in page (`resume`, `note`: the anomaly whose review the session's end interrupted)."""
        officers = await Gateway(request).dev_officers() if self.dev_login else []
        response = self.render.page(
            request, session, "console_login.html", "console_signin_title", status,
            dev_login=self.dev_login, officers=officers, resume=resume, kept_note=note,
            officer_oidc=self.oidc is not None, provider=self.provider, secret_form=self.secret_form,
        )  # fmt: skip
        if self.oidc is not None:
            self.oidc.keep(response, session, resume, note)
        return response

    def _expired(self, request: Request) -> Response:
        fresh = Session()
        fresh.flash(self.render.translator(request)("session_expired"), "error")
        return self.render.redirect(request, fresh)

    async def show(self, request: Request) -> Response:
        """Answers the sign-in page, or the register with its anomalies, integrity and charts."""
        session = await self.cookies.load(request)
        if not session.signed_in or session.token is None:
            return await self.sign_in_page(request, session)
        t, gateway = self.render.translator(request), Gateway(request)
        after = request.query_params.get("after") or None
        token, operator = session.token, session.operator
        recent = {"since": (datetime.now(UTC) - timedelta(days=CHART_DAYS)).isoformat()}
        variables = {"filter": graphql_filter(session.filters), "first": PAGE_SIZE, "after": after,
                     "recent": recent, "recentFirst": ACTIVITY_PAGE}  # fmt: skip
        # One page view, one operation: every part in one request (more only when the charts need a further page).
        page = await gateway.graphql(token, ops.CONSOLE_PAGE, variables, operator=operator)
        if page.status == 401:
            return self._expired(request)
        events = anomalies = integrity = measures = page
        activity, complete = await self._activity(gateway, token, operator, recent, page.part("activity"))
        connection = events.part("register")
        chain = integrity.part("auditIntegrity")
        if chain is not None:
            chain = {**chain, "checked": self._when(chain.get("checkedAt"))}
        found = anomalies.part("auditAnomalies")
        return self.render.page(
            request, session, "console.html", "console_title",
            officer=operator or "—",
            filters=session.filters,
            events=event_rows(connection, t) if connection is not None else None,
            next_cursor=((connection or {}).get("pageInfo") or {}).get("endCursor")
            if ((connection or {}).get("pageInfo") or {}).get("hasNextPage") else None,
            page_after=after,
            anomalies=anomaly_rows(found, t, client_names(activity or [])) if found is not None else None,
            integrity=chain,
            charts=charts(activity, t, local_today(), complete) if activity is not None else None,
            charts_span=chart_span(chart_days(activity or [], local_today(), complete), t),
            charts_complete=complete, charts_events=len(activity or []),
            monitoring=measures.part("measureMonitoring"), measure_cases=measure_case_rows(measures, t),
            unavailable={"events": _why(page, t, "register"), "anomalies": _why(page, t, "auditAnomalies"),
                         "integrity": _why(page, t, "auditIntegrity"), "charts": t("unavailable"),
                         "measures": _why(page, t, "measureMonitoring")},
            **filter_choices(activity or [], session.filters, t),
        )  # fmt: skip

    @staticmethod
    def _when(value: Any) -> str:
        return when(str(value) if value else None)[1]

    async def _activity(
        self, gateway: Gateway, token: str, operator: str | None, recent: dict[str, str], first: Any
    ) -> tuple[list[dict[str, Any]] | None, bool]:
        """Answers the register's recent events for the charts and filter choices (the page's first page of them,
        and a few further pages at most when there are more), and whether they are all of the span's events."""
        nodes: list[dict[str, Any]] = []
        connection = first
        for index in range(ACTIVITY_PAGES):
            if connection is None:
                return None, False
            nodes.extend(edge["node"] for edge in connection.get("edges") or [])
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return nodes, True
            if index == ACTIVITY_PAGES - 1:
                break
            variables = {"filter": recent, "first": ACTIVITY_PAGE, "after": info.get("endCursor")}
            answer = await gateway.graphql(token, ops.AUDIT_ACTIVITY, variables, operator=operator)
            connection = answer.part("auditEvents")
        return nodes, False

    async def login(self, request: Request) -> Response:
        """Signs an officer in as themselves through the identity provider (the development one in the demo), or, in
        a deployment without one, with a client's id and secret naming the operator; only audit:read signs in."""
        session = await self.cookies.load(request)
        t = self.render.translator(request)
        form = await checked_form(request, session)
        if form is None:
            return self._refused(request, session)
        gateway = Gateway(request)
        resume, note = text(form, "resume", 64), text(form, "keep.note", 2000)
        if self.dev_login:
            issued = await gateway.dev_officer_login(text(form, "officer", 40))
            operator = None
        elif not self.secret_form:  # officers sign in at the provider: the shared secret is not taken
            session.flash(t("console_secret_off"), "error")
            return await self.sign_in_page(request, session, 403, resume, note)
        else:
            issued = await gateway.client_token(text(form, "client_id", 64), text(form, "client_secret", 200))
            operator = text(form, "operator", 120) or None
        if issued.token is None:
            session.flash(t("signin_failed") + t.error(issued.code, issued.error), "error")
            return await self.sign_in_page(request, session, 400, resume, note)
        return await self.enter(request, session, issued, operator, resume, note)

    async def enter(
        self, request: Request, session: Session, issued: TokenAnswer, operator: str | None, resume: str, note: str,
        *, cross_site: bool = False,
    ) -> Response:  # fmt: skip
        """Answers the console for a signed-in officer (only audit:read signs in): back to the review the session's
        end interrupted, or the register (`cross_site`: from the provider, so through a page of ours)."""
        assert issued.token is not None
        t = self.render.translator(request)
        resume = resume if _ANOMALY_ID.fullmatch(resume) else ""
        claims = token_claims(issued.token)  # the hub's own answer to this request: read, not verified again
        if HubScope.AUDIT_READ not in str(claims.get("scope", "")).split():
            session.flash(t("signin_failed") + t("console_needs_audit"), "error")
            return await self.sign_in_page(request, session, 403, resume, note)
        named = claims.get("operator")
        signed = signed_session(issued.token, issued.expires_in, named if isinstance(named, str) else operator)
        signed.filters = session.filters  # a filter sent as the last session ended applies now
        signed.provider = cross_site
        if resume:  # back to the review the session's end interrupted, the note as it was typed
            signed.flash(t("console_review_resumed"), "info", "review")
            return await self._anomaly_page(request, signed, resume, 200, {"note": note})
        if cross_site:  # the Strict session cookie is not sent on a redirect the provider started
            return self.render.page(request, signed, "console_continue.html", "console_title")
        return self.render.redirect(request, signed, "#register" if signed.filters else "")

    async def logout(self, request: Request) -> Response:
        """Signs out: forgets the token, the operator and the filters, and ends the provider's session for an officer
        who signed in there (where the provider's end-session endpoint is configured)."""
        session = await self.cookies.load(request)
        if await checked_form(request, session) is None:
            return self._refused(request, session)
        await self.cookies.end(session)
        ending = self.oidc.flow.end_session(page_url(request, self.render.base)) if self.oidc else None
        if ending is not None and session.provider:
            # a page of ours moves on: the form's CSP (form-action 'self') does not let its redirect leave the hub
            return self.render.page(request, Session(), "signed_out.html", "signed_out_title", ending=ending)
        return self.render.redirect(request, Session())

    async def filter(self, request: Request) -> Response:
        """Keeps the register's filter in the session (a subject code never goes into a URL)."""
        session = await self.cookies.load(request)
        form = await posted_form(request)
        lapsed = self.cookies.lapsed(request) if not session.signed_in else None
        ended = form is not None and lapsed is not None and csrf_ok(lapsed, form.get("csrf"))
        if form is None or not (ended or csrf_ok(session, form.get("csrf"))):
            return self._refused(request, session)
        raw = {key: text(form, key, 80) for key in _EXPORT_KEYS}
        filters = {} if text(form, "action") == "clear" else clean_filters(raw)
        if not session.signed_in:  # the session ended: the filter is kept for after sign-in
            fresh = Session(filters=filters)
            fresh.flash(self.render.translator(request)("session_ended_filter"), "error")
            return await self.sign_in_page(request, fresh)
        session.filters = filters
        return self.render.redirect(request, session, "#register")

    async def report(self, request: Request) -> Response:
        """Answers the look-up of a credit report number: its edition, issue, department, register entry and hash."""
        session = await self.cookies.load(request)
        if not session.signed_in or session.token is None:
            return await self.sign_in_page(request, session)
        number = (request.query_params.get("number") or "").strip()[:32]
        found = None
        if number:
            answer = await Gateway(request).graphql(
                session.token, ops.REPORT_VERIFICATION, {"number": number}, operator=session.operator
            )
            if answer.status == 401:
                return self._expired(request)
            found = answer.part("reportVerification")
        status = 404 if number and found is None else 200
        return self.render.page(
            request, session, "console_report.html", "console_report", status, number=number, report=found
        )

    async def anomaly(self, request: Request) -> Response:
        """Answers one anomaly with its events and its review, read in one registered operation."""
        session = await self.cookies.load(request)
        if not session.signed_in or session.token is None:
            return await self.sign_in_page(request, session)
        return await self._anomaly_page(request, session, request.path_params["anomaly_id"])

    async def _anomaly_page(
        self, request: Request, session: Session, wanted: str, status: int = 200, kept: dict[str, str] | None = None
    ) -> Response:
        assert session.token is not None
        t = self.render.translator(request)
        if not _ANOMALY_ID.fullmatch(wanted):
            return self.render.page(request, session, "anomaly.html", "console_anomaly", 404, anomaly=None)
        answer = await Gateway(request).graphql(
            session.token, ops.CONSOLE_ANOMALY, {"id": wanted}, operator=session.operator
        )
        if answer.status == 401:
            return self._expired(request)
        found = answer.part("auditAnomaly")
        if found is None:
            gone = not answer.errors
            return self.render.page(
                request, session, "anomaly.html", "console_anomaly", 404 if gone else 503, anomaly=None,
                problem=None if gone else _why(answer, t, "auditAnomaly"),
            )  # fmt: skip
        seen = found.get("events") or []
        match = anomaly_rows([found], t, client_names(seen))[0]
        return self.render.page(
            request, session, "anomaly.html", "console_anomaly", status, anomaly=match,
            events=event_rows({"edges": [{"node": node} for node in seen]}, t), review=review_view(found.get("review")),
            submission=uuid.uuid4().hex, kept=kept or {},
        )  # fmt: skip

    async def review(self, request: Request) -> Response:
        """Marks an anomaly reviewed with the officer's note (one review however often the form is sent)."""
        session = await self.cookies.load(request)
        form = await posted_form(request)
        if form is not None and not session.signed_in:
            lapsed = self.cookies.lapsed(request)
            if lapsed is not None and csrf_ok(lapsed, form.get("csrf")):
                session.flash(self.render.translator(request)("console_review_session_ended"), "error")
                wanted = request.path_params["anomaly_id"]
                return await self.sign_in_page(request, session, 200, wanted[:64], text(form, "note", 2000))
        if form is None or not csrf_ok(session, form.get("csrf")):
            return self._refused(request, session)
        if not session.signed_in or session.token is None:
            return self._expired(request)
        t, wanted = self.render.translator(request), request.path_params["anomaly_id"]
        note = text(form, "note", 2000)
        variables = {"input": {"anomalyId": wanted[:64], "note": note, "submissionId": text(form, "submission", 64)}}
        answer = await Gateway(request).graphql(session.token, ops.REVIEW_ANOMALY, variables, operator=session.operator)
        if answer.status == 401:
            return self._expired(request)
        if answer.errors or answer.part("reviewAnomaly") is None:
            session.flash(t("failed") + t.error(answer.codes[0] if answer.codes else None,
                                                answer.errors[0].get("message") if answer.errors else None),
                          "error", "review")  # fmt: skip
            return await self._anomaly_page(request, session, wanted, 400, {"note": note})
        session.flash(t("console_reviewed"), "info", "review")
        return self.render.redirect(request, session, f"/anomalies/{wanted}#notice")

    def _refused(self, request: Request, session: Session) -> Response:
        t = self.render.translator(request)
        return self.render.page(
            request, session, "error.html", "console_title", 403, heading="403", message=t("csrf_failed")
        )

    def export_params(self, session: Session) -> dict[str, str]:
        """Answers the export's query parameters for the session's filters (inside the hub only)."""
        return {_EXPORT_KEYS[key]: value for key, value in session.filters.items() if key in _EXPORT_KEYS}


class _Export:
    """GET /console/export.csv: the hub's `/audit/export.csv` for the session's filters, streamed through."""

    def __init__(self, console: Console) -> None:
        self.console = console

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        session = await self.console.cookies.load(request)
        if not session.signed_in or session.token is None:
            response = self.console.render.redirect(request, session)
            await response(scope, receive, send)
            return
        asked = request.query_params.get("encoding", "")
        lang = self.console.render.translator(request).lang
        params = {**self.console.export_params(session), "lang": lang, "encoding": asked if asked in ENCODINGS else ""}
        await Gateway(request).forward(scope, receive, send, EXPORT_PATH, params, session.token, session.operator)
