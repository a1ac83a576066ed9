"""The console's sign-in through the organisation's OpenID Connect provider: officers sign in as themselves.

The portal's machinery (authorization code with PKCE, state and nonce in a sealed `SameSite=Lax` cookie of its own)
brings back the provider's ID token; the hub's `POST /oauth/officer` verifies it, maps the person's group to a
department and answers a token naming them, or refuses (and registers) a person who is no officer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.config import OidcSettings
from hub.web.gateway import Gateway
from hub.web.portal_oidc import OidcError, OidcSignIn
from hub.web.render import page_url
from hub.web.sessions import Session

if TYPE_CHECKING:
    from hub.web.console import Console

FLOW_COOKIE = "__Host-hub-console-oidc"
FILTER_PREFIX = "filter."
REFUSALS = {"not_officer", "several_departments", "no_client", "rate_limited"}  # else: the token itself was refused


class ConsoleSignIn:
    """Starts and completes an officer's sign-in at the provider, for the console."""

    def __init__(self, console: Console, config: OidcSettings, secret: str | None) -> None:
        self.console = console
        self.flow = OidcSignIn(config, secret, cookie=FLOW_COOKIE)

    def routes(self) -> list[Route]:
        """Answers the sign-in's routes: the start (a link: a form may only post to the hub) and the callback."""
        return [
            Route("/console/oidc/start", self.start, methods=["GET"]),
            Route("/console/oidc/callback", self.callback, methods=["GET"]),
        ]

    def keep(self, response: Response, session: Session, resume: str, note: str) -> None:
        """Answers nothing; remembers on the sign-in page's response where to return: the anomaly whose review the
        session's end interrupted, its note, and the register's filters (the session cookie does not come back)."""
        carried = [("note", note)] if resume else []
        carried += [(FILTER_PREFIX + key, value) for key, value in session.filters.items()]
        self.flow.keep(response, resume or None, carried)

    def _callback_url(self, request: Request) -> str:
        return self.flow.config.console_redirect_url or page_url(request, "/console/oidc/callback")

    async def start(self, request: Request) -> Response:
        """Sends the officer to the identity provider to sign in."""
        session = await self.console.cookies.load(request)
        location, flow = self.flow.start(request, self._callback_url(request))
        response = self.console.render.finish(request, RedirectResponse(location, status_code=303), session)
        self.flow.save(response, flow)
        return response

    async def callback(self, request: Request) -> Response:
        """Completes the sign-in the provider answered: the officer is in, back where they were, or refused."""
        session = await self.console.cookies.load(request)
        t = self.console.render.translator(request)
        flow = self.flow.pending(request)
        if flow is None:
            session.flash(t("oidc_state"), "error")
            return await self.console.sign_in_page(request, session, 400)
        resume = flow.resume or ""
        note = next((value for name, value in flow.carried if name == "note"), "")
        session.filters = {name[len(FILTER_PREFIX) :]: value for name, value in flow.carried
                           if name.startswith(FILTER_PREFIX)}  # fmt: skip
        try:
            signed_in = await self.flow.complete(request, flow, self._callback_url(request))
        except OidcError as failure:
            session.flash(t(failure.reason), "error")
            return await self.console.sign_in_page(request, session, 400, resume, note)
        issued = await Gateway(request).officer_token(signed_in.token)
        if issued.token is None:  # the sign-in page keeps where to return for the next attempt
            reason = issued.error if issued.error in REFUSALS else "token"
            session.flash(t(f"console_officer_{reason}"), "error")
            return await self.console.sign_in_page(request, session, 403, resume, note)
        response = await self.console.enter(request, session, issued, None, resume, note, cross_site=True)
        self.flow.forget(response)
        return response
