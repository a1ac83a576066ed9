"""The privacy officer's console in a real browser: sign in, filter the register, open an anomaly, export CSV."""

from __future__ import annotations

import codecs
import csv
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hub.audit.export import CSV_COLUMNS
from hub.demo.departments import DEPARTMENTS
from hub.web.i18n import EXPORT_HEADERS
from tests.web.conftest import screenshot

pytestmark = pytest.mark.browser

NAMES = {d.key: d.name for d in DEPARTMENTS}
TITLES = {"market-regulation": "市场监督管理局", "approval-bureau": "行政审批局"}  # their policies' titles, in Chinese
LOOKUP = "query($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) { name } }"
OFFICER = "审计员 王敏"


def sign_in(page: Any, hub: Any, department: str = "privacy-office") -> None:
    """Signs in on the console with a client's id and secret, naming the operator."""
    client = hub.clients[department]
    page.goto(f"{hub.base_url}/console")
    page.get_by_label("客户端 ID").fill(client["client_id"])
    page.get_by_label("客户端密钥").fill(client["client_secret"])
    page.get_by_label("操作人员").fill(OFFICER)
    page.get_by_role("button", name="登录").click()


@pytest.fixture(scope="module")
def activity(web_hub: Any) -> Any:
    """Answers the hub after some register activity: approvals, and a burst of refused look-ups by one client."""
    approval = {"c": web_hub.samples["enterprise"], "p": "ADMINISTRATIVE_APPROVAL"}
    for _ in range(30):  # more than one page of the register
        assert web_hub.graphql("approval-bureau", LOOKUP, approval).status_code == 200
    for _ in range(6):  # the public portal may not ask for law enforcement: PURPOSE_NOT_ALLOWED, six times
        refused = web_hub.graphql("public", LOOKUP, {"c": web_hub.samples["enterprise"], "p": "LAW_ENFORCEMENT"}).json()
        assert refused["errors"][0]["extensions"]["code"] == "PURPOSE_NOT_ALLOWED"
    return web_hub


def test_a_client_without_audit_read_cannot_sign_in(page: Any, web_hub: Any) -> None:
    sign_in(page, web_hub, "bank")
    assert "audit:read" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("客户端密钥").is_visible()


def test_officer_filters_the_register_by_organisation(page: Any, activity: Any) -> None:
    sign_in(page, activity)
    page.wait_for_url(f"{activity.base_url}/console")
    assert page.get_by_role("heading", level=1).inner_text() == "隐私保护控制台"
    assert "哈希链校验通过" in page.locator("#integrity").inner_text()
    assert page.locator("#charts svg[role=img]").count() == 4
    screenshot(page, "console")

    page.get_by_label("机构", exact=True).select_option(label=NAMES["approval-bureau"])
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"/console(#register)?$"))
    organisations = page.locator("#register table.register tbody td.org").all_inner_texts()
    assert len(organisations) == 25
    assert set(organisations) == {NAMES["approval-bureau"]}
    first_page = page.locator("table.register tbody tr").first.get_attribute("id")

    page.get_by_role("link", name="下一页").click()
    page.wait_for_url(re.compile(r"/console\?after=\w+"))
    assert page.locator("table.register tbody tr").first.get_attribute("id") != first_page
    assert set(page.locator("table.register td.org").all_inner_texts()) == {NAMES["approval-bureau"]}
    page.get_by_role("link", name="第一页").click()
    assert page.locator("table.register tbody tr").first.get_attribute("id") == first_page


def test_officer_opens_an_anomaly_and_sees_its_events(page: Any, activity: Any) -> None:
    sign_in(page, activity)
    row = page.locator("#anomalies tbody tr", has_text="多次被拒").first
    row.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/console/anomalies/\w+$"))
    assert "多次被拒" in page.get_by_role("heading", level=1).inner_text()
    events = page.locator("table.register tbody tr")
    assert events.count() >= 5
    assert set(page.locator("table.register td.org").all_inner_texts()) == {NAMES["public"]}
    assert "拒绝" in events.first.inner_text()


def test_subject_filter_stays_out_of_urls_and_export_has_the_header(page: Any, activity: Any, tmp_path: Path) -> None:
    code = activity.samples["enterprise"]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, activity)
    page.get_by_label("主体", exact=True).fill(code)
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"/console(#register)?$"))
    assert page.locator("#register table.register tbody tr").count() >= 1
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 CSV", exact=True).click()
    target = tmp_path / "register.csv"
    download.value.save_as(target)
    assert target.read_bytes().startswith(codecs.BOM_UTF8), "Excel reads UTF-8 only after a byte order mark"
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == tuple(EXPORT_HEADERS[column][0] for column in CSV_COLUMNS)
    assert len(rows) > 1
    assert all(code in row[CSV_COLUMNS.index("subjects")] for row in rows[1:])
    assert not any(code in url for url in requested), "a subject code went into a URL"


def test_officer_sees_the_measure_loop_per_department(page: Any, web_hub: Any) -> None:
    initiate = """mutation($i: InitiateMeasuresInput!) { initiateMeasures(input: $i) { id stage } }"""
    request = {"targets": [web_hub.samples["blacklisted"]], "matter": "GOVERNMENT_PROCUREMENT", "measures": ["GP-01"],
               "implementers": ["approval-bureau"], "purpose": "SUPERVISION"}  # fmt: skip
    body = web_hub.graphql("market-regulation", initiate, {"i": request}).json()
    assert body["data"]["initiateMeasures"][0]["stage"] == "INITIATED", body
    sign_in(page, web_hub)
    page.wait_for_url(f"{web_hub.base_url}/console")
    panel = page.locator("#measures")
    assert "联合奖惩监测" in panel.get_by_role("heading", level=2).inner_text()
    rows = {
        row.locator("th").inner_text(): row.locator("td").all_inner_texts()
        for row in panel.locator("#measure-monitoring tbody tr").all()
    }
    assert int(rows[TITLES["market-regulation"]][0]) >= 1, rows
    assert int(rows[TITLES["approval-bureau"]][4]) >= 1, "the case waits on the implementing department"
    assert "已发起" in panel.locator("#measure-cases").inner_text()


def test_a_filter_sent_after_the_session_ended_applies_after_sign_in(hub: Any) -> None:
    from tests.web.walk import Visitor

    firm, client, officer = hub.samples["enterprise"], hub.clients["privacy-office"], Visitor(hub.base_url)
    try:
        officer.get("/console")
        console = officer.post("/console/login", {**client, "operator": OFFICER})
        cookie = officer.session
        officer.post("/console/logout", {})  # the session ends (as it does when it times out)
        officer.session, officer.last = cookie, console  # the officer's tab still shows the console
        ended = officer.post("/console/filter", {"subject": firm, "action": "apply"})
        assert ended.status_code == 200
        assert "登录已结束，筛选条件已保留" in ended.text
        back = officer.post("/console/login", {**client, "operator": OFFICER})
        assert back.status_code == 200
        assert f'name="subject" value="{firm}"' in back.text
    finally:
        officer.close()


def test_one_console_view_is_one_registered_operation(page: Any, web_hub: Any) -> None:
    query = """query($since: DateTime!, $op: String!) {
      auditEvents(filter: {since: $since, operator: $op}, first: 100) { edges { node { operationName purpose } } } }"""
    sign_in(page, web_hub)
    page.wait_for_url(f"{web_hub.base_url}/console")
    since = datetime.now(UTC).isoformat()
    page.goto(f"{web_hub.base_url}/console")
    body = web_hub.graphql("privacy-office", query, {"since": since, "op": OFFICER}).json()
    registered = [edge["node"] for edge in body["data"]["auditEvents"]["edges"]]
    assert registered == [{"operationName": "ConsolePage", "purpose": "AUDIT_REVIEW"}], body
