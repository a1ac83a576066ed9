"""The console's alarm on flagged list entries, over real HTTP on both databases: an entry that fails the entry
checks is noted as it is read, and the privacy officer sees it under the department that decided it."""

from __future__ import annotations

from typing import Any

from tests.support.server import HubFixture

LISTINGS = """query($c: ID!) { subject(code: $c, purpose: SUPERVISION) { listings { id status flags { code } } } }"""
ANOMALIES = "{ auditAnomalies { rule scope description } }"


def _alarms(hub: HubFixture) -> list[dict[str, Any]]:
    body = hub.graphql("privacy-office", ANOMALIES).json()
    assert "errors" not in body, body
    return [a for a in body["data"]["auditAnomalies"] if a["rule"] == "list_entry_flagged"]


def test_a_flagged_list_entry_reaches_the_console_under_its_deciding_department(hub: HubFixture) -> None:
    minor = hub.samples["minor"]
    body = hub.graphql("market-regulation", LISTINGS, {"c": minor}).json()
    assert body["data"]["subject"]["listings"][0]["status"] == "FLAGGED"
    found = {alarm["scope"]: alarm["description"] for alarm in _alarms(hub)}
    assert "department:court" in found, found
    assert "MINOR" in found["department:court"]
    assert minor not in str(found), "no subject code in the alarm"
