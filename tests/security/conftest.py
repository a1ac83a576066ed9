"""Shared fixtures for the attack tests: a hub of the module's own, served over real HTTP with the demo clients.

`hub` here shadows the session-wide hub of tests/conftest.py: each security module gets a fresh hub (seeded
sources, migrated database, demo clients), so a module that suspends a client or floods the register does not
change what another module sees. Extra settings: `@pytest.mark.parametrize("hub_settings", [{...}], indirect=True)`
or override the `hub_settings` fixture in the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.graphql.audit_hub import (
    PRIVACY,
    all_events,
    backends,
    codes,
    event_id,
    register_client,
    run_apart,
    running_hub,
)
from tests.support.server import HubFixture

__all__ = ["PRIVACY", "all_events", "codes", "event_id"]


@pytest.fixture(scope="module")
def hub_settings() -> dict[str, Any]:
    """Answers extra settings for the module's hub (none by default; override in a module to change them)."""
    return {}


@pytest.fixture(scope="module", params=backends())
def hub(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, hub_settings: dict[str, Any]
) -> Iterator[HubFixture]:
    """Answers a running hub of this module's own over freshly seeded sources, on each configured backend."""
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
    with running_hub(request.param, tmp_path_factory.mktemp("security-hub"), **hub_settings) as running:
        yield running


def post(
    hub: HubFixture, token: str | None, body: Any, *, headers: dict[str, str] | None = None, **options: Any
) -> httpx.Response:
    """Answers the HTTP response to a POST /graphql of `body` (any JSON value) with a bearer token, if given."""
    sent = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
    return httpx.post(f"{hub.base_url}/graphql", json=body, headers=sent, timeout=30, **options)


def new_client(hub: HubFixture, department: str, scopes: tuple[str, ...], org: str | None = None) -> dict[str, str]:
    """Answers the credentials of a client registered straight in the hub's database (bypassing `client create`)."""
    organisation = org or hub.clients[department]["org"]
    return dict(
        run_apart(register_client(hub.settings.database_url, f"test {department}", organisation, department, scopes))
    )


def token_for(hub: HubFixture, client: dict[str, str], scope: str | None = None) -> httpx.Response:
    """Answers the token endpoint's response to a client credentials grant for `client` (optionally narrowed)."""
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    return httpx.post(
        f"{hub.base_url}/oauth/token", data=data, auth=(client["client_id"], client["client_secret"]), timeout=30
    )
