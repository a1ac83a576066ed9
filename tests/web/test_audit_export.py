"""GET /audit/export.csv over real HTTP: filters as query parameters, audit:read, a receipt per export."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from hub.audit.export import CSV_COLUMNS
from hub.web.i18n import EXPORT_HEADERS
from tests.support.server import HubFixture

RECORD = "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name } }"


def _export(hub: Any, params: dict[str, str], *, department: str = "privacy-office", operator: str | None = "po-3",
            token: str | None = "") -> httpx.Response:  # fmt: skip
    headers = {"X-Hub-Operator": operator} if operator else {}
    bearer = hub.token(department) if token == "" else token
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    return httpx.get(f"{hub.base_url}/audit/export.csv", params=params, headers=headers, timeout=30)


def _rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    reader = csv.reader(io.StringIO(response.text))
    header = next(reader)
    assert tuple(header) == CSV_COLUMNS
    return [dict(zip(header, line, strict=True)) for line in reader]


def _code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


def test_export_streams_the_filtered_register_as_csv(hub: HubFixture) -> None:
    enterprise = hub.samples["enterprise"]
    receipt = hub.graphql("approval-bureau", RECORD, {"c": enterprise}).json()["extensions"]["audit"]["eventId"]
    today = datetime.now(UTC).date().isoformat()
    response = _export(hub, {"department": "approval-bureau", "since": today, "subject": enterprise})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="audit-')
    assert response.headers["cache-control"] == "no-store"
    rows = _rows(response)
    assert receipt in [row["event_id"] for row in rows]
    assert all(row["department"] == "approval-bureau" for row in rows)
    assert all(enterprise in row["subjects"].split(" | ") for row in rows)
    seqs = [int(row["seq"]) for row in rows]
    assert seqs == sorted(seqs, reverse=True)
    mine = next(row for row in rows if row["event_id"] == receipt)
    assert "registration.name" in mine["fields_clear"].split(";")
    assert (mine["type"], mine["outcome"], mine["operator"]) == ("query", "ok", "clerk-7")


def test_every_export_is_registered(hub: HubFixture) -> None:
    first = _export(hub, {"department": "tax"})
    assert first.status_code == 200
    receipt = first.headers["x-hub-audit-event-id"]
    reviews = _rows(_export(hub, {"type": "AUDIT_REVIEW", "operator": "po-3"}))
    row = next(row for row in reviews if row["event_id"] == receipt)
    assert (row["department"], row["purpose"], row["outcome"]) == ("privacy-office", "AUDIT_REVIEW", "ok")
    assert row["operation_name"] == "auditExport"


def test_export_needs_audit_read(hub: HubFixture) -> None:
    refused = _export(hub, {}, department="bank")
    assert refused.status_code == 403
    assert _code(refused) == "FORBIDDEN"
    assert "audit:read" in refused.json()["errors"][0]["message"]
    bank = hub.clients["bank"]["client_id"]
    denials = _rows(_export(hub, {"type": "AUDIT_REVIEW", "outcome": "denied", "clientId": bank}))
    assert denials, "the refused export is registered"


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_export_without_a_valid_token_is_unauthenticated(hub: HubFixture, token: str | None) -> None:
    response = _export(hub, {}, token=token)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert _code(response) == "UNAUTHENTICATED"


def test_export_needs_the_officer_named(hub: HubFixture) -> None:
    response = _export(hub, {}, operator=None)
    assert response.status_code == 403
    assert "X-Hub-Operator" in response.json()["errors"][0]["extensions"]["fix"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"subjct": "x"}, "BAD_USER_INPUT"),
        ({"subject": "91140100MA0L12345X"}, "INVALID_SUBJECT_CODE"),
        ({"since": "2026-01-01T08:00:00"}, "BAD_USER_INPUT"),
        ({"until": "yesterday"}, "BAD_USER_INPUT"),
        ({"purpose": "GOSSIP"}, "BAD_USER_INPUT"),
        ({"outcome": "maybe"}, "BAD_USER_INPUT"),
        ({"caseNumber": "drop table"}, "BAD_USER_INPUT"),
    ],
)
def test_bad_parameters_are_refused(hub: HubFixture, params: dict[str, str], code: str) -> None:
    response = _export(hub, params)
    assert response.status_code == 400
    assert _code(response) == code
    assert "91140100MA0L12345X" not in response.text


def test_time_window_and_enum_filters(hub: HubFixture) -> None:
    assert _rows(_export(hub, {"until": "2000-01-01"})) == []
    rows = _rows(_export(hub, {"since": "2000-01-01T00:00:00+08:00", "purpose": "AUDIT_REVIEW", "outcome": "OK"}))
    assert rows
    assert all((row["purpose"], row["outcome"]) == ("AUDIT_REVIEW", "ok") for row in rows)


def test_a_case_filter_exports_concealed_searches_with_their_state(hub: HubFixture) -> None:
    search = "query($c: ID!) { subject(code: $c, purpose: LAW_ENFORCEMENT) { code } }"
    body = hub.graphql("court", search, {"c": hub.samples["person"]}, case="（2026）晋01执700号").json()
    receipt = body["extensions"]["audit"]["eventId"]
    rows = _rows(_export(hub, {"caseNumber": "(2026)晋01执700号"}))
    assert [row["event_id"] for row in rows] == [receipt]
    row = rows[0]
    assert (row["case_number"], row["concealed_until_case_closes"], row["case_closed_at"]) == (
        "（2026）晋01执700号", "true", "")  # fmt: skip
    assert row["concealment"] == "concealed"
    assert row["concealed_until"]


def test_an_export_for_people_has_chinese_headers_china_time_and_opens_in_excel(hub: HubFixture) -> None:
    enterprise = hub.samples["enterprise"]
    receipt = hub.graphql("approval-bureau", RECORD, {"c": enterprise}).json()["extensions"]["audit"]["eventId"]
    wanted = {"department": "approval-bureau", "subject": enterprise}
    plain = {row["event_id"]: row for row in _rows(_export(hub, wanted))}[receipt]
    excel = _export(hub, {**wanted, "lang": "zh"})
    assert excel.headers["content-type"] == "text/csv; charset=utf-8"
    assert excel.content.startswith(codecs.BOM_UTF8)
    older = _export(hub, {**wanted, "lang": "zh", "encoding": "gb18030"})
    assert older.headers["content-type"] == "text/csv; charset=gb18030"
    for body, encoding in ((excel.content, "utf-8-sig"), (older.content, "gb18030")):
        lines = list(csv.reader(io.StringIO(body.decode(encoding))))
        assert tuple(lines[0]) == tuple(EXPORT_HEADERS[column][0] for column in CSV_COLUMNS)
        mine = next(line for line in lines[1:] if line[CSV_COLUMNS.index("event_id")] == receipt)
        china = datetime.fromisoformat(plain["at"]).astimezone(ZoneInfo("Asia/Shanghai"))
        assert mine[CSV_COLUMNS.index("at")] == china.strftime("%Y-%m-%d %H:%M:%S")
    refused = _export(hub, {**wanted, "lang": "zh", "encoding": "latin-1"})
    assert refused.status_code == 400
    assert _code(refused) == "BAD_USER_INPUT"
