"""The privacy officer's console in a real browser: sign in as yourself, filter the register, open and review an
anomaly, export CSV."""

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

pytestmark = pytest.mark.browser

NAMES = {d.key: d.name for d in DEPARTMENTS}
TITLES = {"market-regulation": "市场监督管理局", "approval-bureau": "行政审批局"}  # their policies' titles, in Chinese
LOOKUP = "query($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) { name } }"
ACCOUNT = "wangmin"
OFFICER = "王敏（wangmin）"  # as the register names the officer signed in as themselves


def sign_in(page: Any, hub: Any, account: str = ACCOUNT) -> None:
    """Signs in on the console as an officer listed by the development identity provider."""
    page.goto(f"{hub.base_url}/console")
    page.locator(f"input[name=officer][value={account}]").check()
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


def test_officers_sign_in_as_themselves_and_the_register_names_them(page: Any, web_hub: Any) -> None:
    page.goto(f"{web_hub.base_url}/console")
    assert page.get_by_label("客户端密钥").count() == 0, "no shared secret on the console of a hub with an IdP"
    sign_in(page, web_hub, "zhaoli")
    page.wait_for_url(f"{web_hub.base_url}/console")
    assert "赵丽（zhaoli）" in page.locator("main").inner_text()
    query = """query($op: String!) {
      auditEvents(filter: {operator: $op}, first: 5) { edges { node { operationName } } } }"""
    body = web_hub.graphql("privacy-office", query, {"op": "赵丽（zhaoli）"}).json()
    assert {"operationName": "ConsolePage"} in [e["node"] for e in body["data"]["auditEvents"]["edges"]], body


def test_officer_filters_the_register_by_organisation(page: Any, activity: Any) -> None:
    sign_in(page, activity)
    page.wait_for_url(f"{activity.base_url}/console")
    assert page.get_by_role("heading", level=1).inner_text() == "隐私保护控制台"
    assert "哈希链校验通过" in page.locator("#integrity").inner_text()
    assert page.locator("#charts svg[role=img]").count() == 4

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

    firm, officer = hub.samples["enterprise"], Visitor(hub.base_url)
    try:
        officer.get("/console")
        console = officer.post("/console/login", {"officer": ACCOUNT})
        cookie = officer.session
        officer.post("/console/logout", {})  # the session ends (as it does when it times out)
        officer.session, officer.last = cookie, console  # the officer's tab still shows the console
        ended = officer.post("/console/filter", {"subject": firm, "action": "apply"})
        assert ended.status_code == 200
        assert "登录已结束，筛选条件已保留" in ended.text
        back = officer.post("/console/login", {"officer": ACCOUNT})
        assert back.status_code == 200
        assert f'name="subject" value="{firm}"' in back.text
    finally:
        officer.close()


def test_a_review_sent_after_the_session_ended_comes_back_with_its_note(activity: Any) -> None:
    from tests.web.walk import Visitor

    officer = Visitor(activity.base_url)
    try:
        officer.get("/console")
        console = officer.post("/console/login", {"officer": ACCOUNT})
        anomaly = re.findall(r'href="(/console/anomalies/\w+)"', console.text)[0]
        page = officer.get(anomaly)
        cookie = officer.session
        officer.post("/console/logout", {})  # the session ends (as it does when it times out)
        officer.session, officer.last = cookie, page  # the officer's tab still shows the anomaly
        ended = officer.post(f"{anomaly}/review", {"note": "已电话核实。", "submission": "resume-0123456789"})
        assert ended.status_code == 200
        assert "复核说明已保留" in ended.text
        assert 'name="keep.note" value="已电话核实。"' in ended.text, "the sign-in form carries the note"
        back = officer.post("/console/login", {"officer": ACCOUNT, "resume": anomaly.rsplit("/", 1)[1],
                                               "keep.note": "已电话核实。"})  # fmt: skip
        assert back.status_code == 200
        assert ">已电话核实。</textarea>" in back.text
        assert "请确认后再次提交" in back.text
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


def test_one_anomaly_view_is_one_registered_operation(page: Any, activity: Any) -> None:
    query = """query($since: DateTime!, $op: String!) {
      auditEvents(filter: {since: $since, operator: $op}, first: 100) { edges { node { operationName } } } }"""
    sign_in(page, activity)
    link = page.locator("#anomalies tbody tr", has_text="多次被拒").first.get_by_role("link")
    target = f"{activity.base_url}{link.get_attribute('href')}"
    since = datetime.now(UTC).isoformat()
    page.goto(target)
    assert page.locator("table.register tbody tr").count() >= 5
    body = activity.graphql("privacy-office", query, {"since": since, "op": OFFICER}).json()
    registered = [edge["node"] for edge in body["data"]["auditEvents"]["edges"]]
    assert registered == [{"operationName": "ConsoleAnomaly"}], body


def test_refused_events_show_their_target_subject_masked(page: Any, activity: Any) -> None:
    sign_in(page, activity)
    page.get_by_label("结果", exact=True).select_option(label="拒绝")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"/console(#register)?$"))
    rows = page.locator("#register table.register tbody tr", has_text="用途不在本部门允许范围内")
    assert rows.count() >= 1
    assert activity.samples["enterprise"] in rows.first.inner_text(), "a refused look-up names whom it asked about"


def test_an_officer_marks_an_anomaly_reviewed_once_however_often_they_click(page: Any, activity: Any) -> None:
    query = """query($op: String!) {
      auditEvents(filter: {operator: $op, type: AUDIT_REVIEW}, first: 50) { edges { node { operationName } } }
      auditAnomalies { id review { note reviewer } } }"""
    sign_in(page, activity, "zhaoli")
    page.locator("#anomalies tbody tr", has_text="多次被拒").first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/console/anomalies/\w+$"))
    anomaly = page.url.rsplit("/", 1)[1]
    assert "待复核" in page.locator("main").inner_text()
    page.get_by_label("复核说明").fill("已联系公众查询平台：误用执法用途，已整改。")
    button = page.get_by_role("button", name="标记为已复核")
    button.dblclick()
    page.wait_for_url(re.compile(r"/console/anomalies/\w+#notice$"))
    assert "已标记为已复核" in page.get_by_role("status").first.inner_text()
    facts = page.locator("#review-facts").inner_text()
    assert "赵丽（zhaoli）" in facts
    assert "误用执法用途" in facts
    body = activity.graphql("privacy-office", query, {"op": "赵丽（zhaoli）"}).json()
    names = [e["node"]["operationName"] for e in body["data"]["auditEvents"]["edges"]]
    reviews = [name for name in names if name == "ConsoleReviewAnomaly"]
    assert len(reviews) == 1, "a double click registers one review"
    found = {a["id"]: a["review"] for a in body["data"]["auditAnomalies"]}
    assert found[anomaly] == {"note": "已联系公众查询平台：误用执法用途，已整改。", "reviewer": "赵丽（zhaoli）"}


def test_a_review_without_a_note_is_refused_and_says_why(page: Any, activity: Any) -> None:
    sign_in(page, activity)
    page.locator("#anomalies tbody tr", has_text="多次被拒").first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/console/anomalies/\w+$"))
    page.get_by_label("复核说明").evaluate("element => element.removeAttribute('required')")
    page.get_by_role("button", name=re.compile("复核")).click()
    alert = page.locator("#review").get_by_role("alert")
    assert "操作未完成" in alert.inner_text()
