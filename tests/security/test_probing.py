"""Probing for natural persons is throttled, then suspended for review (#16, item 1).

Per client, look-ups of natural persons that are refused or find no one count; past `probe_limit` within
`probe_window_seconds` the client's look-ups of natural persons get RATE_LIMITED (the same answer for a
person on record and one who is not), past `probe_suspend_after` the client is suspended: its status in the
hub's database, so its live token is refused at once, the officer sees why in `client list` and enables it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from stdnum.cn import ric
from typer.testing import CliRunner

from hub.cli.client import register
from tests.security.conftest import new_client, post, token_for
from tests.support.server import HubFixture

LIMIT, SUSPEND_AFTER = 5, 12
SUBJECT = "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name } }"
BULK = "query($c: [ID!]!) { subjects(codes: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name } }"
SCOPES = ("subject:read", "subject:bulk", "check:read")


@pytest.fixture(scope="module")
def hub_settings() -> dict[str, Any]:
    """Answers small probing limits, so a test reaches them in a few requests."""
    return {"probe_limit": LIMIT, "probe_window_seconds": 600, "probe_suspend_after": SUSPEND_AFTER}


def _absent(person: str, n: int) -> str:
    """Answers the n-th valid resident ID beside `person` that no source holds (sequence 900 onwards)."""
    body = person[:14] + f"{900 + n:03d}"
    return body + ric.calc_check_digit(body + "0")  # it reads the first 17 of 18 characters


def _ask(hub: HubFixture, token: str, query: str, code: object) -> dict[str, Any]:
    response = post(hub, token, {"query": query, "variables": {"c": code}}, headers={"X-Hub-Operator": "clerk-7"})
    assert response.status_code in (200, 401)
    return response.json()  # type: ignore[no-any-return]


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def _cli(hub: HubFixture, *args: str) -> str:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Credit Hub."""

    register(app)
    result = CliRunner().invoke(app, ["client", *args, "--database-url", hub.settings.database_url])
    assert result.exit_code == 0, result.output
    return result.output


def test_found_persons_do_not_count(hub: HubFixture) -> None:
    token = token_for(hub, new_client(hub, "approval-bureau", SCOPES)).json()["access_token"]
    for _ in range(LIMIT * 2):
        assert _codes(_ask(hub, token, SUBJECT, hub.samples["person"])) == []


def test_past_the_limit_a_client_gets_rate_limited_whoever_it_asks_about(hub: HubFixture) -> None:
    person = hub.samples["person"]
    token = token_for(hub, new_client(hub, "approval-bureau", SCOPES)).json()["access_token"]
    for n in range(LIMIT):
        assert _codes(_ask(hub, token, SUBJECT, _absent(person, n))) == ["NOT_FOUND"]
    on_record = _ask(hub, token, SUBJECT, person)
    not_on_record = _ask(hub, token, SUBJECT, _absent(person, 99))
    assert _codes(on_record) == ["RATE_LIMITED"]
    assert on_record["data"] == not_on_record["data"] == {"subject": None}
    assert on_record["errors"][0]["message"] == not_on_record["errors"][0]["message"]
    enterprise = _ask(hub, token, SUBJECT, hub.samples["enterprise"])
    assert enterprise["data"]["subject"]["code"] == hub.samples["enterprise"], "enterprises are not throttled"


def test_past_the_threshold_the_client_is_suspended_until_the_officer_enables_it(hub: HubFixture) -> None:
    person = hub.samples["person"]
    client = new_client(hub, "approval-bureau", SCOPES)
    token = token_for(hub, client).json()["access_token"]
    absent = [_absent(person, 20 + n) for n in range(SUSPEND_AFTER)]
    body = _ask(hub, token, BULK, absent)
    assert _codes(body) == ["NOT_FOUND"] * SUSPEND_AFTER, body
    refused = post(hub, token, {"query": "{ me { clientId } }"})
    assert refused.status_code == 401, "the live token of a suspended client is refused at once"
    assert token_for(hub, client).status_code == 401
    listed = {c["client_id"]: c for c in json.loads(_cli(hub, "list", "--json"))["clients"]}
    assert listed[client["client_id"]]["status"] == "suspended"
    assert "look-ups of natural persons refused or not found" in listed[client["client_id"]]["status_reason"]
    _cli(hub, "enable", client["client_id"])
    assert post(hub, token, {"query": "{ me { clientId } }"}).status_code == 200


def test_reporting_executions_on_absent_persons_is_throttled_too(hub: HubFixture) -> None:
    person = hub.samples["person"]
    report = 'mutation($c: ID!) { reportMeasureExecution(input: {code: $c, matter: "GOVERNMENT_PROCUREMENT",'
    report += ' outcomes: [{measure: "GP-01", executed: true}]}) { id } }'
    token = token_for(hub, new_client(hub, "approval-bureau", (*SCOPES, "measure:feedback"))).json()["access_token"]
    for n in range(LIMIT):
        assert _codes(_ask(hub, token, report, _absent(person, 40 + n))) == ["BAD_USER_INPUT"]
    assert _codes(_ask(hub, token, report, _absent(person, 60))) == ["RATE_LIMITED"]
    assert _codes(_ask(hub, token, SUBJECT, person)) == ["RATE_LIMITED"], "one count per client, whatever the path"
