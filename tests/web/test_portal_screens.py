"""Every view of the portal on a phone (390×844) and a desktop (1366×900) in Debian's Chromium: it fits the
screen, every control can be tapped, and axe-core finds no accessibility violation of any impact."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import screenshot
from tests.web.screens import check_screen
from tests.web.test_portal import grant_bank_consent, sign_in
from tests.web.test_portal_journey import _filter_with_bad_values

pytestmark = pytest.mark.browser


def test_the_sign_in_page_and_its_refusal(screen: tuple[str, Any], web_hub: Any) -> None:
    size, page = screen
    page.goto(f"{web_hub.base_url}/portal")
    check_screen(page, f"sign-in {size}")
    page.get_by_label("居民身份证号或统一社会信用代码").fill("12345")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("alert").wait_for()
    check_screen(page, f"sign-in refused {size}")


@pytest.mark.parametrize("who", ["person", "enterprise"])
def test_the_subjects_own_page(screen: tuple[str, Any], web_hub: Any, who: str) -> None:
    size, page = screen
    sign_in(page, web_hub, web_hub.samples[who])
    check_screen(page, f"portal {who} {size}")
    if size == "390x844":
        screenshot(page, f"portal-phone-{who}")


def test_the_page_after_a_grant_with_its_consents_table(screen: tuple[str, Any], web_hub: Any) -> None:
    size, page = screen
    sign_in(page, web_hub, web_hub.samples["former_representative"])  # not the person other tests start from
    grant_bank_consent(page, web_hub)
    page.locator("#consents table").first.wait_for()
    check_screen(page, f"portal person granted {size}")


def _open_every_fold(page: Any) -> None:
    folded = page.locator("details:not([open]) > summary")
    while folded.count():
        folded.first.click()


def test_the_access_log_with_its_chart_filter_pages_and_folds(
    screen: tuple[str, Any], web_hub: Any, looked_at: str
) -> None:
    size, page = screen
    sign_in(page, web_hub, looked_at)
    _open_every_fold(page)
    check_screen(page, f"portal objector, folds open {size}")
    page.get_by_role("link", name="下一页（更早的记录）").click()
    page.wait_for_url(re.compile(r"after="))
    check_screen(page, f"portal objector, page 2 {size}")
    _filter_with_bad_values(page)
    check_screen(page, f"portal objector, filtered with a bad date {size}")
    if size == "390x844":
        page.goto(f"{web_hub.base_url}/portal#access")
        screenshot(page, "portal-phone-access")


def test_past_consents_unfolded_and_the_english_page(screen: tuple[str, Any], web_hub: Any) -> None:
    size, page = screen
    sign_in(page, web_hub, web_hub.samples["former_representative"])
    grant_bank_consent(page, web_hub)
    page.locator("#consents > table").get_by_role("button").first.click()
    page.wait_for_load_state()
    _open_every_fold(page)
    check_screen(page, f"portal past consents open {size}")
    page.get_by_role("link", name="English").click()
    check_screen(page, f"portal in English {size}")
    page.get_by_role("link", name="简体中文").click()


def test_the_widest_views_fit_the_narrowest_phone(browser: Any, web_hub: Any, looked_at: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        sign_in(page, web_hub, web_hub.samples["enterprise"])
        check_screen(page, "portal enterprise 360x740")
        page.context.clear_cookies()
        sign_in(page, web_hub, looked_at)
        _open_every_fold(page)
        check_screen(page, "portal objector, folds open 360x740")
    finally:
        context.close()
