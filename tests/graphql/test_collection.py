"""Collection in GraphQL over real HTTP: the timeliness report names the years it counted Monday to Friday."""

from __future__ import annotations

from pathlib import Path

from tests.support import server
from tests.support.server import HubFixture

REPORT = """query($s: Date!, $u: Date!) { publicationTimeliness(since: $s, until: $u) {
  unknownCalendarYears rows { department recordType items estimated } } }"""
NOTICE_2027 = """\
year: 2027
notice: a test notice (not the State Council's)
holidays:
  元旦: [2027-01-01]
workdays: []
"""


def _unknown(hub: HubFixture, until: str) -> list[int]:
    response = hub.graphql("privacy-office", REPORT, {"s": "2026-11-01", "u": until})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return list(body["data"]["publicationTimeliness"]["unknownCalendarYears"])


def test_a_span_into_a_year_without_its_notice_names_that_year(hub: HubFixture) -> None:
    assert _unknown(hub, "2026-11-30") == []
    assert _unknown(hub, "2027-01-31") == [2027]


def test_a_hub_with_the_years_calendar_file_knows_it(hub: HubFixture, tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    (folder / "2027.yaml").write_text(NOTICE_2027, encoding="utf-8")
    settings = hub.settings.model_copy(update={"calendar_dir": folder})
    for base_url in server.serve(settings, today=hub.clock):
        loaded = HubFixture(base_url, settings, hub.clients, hub.samples, hub.source_urls, clock=hub.clock)
        assert _unknown(loaded, "2027-01-31") == []
        assert _unknown(loaded, "2028-01-31") == [2028]
    assert _unknown(hub, "2027-01-31") == [2027], "the other hub's calendar left with it"
