"""Every view of the portal on a phone (390×844) and a desktop (1366×900) in Debian's Chromium: it fits the
screen, every control can be tapped, and axe-core finds no accessibility violation of any impact."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.axe import assert_accessible
from tests.web.screens import SCREENS, assert_fits
from tests.web.test_portal import grant_bank_consent, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:
    """Answers (screen name, fresh page) at each screen size, in a Chinese locale."""
    context = browser.new_context(viewport=SCREENS[request.param], locale="zh-CN")
    context.set_default_timeout(30_000)
    try:
        yield request.param, context.new_page()
    finally:
        context.close()


def _check(page: Any, where: str) -> None:
    assert_fits(page, where)
    assert_accessible(page, where)


def test_the_sign_in_page_and_its_refusal(screen: tuple[str, Any], web_hub: Any) -> None:
    size, page = screen
    page.goto(f"{web_hub.base_url}/portal")
    _check(page, f"sign-in {size}")
    page.get_by_label("居民身份证号或统一社会信用代码").fill("12345")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("alert").wait_for()
    _check(page, f"sign-in refused {size}")


@pytest.mark.parametrize("who", ["person", "enterprise"])
def test_the_subjects_own_page(screen: tuple[str, Any], web_hub: Any, who: str) -> None:
    size, page = screen
    sign_in(page, web_hub, web_hub.samples[who])
    _check(page, f"portal {who} {size}")


def test_the_page_after_a_grant_with_its_consents_table(screen: tuple[str, Any], web_hub: Any) -> None:
    size, page = screen
    sign_in(page, web_hub, web_hub.samples["former_representative"])  # not the person other tests start from
    grant_bank_consent(page, web_hub)
    page.locator("#consents table").wait_for()
    _check(page, f"portal person granted {size}")
