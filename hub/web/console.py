"""`/console`: the privacy officer's page — query register, anomalies, integrity and charts, CSV export."""

from __future__ import annotations

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
from hub.web.console_view import (
    CHART_DAYS,
    anomaly_rows,
    charts,
    clean_filters,
    client_names,
    event_rows,
    filter_choices,
    graphql_filter,
    measure_case_rows,
)
from hub.web.forms import checked_form, posted_form, text
from hub.web.gateway import Answer, Gateway
from hub.web.i18n import Translator
from hub.web.portal_view import local_today, when
from hub.web.render import Renderer
from hub.web.sessions import Revocations, Session, SessionCookies, csrf_ok, signed_session

COOKIE = "__Host-hub-console"
PAGE_SIZE = 25
ACTIVITY_PAGE = 500
ACTIVITY_PAGES = 4
EXPORT_PATH = "/audit/export.csv"
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

    def routes(self) -> list[Route]:
        """Answers the console's routes."""
        return [
            Route("/console", self.show, methods=["GET"]),
            Route("/console/login", self.login, methods=["POST"]),
            Route("/console/logout", self.logout, methods=["POST"]),
            Route("/console/filter", self.filter, methods=["POST"]),
            Route("/console/anomalies/{anomaly_id}", self.anomaly, methods=["GET"]),
            Route("/console/export.csv", _Export(self), methods=["GET"]),
        ]

    def _sign_in_page(self, request: Request, session: Session, status: int = 200) -> Response:
        return self.render.page(request, session, "console_login.html", "console_signin_title", status)

    def _expired(self, request: Request) -> Response:
        fresh = Session()
        fresh.flash(self.render.translator(request)("session_expired"), "error")
        return self.render.redirect(request, fresh)

    async def show(self, request: Request) -> Response:
        """Answers the sign-in page, or the register with its anomalies, integrity and charts."""
        session = await self.cookies.load(request)
        if not session.signed_in or session.token is None:
            return self._sign_in_page(request, session)
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
        activity = await self._activity(gateway, token, operator, recent, page.part("activity"))
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
            charts=charts(activity, t, local_today()) if activity is not None else None,
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
    ) -> list[dict[str, Any]] | None:
        """Answers the register's recent events for the charts and filter choices: the page's first page of them,
        and a few further pages at most when there are more."""
        nodes: list[dict[str, Any]] = []
        connection = first
        for index in range(ACTIVITY_PAGES):
            if connection is None:
                return None
            nodes.extend(edge["node"] for edge in connection.get("edges") or [])
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage") or index == ACTIVITY_PAGES - 1:
                break
            variables = {"filter": recent, "first": ACTIVITY_PAGE, "after": info.get("endCursor")}
            answer = await gateway.graphql(token, ops.AUDIT_ACTIVITY, variables, operator=operator)
            connection = answer.part("auditEvents")
        return nodes

    async def login(self, request: Request) -> Response:
        """Exchanges a client's id and secret at the token endpoint; only a client with audit:read signs in."""
        session = await self.cookies.load(request)
        t = self.render.translator(request)
        form = await checked_form(request, session)
        if form is None:
            return self._refused(request, session)
        gateway = Gateway(request)
        issued = await gateway.client_token(text(form, "client_id", 64), text(form, "client_secret", 200))
        operator = text(form, "operator", 120) or None
        if issued.token is None:
            session.flash(t("signin_failed") + t.error(issued.code, issued.error), "error")
            return self._sign_in_page(request, session, 400)
        me = await gateway.graphql(issued.token, ops.ME, operator=operator)
        scopes = ((me.part("me") or {}).get("scopes")) or []
        if HubScope.AUDIT_READ not in scopes:
            session.flash(t("signin_failed") + t("console_needs_audit"), "error")
            return self._sign_in_page(request, session, 403)
        signed = signed_session(issued.token, issued.expires_in, operator)
        signed.filters = session.filters  # a filter sent as the last session ended applies now
        return self.render.redirect(request, signed, "#register" if signed.filters else "")

    async def logout(self, request: Request) -> Response:
        """Signs out: forgets the token, the operator and the filters."""
        session = await self.cookies.load(request)
        if await checked_form(request, session) is None:
            return self._refused(request, session)
        await self.cookies.end(session)
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
            return self._sign_in_page(request, fresh)
        session.filters = filters
        return self.render.redirect(request, session, "#register")

    async def anomaly(self, request: Request) -> Response:
        """Answers one anomaly with its events, read from the register for the anomaly's window."""
        session = await self.cookies.load(request)
        if not session.signed_in or session.token is None:
            return self._sign_in_page(request, session)
        t, gateway = self.render.translator(request), Gateway(request)
        token, operator = session.token, session.operator
        found = (await gateway.graphql(token, ops.AUDIT_ANOMALIES, operator=operator)).part("auditAnomalies")
        wanted = request.path_params["anomaly_id"]
        match = next((a for a in anomaly_rows(found or [], t) if a["id"] == wanted), None)
        if match is None:
            return self.render.page(request, session, "anomaly.html", "console_anomaly", 404, anomaly=None)
        events = await self._anomaly_events(gateway, token, operator, match)
        connection = events.part("auditEvents")
        seen = [edge.get("node") or {} for edge in (connection or {}).get("edges") or []]
        raw = [a for a in found or [] if a.get("id") == wanted]
        match = anomaly_rows(raw, t, client_names(seen))[0]
        return self.render.page(
            request, session, "anomaly.html", "console_anomaly", anomaly=match,
            events=event_rows(connection, t, match["event_ids"]) if connection is not None else None,
            unavailable={"events": _why(events, t)},
        )  # fmt: skip

    async def _anomaly_events(
        self, gateway: Gateway, token: str, operator: str | None, anomaly: dict[str, Any]
    ) -> Answer:
        end = datetime.fromisoformat(str(anomaly["window_end"]).replace("Z", "+00:00")) + timedelta(milliseconds=1)
        where: dict[str, str] = {"since": str(anomaly["window_start"]), "until": end.isoformat()}
        kind, _, value = str(anomaly.get("scope") or "").partition(":")
        if kind == "client":
            where["clientId"] = value
        elif kind == "department":
            where["department"] = value
        variables = {"filter": where, "first": ACTIVITY_PAGE, "after": None}
        return await gateway.graphql(token, ops.AUDIT_EVENTS, variables, operator=operator)

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
