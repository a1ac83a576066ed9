"""The console's 双公示 timeliness page in a real browser, over the demo's month of submissions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from hub.demo.collection import submit_demo_month
from tests.conftest import _run_apart
from tests.web.conftest import screenshot
from tests.web.test_console import sign_in

pytestmark = pytest.mark.browser
TODAY = date(2026, 12, 6)


@pytest.fixture(scope="module")
def submitted(web_hub: Any) -> Any:
    """Answers the hub after market regulation and tax submitted a month of licences and penalties."""
    _run_apart(submit_demo_month(web_hub.settings, 7, 80, TODAY))
    return web_hub


def test_the_officer_sees_timeliness_per_department_with_a_chart_per_month(page: Any, submitted: Any) -> None:
    sign_in(page, submitted)
    page.wait_for_url(f"{submitted.base_url}/console")
    page.get_by_role("link", name="双公示及时性").click()
    page.goto(f"{submitted.base_url}/console/timeliness?since=2026-10-01&until={TODAY.isoformat()}")
    assert page.get_by_role("heading", level=1).inner_text() == "双公示及时性与归集质量"
    table = page.locator("#timeliness table tbody")
    rows = table.locator("tr").all_inner_texts()
    assert any("市场监督管理局" in row and "行政许可" in row for row in rows), rows
    assert any("税务" in row and "行政处罚" in row for row in rows), rows
    counts = [[int(cell) for cell in cells.split("\t")[2:5]] for cells in rows]
    assert all(items == on_time + late for items, on_time, late in counts), counts
    assert sum(late for _, _, late in counts) > 0, "the demo month has late items"
    assert page.locator("#timeliness-charts svg[role=img]").count() == 2
    quality = page.locator("#quality").inner_text()
    assert "REQUIRED" in quality
    assert page.locator("#read-quality h2").inner_text() == "读取时发现的问题数据（各来源库）"
    screenshot(page, "timeliness")


def test_signed_out_the_page_sends_the_officer_to_sign_in(page: Any, submitted: Any) -> None:
    page.goto(f"{submitted.base_url}/console/timeliness")
    page.wait_for_url(f"{submitted.base_url}/console")
    assert page.get_by_role("button", name="登录").is_visible(), "signed out: the sign-in form"


def test_a_span_into_a_year_without_its_notice_warns_and_counts_estimated_lags(page: Any, submitted: Any) -> None:
    sign_in(page, submitted)
    page.wait_for_url(f"{submitted.base_url}/console")
    page.goto(f"{submitted.base_url}/console/timeliness?since=2026-10-01&until={TODAY.isoformat()}")
    assert page.locator("#calendar-warning").count() == 0, "2026 is in chinese-calendar"
    page.goto(f"{submitted.base_url}/console/timeliness?since=2026-10-01&until=2027-01-31")
    warning = page.locator("#calendar-warning")
    assert "2027" in warning.inner_text()
    assert "calendar/2027.yaml" in warning.inner_text()
    headers = page.locator("#timeliness thead th").all_inner_texts()
    assert "按周一至周五估算" in headers
    assert "已撤回未重新公示" in headers
