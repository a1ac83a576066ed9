"""A citizen's journey through the portal in Debian's Chromium: choose whom to consent to from the registered
organisations, see revoked consents folded away, page and filter the access log, read who looked per month, and
object to an item of their own record (the demo's `objector`)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from hub.demo.departments import DEPARTMENTS
from hub.web.portal_view import local_today
from tests.web.axe import assert_accessible
from tests.web.conftest import BANK_READS
from tests.web.test_portal import sign_in

pytestmark = pytest.mark.browser

NAMES = {d.key: d.name for d in DEPARTMENTS}


def _grant_by_name(page: Any, typed: str) -> None:
    form = page.locator("form[action$='/portal/consents#notice']")
    form.get_by_label("被授权机构（名称或统一社会信用代码）").fill(typed)
    form.get_by_label("用途").select_option("CREDIT_LENDING")
    form.get_by_role("button", name="授权").click()
    page.wait_for_load_state()


def test_the_organisation_is_chosen_by_part_of_its_name_and_past_consents_fold_away(page: Any, web_hub: Any) -> None:
    sign_in(page, web_hub, web_hub.samples["minor"])
    options = page.locator("datalist#known-orgs option")
    assert options.count() == len(DEPARTMENTS)
    bank = web_hub.clients["bank"]["org"]
    assert f"{NAMES['bank']}（{bank}）" in [options.nth(i).get_attribute("value") for i in range(options.count())]
    listed = page.locator("details.grantees")
    listed.locator("summary").click()
    assert bank in listed.locator("table").inner_text(), "the list reads without a datalist (or JavaScript) too"

    _grant_by_name(page, "山西")  # several organisations: the person is asked to choose, nothing is granted
    form = page.locator("form[action$='/portal/consents#notice']")
    assert "请从列表中选择一个" in form.get_by_role("alert").inner_text()
    assert form.get_by_label("被授权机构（名称或统一社会信用代码）").input_value() == "山西"
    _grant_by_name(page, "保险公司")
    assert "没有名称或代码与您填写的相符" in form.get_by_role("alert").inner_text()

    _grant_by_name(page, "工商银行")
    assert "已授权" in form.get_by_role("status").inner_text()
    current = page.locator("#consents > table")
    assert NAMES["bank"] in current.inner_text()
    _grant_by_name(page, f"{NAMES['bank']}（{bank}）")  # as the list fills it in
    assert current.locator("tbody tr").count() == 2

    current.get_by_role("button", name=re.compile("撤回")).first.click()
    page.wait_for_load_state()
    assert page.locator("#consents > table tbody tr").count() == 1
    past = page.locator("#consents details.past")
    assert past.locator("summary").inner_text() == "已撤回或已过期的授权（1）"
    assert not past.locator("table").is_visible()
    past.locator("summary").click()
    assert "已撤回" in past.locator("table").inner_text()
    assert past.get_by_role("button").count() == 0, "a revoked consent cannot be revoked again"


def test_the_access_log_pages_and_filters_by_organisation_and_date(page: Any, web_hub: Any, looked_at: str) -> None:
    sign_in(page, web_hub, looked_at)
    timeline = page.locator("#access ol.timeline > li")
    assert timeline.count() == 20
    assert NAMES["market-regulation"] in timeline.first.inner_text(), "newest first"
    page.get_by_role("link", name="下一页（更早的记录）").click()
    assert page.locator("#access ol.timeline > li").count() == BANK_READS + 1 - 20
    assert page.get_by_role("link", name="下一页（更早的记录）").count() == 0
    page.get_by_role("link", name="回到第一页").click()
    assert page.locator("#access ol.timeline > li").count() == 20

    form = page.locator("form.filter")
    form.get_by_label("查询机构").select_option(label=NAMES["market-regulation"])
    form.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_url(f"{web_hub.base_url}/portal#access")  # the organisation's code stays out of the address
    entries = page.locator("#access ol.timeline > li")
    assert entries.count() == 1
    assert NAMES["market-regulation"] in entries.first.inner_text()
    chosen = page.locator("form.filter").get_by_label("查询机构").input_value()
    assert chosen == web_hub.clients["market-regulation"]["org"]

    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    page.locator("form.filter").get_by_label("起始日期").fill(tomorrow)
    page.locator("form.filter").get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_load_state()
    assert "没有符合筛选条件的查询记录" in page.locator("#access").inner_text()
    assert page.locator("form.filter").get_by_label("起始日期").input_value() == tomorrow
    page.locator("form.filter").get_by_role("button", name="清除筛选").click()
    page.wait_for_load_state()
    assert page.locator("#access ol.timeline > li").count() == 20

    _filter_with_bad_values(page)
    alerts = page.locator("form.filter").get_by_role("alert").all_inner_texts()
    assert any("起始日期格式应为" in text for text in alerts)
    assert any("统一社会信用代码" in text for text in alerts)
    assert page.locator("#access ol.timeline > li").count() == 20, "a bad filter is named and left out"


def _filter_with_bad_values(page: Any) -> None:
    """Sends the filter with a date no calendar has and an organisation that is no code (as a script could)."""
    page.locator("form.filter").evaluate(
        """form => { const from = form.querySelector('#log-from'); from.type = 'text'; from.value = '2026-13-01';
                     const org = form.querySelector('#log-org'); org.add(new Option('x', 'bank')); org.value = 'bank';
                     form.querySelector('button[value=apply]').click(); }"""
    )
    page.wait_for_load_state()
    page.locator("form.filter").get_by_role("alert").first.wait_for()


def test_who_looked_each_month_is_a_chart_and_a_table(page: Any, web_hub: Any, looked_at: str) -> None:
    sign_in(page, web_hub, looked_at)
    chart = page.locator("#access figure.chart")
    assert chart.locator("svg[role=img] title").first.text_content() == "近 12 个月每月查询我的记录的机构"
    chart.locator("summary").click()
    table = chart.locator("table")
    headers = table.locator("th").all_inner_texts()
    assert headers[0] == "月份"
    row = table.locator("tbody tr").last
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == f"{local_today().year}年{local_today().month}月"
    counts = dict(zip(headers[1:], map(int, cells[1:]), strict=True))
    assert counts[NAMES["bank"]] >= BANK_READS
    assert counts[NAMES["market-regulation"]] >= 1
    assert table.locator("tbody tr").count() == 12
    assert_accessible(page, "the chart's table opened")


def test_the_demo_objector_objects_to_an_item_of_their_record(page: Any, web_hub: Any) -> None:
    sign_in(page, web_hub, web_hub.samples["objector"])
    form = page.locator("form[action$='/portal/objections#notice']")
    items = form.get_by_label("信息项").locator("option")
    assert items.count() >= 1, "the demo person has items to object to"
    form.get_by_label("异议理由").fill("该处罚决定已被复议撤销")
    form.get_by_role("button", name="提出异议").click()
    page.wait_for_url(re.compile(r"/portal#notice$"))
    assert "已提交异议" in form.get_by_role("status").inner_text()
    assert "该处罚决定已被复议撤销" in page.locator("#rights table").first.inner_text()


def test_a_form_pressed_twice_is_sent_once_and_says_it_is_working(page: Any, web_hub: Any) -> None:
    sign_in(page, web_hub, web_hub.samples["minor"])
    before = page.locator("#consents > table tbody tr").count()
    form = page.locator("form[action$='/portal/consents#notice']")
    form.get_by_label("被授权机构（名称或统一社会信用代码）").fill(web_hub.clients["bank"]["org"])
    busy = page.evaluate("""() => {
        const form = document.querySelector("form[action$='/portal/consents#notice']");
        form.requestSubmit();
        const shown = [form.getAttribute("aria-busy"), form.querySelector("button[type=submit]").textContent];
        setTimeout(() => form.requestSubmit(), 30);  // pressed again while the first is on its way
        return shown;
    }""")
    assert busy == ["true", "正在处理…"]
    page.wait_for_url(re.compile(r"/portal#notice$"))
    page.wait_for_load_state()
    assert page.locator("#consents > table tbody tr").count() == before + 1
