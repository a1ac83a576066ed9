"""`/portal`: a citizen's or enterprise's own page — record, who queried it, consents, objections, repairs."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.types import Receive, Scope, Send

from hub.catalog.model import Catalog
from hub.config import Settings
from hub.errors import HubError
from hub.identity.codes import SubjectKind, parse_subject_code
from hub.identity.tokens import stated_claims
from hub.web import operations as ops
from hub.web.access_log_view import CHART_ENTRIES, log_filter, looker_options, lookers, monthly_chart, year_ago
from hub.web.forms import checked_form, posted_form, text, texts
from hub.web.gateway import Answer, Gateway
from hub.web.i18n import Translator
from hub.web.portal_oidc import OidcError, OidcSignIn
from hub.web.portal_view import (
    access_view,
    consent_form,
    consents_view,
    expiry_instant,
    local_today,
    record_items,
    record_view,
    repair_items,
)
from hub.web.render import Renderer, page_url
from hub.web.rights_view import rights_view
from hub.web.sessions import Revocations, Session, SessionCookies, csrf_ok, signed_session

COOKIE = "__Host-hub-portal"
ACCESS_LOG_ENTRIES = 20
Action = Callable[[Request, Session, FormData, Gateway, Translator], Awaitable[Answer]]


def is_person(code: str) -> bool:
    """Answers whether a sign-in code is a natural person's resident ID (and not an organisation's USCC)."""
    try:
        return parse_subject_code(code).kind is SubjectKind.NATURAL_PERSON
    except HubError:
        return False


def answer_message(answer: Answer, t: Translator) -> str | None:
    """Answers the first error of a mutation's answer as a notice, or None when it succeeded."""
    if not answer.errors:
        return None
    return t("failed") + t.error(answer.codes[0], answer.errors[0].get("message"))


class Portal:
    """The portal's pages and form handlers over one sealed session cookie."""

    def __init__(
        self, settings: Settings, jinja: Jinja2Templates, revocations: Revocations | None, catalog: Catalog
    ) -> None:
        self.cookies = SessionCookies(settings.session_secret or None, COOKIE, revocations)
        self.render = Renderer(jinja, self.cookies, "/portal", "area_portal")
        self.dev_login = settings.dev_login
        self.catalog = catalog
        self.oidc_issuer = settings.oidc.issuer if settings.oidc else None
        self.oidc = (OidcSignIn(settings.oidc, settings.session_secret or None)
                     if settings.oidc is not None and settings.oidc.portal_sign_in else None)  # fmt: skip

    def routes(self) -> list[Route]:
        """Answers the portal's routes."""
        return [
            Route("/portal", self.show, methods=["GET"]),
            Route("/portal/login", self.login, methods=["POST"]),
            Route("/portal/logout", self.logout, methods=["POST"]),
            Route("/portal/log", self.log_filter, methods=["POST"]),
            Route("/portal/oidc/start", self.oidc_start, methods=["GET"]),
            Route("/portal/oidc/callback", self.oidc_callback, methods=["GET"]),
            Route("/portal/consents", self._post(self._grant), methods=["POST"]),
            Route("/portal/consents/revoke", self._post(self._revoke), methods=["POST"]),
            Route("/portal/objections", self._post(self._object), methods=["POST"]),
            Route("/portal/repairs", self._post(self._repair), methods=["POST"]),
            Route("/portal/report.pdf", _OwnReport(self), methods=["GET"]),
        ]

    def _sign_in_page(
        self,
        request: Request,
        session: Session,
        status: int = 200,
        resume: str | None = None,
        carried: list[tuple[str, str]] | None = None,
    ) -> Response:
        response = self.render.page(
            request, session, "portal_login.html", "portal_signin_title", status,
            dev_login=self.dev_login, oidc_issuer=self.oidc_issuer, oidc_sign_in=self.oidc is not None,
            resume=resume, carried=carried or [],
        )  # fmt: skip
        if self.oidc is not None and not self.dev_login:  # the provider's round trip carries what was typed
            self.oidc.keep(response, resume, carried or [])
        return response

    def _callback_url(self, request: Request) -> str:
        assert self.oidc is not None
        return self.oidc.config.redirect_url or page_url(request, "/portal/oidc/callback")

    async def oidc_start(self, request: Request) -> Response:
        """Sends the person to the identity provider to sign in (404 when the portal has no provider client)."""
        session = await self.cookies.load(request)
        if self.oidc is None:
            t = self.render.translator(request)
            session.flash(t("portal_no_provider"), "error")
            return self._sign_in_page(request, session, 404)
        location, flow = self.oidc.start(request, self._callback_url(request))
        response = self.render.finish(request, RedirectResponse(location, status_code=303), session)
        self.oidc.save(response, flow)
        return response

    async def oidc_callback(self, request: Request) -> Response:
        """Completes the sign-in the provider answered, back at the form the person was at, input kept."""
        session = await self.cookies.load(request)
        t = self.render.translator(request)
        flow = self.oidc.pending(request) if self.oidc is not None else None
        if self.oidc is None or flow is None:
            session.flash(t("oidc_state"), "error")
            return self._sign_in_page(request, session, 400)
        try:
            signed_in = await self.oidc.complete(request, flow, self._callback_url(request))
        except OidcError as failure:
            session.flash(t(failure.reason), "error")
            resume = flow.resume if flow.resume in FORMS else None
            return self._sign_in_page(request, session, 400, resume, flow.carried)
        signed = signed_session(signed_in.token, signed_in.expires_in, person=is_person(signed_in.subject))
        signed.provider = True
        if flow.resume in FORMS:  # the page itself, so the Strict session cookie needs no same-site redirect
            signed.flash(t("portal_resumed") + (t("portal_kept_cut") if flow.cut else ""), "info", flow.resume)
            kept: dict[str, Any] = {}
            for name, value in flow.carried:
                if name == "record_types":
                    kept.setdefault(name, []).append(value)
                else:
                    kept[name] = value
            response = await self._page(request, signed, 200, kept)
        else:  # a page of ours moves on to /portal: that navigation is same-site, so the session cookie goes
            response = self.render.page(request, signed, "portal_continue.html", "portal_title")
        self.oidc.forget(response)
        return response

    async def show(self, request: Request) -> Response:
        """Answers the sign-in page, or the signed-in subject's own page."""
        session = await self.cookies.load(request)
        if not session.signed_in or session.token is None:
            return self._sign_in_page(request, session)
        return await self._page(request, session)

    async def _page(
        self, request: Request, session: Session, status: int = 200, kept: dict[str, Any] | None = None
    ) -> Response:
        """Answers the subject's own page (`kept`: what they typed in the form that failed, shown again)."""
        assert session.token is not None
        t = self.render.translator(request)
        gateway, token = Gateway(request), session.token
        # One page view, one operation: one request reads every part, and the register holds one event for it.
        narrow = log_filter({**session.filters, "after": request.query_params.get("after", "")}, t)
        today = local_today()
        variables = {"person": session.person, "first": ACCESS_LOG_ENTRIES, "yearAgo": year_ago(today),
                     "chartFirst": CHART_ENTRIES, **narrow.variables()}  # fmt: skip
        page = await gateway.graphql(token, ops.PORTAL_PAGE, variables)
        record = access = consents = page
        rights = [page, page]
        if page.status == 401:
            fresh = Session()
            fresh.flash(t("session_expired"), "error")
            return self.render.redirect(request, fresh)
        subject = record.part("myRecord")
        view = record_view(subject, t) if subject else None
        log, granted = access.part("myAccessLog"), consents.part("myConsents")
        items = record_items(subject, t) if subject else []
        own = subject.get("code") if subject else None
        seen = lookers(page.part("lookers"), own)
        following = ((log or {}).get("pageInfo") or {}).get("endCursor") if log else None
        more = bool(((log or {}).get("pageInfo") or {}).get("hasNextPage"))
        grantees = [(g["code"], g["name"]) for g in page.part("consentGrantees") or []]
        return self.render.page(
            request, session, "portal.html", "portal_title", status,
            kept=kept or {},
            record=view,
            access=access_view(log, t, own=own) if log is not None else None,
            log_filter=narrow,
            log_orgs=looker_options(seen, narrow.organisation),
            log_next=narrow.link(following) if more and following else None,
            log_first=narrow.link() if narrow.after else None,
            log_clear="#access" if narrow.active else None,
            chart=monthly_chart(seen, today, t),
            consents=consents_view(granted, t) if granted is not None else None,
            can_consent=bool(view and view["kind"] == "NATURAL_PERSON"),
            known_orgs=grantees,
            items=items,
            repair_items=repair_items(subject, items, self.catalog, today) if subject else [],
            unavailable={
                "record": _why(record, "myRecord", t),
                "access": _why(access, "myAccessLog", t),
                "consents": _why(consents, "myConsents", t),
            },
            **consent_form(t, today),
            **rights_view(rights, t, dict(items)),
        )  # fmt: skip

    async def login(self, request: Request) -> Response:
        """Signs in through the development identity provider (`POST /dev/login`) when it is enabled."""
        session = await self.cookies.load(request)
        t = self.render.translator(request)
        form = await checked_form(request, session)
        if form is None:
            return self._refused(request, session)
        if not self.dev_login:
            session.flash(t("portal_no_provider"), "error")
            return self._sign_in_page(request, session, 404)
        code = text(form, "code", 40).upper()
        issued = await Gateway(request).dev_login(code)
        resume = text(form, "resume", 20)
        carried = {key[5:]: form.getlist(key) if key == "keep.record_types" else text(form, key, 2000)
                   for key in form if key.startswith("keep.")}  # fmt: skip
        if issued.token is None:
            session.flash(t("signin_failed") + t.error(issued.code, issued.error), "error")
            pairs = [(key[5:], str(value)) for key in form if key.startswith("keep.") for value in form.getlist(key)]
            return self._sign_in_page(request, session, 400, resume if resume in FORMS else None, pairs)
        signed = signed_session(issued.token, issued.expires_in, person=is_person(code))
        signed.filters = session.filters  # an access log filter sent as the last session ended applies now
        if resume in FORMS:  # back where they were, with what they typed, to submit again
            signed.flash(t("portal_resumed"), "info", resume)
            return await self._page(request, signed, 200, carried)
        return self.render.redirect(request, signed)

    async def logout(self, request: Request) -> Response:
        """Signs out: forgets the token and starts a fresh anonymous session; a person who signed in at the provider
        is signed out there too (where its end-session endpoint is configured)."""
        session = await self.cookies.load(request)
        if await checked_form(request, session) is None:
            return self._refused(request, session)
        await self.cookies.end(session)
        back = page_url(request, self.render.base)
        ending = self.oidc.end_session(back) if self.oidc and session.provider else None
        if ending is not None:
            # a page of ours moves on: the form's CSP (form-action 'self') does not let its redirect leave the hub
            return self.render.page(request, Session(), "signed_out.html", "signed_out_title", ending=ending)
        return self.render.redirect(request, Session())

    async def log_filter(self, request: Request) -> Response:
        """Keeps the access log's filter in the session (an organisation's code never goes into a URL)."""
        session = await self.cookies.load(request)
        form = await posted_form(request)
        lapsed = self.cookies.lapsed(request) if not session.signed_in else None
        ended = form is not None and lapsed is not None and csrf_ok(lapsed, form.get("csrf"))
        if form is None or not (ended or csrf_ok(session, form.get("csrf"))):
            return self._refused(request, session)
        t = self.render.translator(request)
        chosen = log_filter({key: text(form, key, 20) for key in ("from", "to", "org")}, t)
        filters = {} if text(form, "action", 10) == "clear" else chosen.kept()
        if chosen.problems and text(form, "action", 10) != "clear":
            session.flash(" ".join(chosen.problems), "error", "log")  # next to the filter; the rest applies
        if not session.signed_in:  # the session ended: the filter applies once they sign in again
            fresh = Session(filters=filters)
            fresh.flash(t("portal_session_ended_filter"), "error")
            return self._sign_in_page(request, fresh)
        session.filters = filters
        return self.render.redirect(request, session, "#notice" if session.notice else "#access")

    def _resume(self, request: Request, session: Session, where: str, typed: dict[str, Any]) -> Response:
        """Answers the sign-in page after a session ended mid-form, carrying what was typed through sign-in."""
        t = self.render.translator(request)
        session.flash(t("session_ended_kept"), "error")
        carried = [(key, value) for key, values in typed.items()
                   for value in (values if isinstance(values, list) else [values])]  # fmt: skip
        return self._sign_in_page(request, session, resume=where, carried=carried)

    def _refused(self, request: Request, session: Session) -> Response:
        t = self.render.translator(request)
        return self.render.page(
            request, session, "error.html", "portal_title", 403, heading="403", message=t("csrf_failed")
        )

    def _post(self, action: Action) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            """Checks the form and the session, runs the action, and goes back to the page."""
            session = await self.cookies.load(request)
            form = await posted_form(request)
            where = _anchor(action)
            if form is not None and not session.signed_in:  # the session ended: sign in again, nothing lost
                lapsed = self.cookies.lapsed(request)
                if lapsed is not None and csrf_ok(lapsed, form.get("csrf")):
                    return self._resume(request, session, where, _typed(form))
            if form is None or not csrf_ok(session, form.get("csrf")):
                return self._refused(request, session)
            t = self.render.translator(request)
            if not session.signed_in:
                fresh = Session()
                fresh.flash(t("session_expired"), "error")
                return self.render.redirect(request, fresh)
            answer = await action(request, session, form, Gateway(request), t)
            problem = answer_message(answer, t)
            if problem:  # the page again, the notice next to the form, what they typed kept
                session.flash(problem, "error", where)
                return await self._page(request, session, 400, _typed(form))
            session.notice_at = where
            return self.render.redirect(request, session, "#notice")

        return endpoint

    async def _grant(self, _r: Request, session: Session, form: FormData, gateway: Gateway, t: Translator) -> Answer:
        expires = expiry_instant(text(form, "expires", 10)) or text(form, "expires", 40)
        grantee = await _grantee(text(form, "grantee", 200), gateway, str(session.token))
        if isinstance(grantee, Answer):
            return grantee
        variables = {
            "input": {
                "grantee": grantee,
                "purpose": text(form, "purpose", 40),
                "recordTypes": texts(form, "record_types", 40),
                "expiresAt": expires,
            }
        }
        answer = await gateway.graphql(str(session.token), ops.GRANT_CONSENT, variables)
        if not answer.errors:
            session.flash(t("portal_granted"))
        return answer

    async def _revoke(self, _r: Request, session: Session, form: FormData, gateway: Gateway, t: Translator) -> Answer:
        answer = await gateway.graphql(str(session.token), ops.REVOKE_CONSENT, {"id": text(form, "id", 80)})
        if not answer.errors:
            session.flash(t("portal_revoked"))
        return answer

    async def _object(self, _r: Request, session: Session, form: FormData, gateway: Gateway, t: Translator) -> Answer:
        variables = {"input": {"itemId": text(form, "item", 200), "reason": text(form, "reason", 2000)}}
        answer = await gateway.graphql(str(session.token), ops.FILE_OBJECTION, variables)
        if not answer.errors:
            session.flash(t("portal_filed"))
        return answer

    async def _repair(self, _r: Request, session: Session, form: FormData, gateway: Gateway, t: Translator) -> Answer:
        evidence = [{"kind": text(form, "evidence_kind", 40), "description": text(form, "evidence", 2000)}]
        variables = {"input": {"itemId": text(form, "item", 200), "evidence": evidence}}
        answer = await gateway.graphql(str(session.token), ops.APPLY_REPAIR, variables)
        if not answer.errors:
            session.flash(t("portal_applied"))
        return answer


FORMS = ("grant", "consents", "objection", "repair")
_USCC_IN = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


async def _grantee(typed: str, gateway: Gateway, token: str) -> str | Answer:
    """Answers the USCC the person chose: the code in what they typed (a list entry reads `name（code）`), what
    they typed when it is a code attempt (the API names what is wrong with it), else the one registered
    organisation whose name holds it; an Answer with the error when none or several do."""
    wanted = typed.strip()
    found = _USCC_IN.search(wanted.upper())
    if found:
        return found.group(0)
    if not wanted or (wanted.isascii() and wanted.replace(" ", "").isalnum()):
        return wanted.upper()
    answer = await gateway.graphql(token, ops.FIND_GRANTEE, {"search": wanted[:100]})
    matches = answer.part("consentGrantees")
    if matches is None:
        return answer
    exact = [m for m in matches if m["name"] == wanted]
    if len(exact) == 1 or len(matches) == 1:
        return str((exact or matches)[0]["code"])
    if matches:
        message = f"{len(matches)} registered organisations match; choose one from the list"
    else:
        message = "no registered organisation matches; choose one from the list or type its code"
    return Answer({}, [{"message": message, "extensions": {"code": "BAD_USER_INPUT", "field": "grantee"}}])


def _typed(form: FormData) -> dict[str, Any]:
    """Answers what a person typed into a form (not its CSRF token), to show it again."""
    return {key: texts(form, key, 2000) if key == "record_types" else text(form, key, 2000)
            for key in form if key != "csrf"}  # fmt: skip


def _anchor(action: Action) -> str:
    """Answers the form an action answers, where its notice shows."""
    name = getattr(action, "__name__", "")
    return {"_grant": "grant", "_revoke": "consents", "_object": "objection"}.get(name, "repair")


def _why(answer: Answer, name: str, t: Translator) -> str:
    for error in answer.errors:
        path = error.get("path") or []
        if not path or path[0] == name:
            return t("unavailable") + t.error((error.get("extensions") or {}).get("code"), error.get("message"))
    return t("unavailable") + (t.error(answer.codes[0]) if answer.codes else f"HTTP {answer.status}")


class _OwnReport:
    """GET /portal/report.pdf: the signed-in subject's own credit report (本人版), from `/reports/{code}.pdf`.

    The code never appears in the browser's URL: it is the subject of the session's own token.
    """

    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        session = await self.portal.cookies.load(request)
        code = token_subject(session.token) if session.signed_in else None
        if code is None:
            await self.portal.render.redirect(request, session)(scope, receive, send)
            return
        path = f"/reports/{code}.pdf"
        await Gateway(request).forward(scope, receive, send, path, {"purpose": "SELF_ACCESS"}, session.token or "")


def token_subject(token: str | None) -> str | None:
    """Answers the subject (`sub`) a session's own token names; the hub verifies the token when it is used."""
    claims = stated_claims(token or "")
    try:
        return parse_subject_code(str(claims["sub"])).value if claims else None
    except (KeyError, HubError):
        return None
