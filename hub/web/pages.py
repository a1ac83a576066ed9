"""The people's pages: `/portal` for citizens and enterprises, `/console` for privacy officers, and their assets."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from hub.services import Services
from hub.web.console import Console
from hub.web.portal import Portal
from hub.web.render import STATIC, templates
from hub.web.sessions import Revocations
from hub.web.timeliness import timeliness_routes


def page_routes(services: Services, revocations: Revocations | None = None) -> list[BaseRoute]:
    """Answers the routes of the portal, the console and `/static` (everything served by the hub itself)."""
    jinja = templates()
    settings, policies = services.settings, services.policies
    titles = {key: policy.title for key, policy in policies.departments.items() if policy.title}
    console = Console(settings, jinja, revocations, titles)
    return [
        *Portal(settings, jinja, revocations, services.catalog).routes(),
        *console.routes(),
        *timeliness_routes(console),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
