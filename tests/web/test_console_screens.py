"""Every view of the console on a phone (390×844) and a desktop (1366×900) in Debian's Chromium: it fits the
screen, every control can be tapped, axe-core finds no accessibility violation of any impact, and the charts'
data tables stay inside their charts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import screenshot
from tests.web.screens import check_screen
from tests.web.test_console import activity, sign_in  # noqa: F401 - the module fixture with register activity

pytestmark = pytest.mark.browser

_OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('#charts figure.chart')].map(f => f.getBoundingClientRect());
  const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const found = [];
  boxes.forEach((a, i) => boxes.forEach((b, j) => { if (i < j && meet(a, b)) found.push([i, j]); }));
  const outside = [...document.querySelectorAll('#charts figure.chart')].filter(f => {
    const box = f.getBoundingClientRect(), inner = f.querySelector('.chart-data').getBoundingClientRect();
    return inner.right > box.right + 1 || inner.bottom > box.bottom + 1;
  }).length;
  return {overlaps: found, outside};
}"""


def test_the_sign_in_page_and_its_refusal(screen: tuple[str, Any], web_hub: Any) -> None:
    size, page = screen
    page.goto(f"{web_hub.base_url}/console")
    check_screen(page, f"console sign-in {size}")
    page.locator("input[name=officer]").first.evaluate("radio => { radio.value = 'nobody'; }")
    page.get_by_role("button", name="登录").click()
    assert "nobody" in page.get_by_role("alert").inner_text() or "登录失败" in page.get_by_role("alert").inner_text()
    check_screen(page, f"console sign-in refused {size}")


def test_the_console_with_its_charts_tables_open(screen: tuple[str, Any], activity: Any) -> None:  # noqa: F811
    size, page = screen
    sign_in(page, activity)
    page.wait_for_url(f"{activity.base_url}/console")
    check_screen(page, f"console {size}")
    screenshot(page, "console" if size == "1366x900" else "console-phone")
    for summary in page.locator("#charts summary").all():
        summary.click()
    check_screen(page, f"console, chart data open {size}")
    laid = page.evaluate(_OVERLAPS)
    assert laid == {"overlaps": [], "outside": 0}, f"a chart's data table spills onto another chart: {laid}"


def test_the_filtered_register_and_its_next_page(screen: tuple[str, Any], activity: Any) -> None:  # noqa: F811
    size, page = screen
    sign_in(page, activity)
    page.get_by_label("结果", exact=True).select_option(label="成功")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"/console(#register)?$"))
    check_screen(page, f"console filtered {size}")
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url(re.compile(r"/console\?after=\w+"))
    check_screen(page, f"console next page {size}")


def test_an_anomaly_before_and_after_its_review(screen: tuple[str, Any], activity: Any) -> None:  # noqa: F811
    size, page = screen
    sign_in(page, activity)
    page.locator("#anomalies tbody tr", has_text="用途与部门不符").first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/console/anomalies/\w+$"))
    check_screen(page, f"anomaly {size}")
    page.get_by_label("复核说明").fill(f"核查完毕（{size}）。")
    page.get_by_role("button", name=re.compile("复核")).click()
    page.wait_for_url(re.compile(r"#notice$"))
    check_screen(page, f"anomaly reviewed {size}")


def test_the_narrowest_phone_it_supports(browser: Any, activity: Any) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        sign_in(page, activity)
        page.wait_for_url(f"{activity.base_url}/console")
        check_screen(page, "console 360x740")
        page.locator("#anomalies tbody a").first.click()
        page.wait_for_url(re.compile(r"/console/anomalies/\w+$"))
        check_screen(page, "anomaly 360x740")
    finally:
        context.close()
