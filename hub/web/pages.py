"""The people's pages: `/portal` for citizens and enterprises, `/console` for privacy officers, and their assets."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from hub.config import Settings
from hub.web.console import Console
from hub.web.portal import Portal
from hub.web.render import STATIC, templates
from hub.web.sessions import Revocations


def page_routes(settings: Settings, revocations: Revocations | None = None) -> list[BaseRoute]:
    """Answers the routes of the portal, the console and `/static` (everything served by the hub itself)."""
    jinja = templates()

    return [
        *Portal(settings, jinja, revocations).routes(),
        *Console(settings, jinja, revocations).routes(),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
