"""Disabled, deleted and suspended clients (#16, item 5): their live tokens end at once, on every worker.

The commands run against the hub's database as an operator would (`credit-hub client disable|enable|delete`),
while the hub keeps serving; the next request with a token the client already holds is refused.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import typer
from typer.testing import CliRunner

from hub.cli.client import register
from tests.security.conftest import new_client, post, run_apart, token_for
from tests.support.server import HubFixture

ME = {"query": "{ me { clientId department } }"}
runner = CliRunner()


def _cli(hub: HubFixture, *args: str) -> str:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Credit Hub."""

    register(app)
    result = runner.invoke(app, ["client", *args, "--database-url", hub.settings.database_url])
    assert result.exit_code == 0, result.output
    return result.output


def _eventually(check: Callable[[], bool], seconds: float = 2.0) -> bool:
    """Answers whether `check` holds within `seconds` (a notification crosses to the hub's mirror in ms)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _me(hub: HubFixture, token: str) -> httpx.Response:
    return post(hub, token, ME)


def _refused(hub: HubFixture, token: str) -> bool:
    return _me(hub, token).status_code == 401


def test_a_disabled_client_s_live_token_is_refused_at_once_and_works_again_once_enabled(hub: HubFixture) -> None:
    client = new_client(hub, "tax", ("subject:read",))
    token = token_for(hub, client).json()["access_token"]
    assert _me(hub, token).json()["data"]["me"]["clientId"] == client["client_id"]
    assert "disabled" in _cli(hub, "disable", client["client_id"], "--reason", "the contract ended")
    assert _eventually(lambda: _refused(hub, token))
    refused = _me(hub, token)
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert token_for(hub, client).status_code == 401, "a disabled client gets no new token"
    listed = _cli(hub, "list", "--json")
    assert '"status": "disabled"' in listed
    assert "the contract ended" in listed
    _cli(hub, "enable", client["client_id"])
    assert _eventually(lambda: _me(hub, token).status_code == 200)


def test_a_deleted_client_s_live_token_is_refused_at_once(hub: HubFixture) -> None:
    client = new_client(hub, "tax", ("subject:read",))
    token = token_for(hub, client).json()["access_token"]
    assert _me(hub, token).status_code == 200
    _cli(hub, "delete", client["client_id"])
    assert _eventually(lambda: _refused(hub, token))
    assert token_for(hub, client).status_code == 401


def test_a_suspended_client_s_live_token_is_refused(hub: HubFixture) -> None:
    from datetime import UTC, datetime

    from hub.store.clients import ClientStatus, ClientStatuses
    from hub.store.engine import make_engine

    client = new_client(hub, "tax", ("subject:read",))
    token = token_for(hub, client).json()["access_token"]
    assert _me(hub, token).status_code == 200

    async def suspend() -> bool:
        engine = make_engine(hub.settings.database_url)
        try:
            statuses = ClientStatuses(engine)
            return await statuses.change(client["client_id"], ClientStatus.SUSPENDED, "probing", datetime.now(UTC))
        finally:
            await engine.dispose()

    assert run_apart(suspend())
    assert _eventually(lambda: _refused(hub, token))


def test_an_unknown_client_id_is_named_and_nothing_changes(hub: HubFixture) -> None:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Credit Hub."""

    register(app)
    result = runner.invoke(app, ["client", "disable", "ch_nobody", "--database-url", hub.settings.database_url])
    assert result.exit_code == 2
    assert "no client 'ch_nobody' is registered" in result.output
    assert _me(hub, hub.token("tax")).status_code == 200


def test_other_clients_keep_working(hub: HubFixture) -> None:
    token: Any = hub.token("court")
    assert _me(hub, token).status_code == 200
