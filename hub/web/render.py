"""Rendering pages: Jinja2 templates, the language, the session cookie and the security headers of every page."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from hub.web.i18n import LANG_COOKIE, Translator, choose_lang
from hub.web.sessions import Session, SessionCookies

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
LANG_SECONDS = 365 * 24 * 3600

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def templates() -> Jinja2Templates:
    """Answers the pages' template environment (autoescaping on, as for every .html template)."""
    return Jinja2Templates(directory=str(TEMPLATES))


class Renderer:
    """Renders one page family's templates with its session cookie."""

    def __init__(
        self,
        jinja: Jinja2Templates,
        cookies: SessionCookies,
        base: str,
        area_key: str,
        departments: Mapping[str, str] | None = None,
    ) -> None:
        self.jinja, self.cookies, self.base, self.area_key = jinja, cookies, base, area_key
        self.departments = dict(departments or {})

    def translator(self, request: Request) -> Translator:
        """Answers the request's translator (department keys named by their policies' titles)."""
        return Translator(choose_lang(request)[0], self.departments)

    def page(
        self, request: Request, session: Session, template: str, title_key: str, status: int = 200, **values: Any
    ) -> Response:
        """Answers a rendered page; the session (with its notice consumed) is saved in the same response."""
        t = self.translator(request)
        notice, notice_kind, notice_at = session.take_notice()
        context = {
            "t": t,
            "title": t(title_key),
            "area": t(self.area_key),
            "root": request.scope.get("root_path", ""),
            "base": self.base,
            "csrf": session.csrf,
            "signed_in": session.signed_in,
            "notice": notice,
            "notice_kind": notice_kind,
            "notice_at": notice_at,
            "kept": {},
            **values,
        }
        response = self.jinja.TemplateResponse(request, template, context, status_code=status)
        assert isinstance(response, HTMLResponse)
        return self.finish(request, response, session)

    def redirect(self, request: Request, session: Session, to: str = "") -> Response:
        """Answers a 303 redirect to a page of this family (after a POST), saving the session."""
        location = f"{request.scope.get('root_path', '')}{self.base}{to}"
        return self.finish(request, RedirectResponse(location, status_code=303), session)

    def finish(self, request: Request, response: Response, session: Session | None) -> Response:
        """Answers `response` with the security headers, the session cookie and a remembered language."""
        response.headers.update(SECURITY_HEADERS)
        if session is None:
            self.cookies.clear(response)
        else:
            self.cookies.save(response, session)
        lang, remember = choose_lang(request)
        if remember:
            response.set_cookie(LANG_COOKIE, lang, max_age=LANG_SECONDS, path="/", secure=True, samesite="strict")
        return response


def page_url(request: Request, path: str) -> str:
    """Answers the absolute address of a page of this hub as the browser reached it (path prefix included)."""
    return f"{request.url.scheme}://{request.url.netloc}{request.scope.get('root_path', '')}{path}"
