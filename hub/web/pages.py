"""The people's pages: `/portal` for citizens and enterprises, `/console` for privacy officers, and their assets."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from hub.config import Settings
from hub.web.console import Console
from hub.web.portal import Portal
from hub.web.render import STATIC, templates


def page_routes(settings: Settings) -> list[BaseRoute]:
    """Answers the routes of the portal, the console and `/static` (everything served by the hub itself)."""
    jinja = templates()

    return [
        *Portal(settings, jinja).routes(),
        *Console(settings, jinja).routes(),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
