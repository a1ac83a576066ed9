"""An officer signs in to the console through the organisation's identity provider in Debian's Chromium, on a phone
(390×844) and a desktop (1366×900): the sign-in page, the refusal of a person in no officer group and the console
fit the screen, every control can be tapped and axe-core finds no violation. This hub also enables the documented
break-glass sign-in: folded away below the provider's button, the shared secret offered only inside it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import screenshot
from tests.web.officer_idp import (
    ACCOUNT_LABEL,
    GROUPS_LABEL,
    NAME_LABEL,
    OFFICER_GROUP,
    OfficerProvider,
    running_provider,
)
from tests.web.screens import check_screen

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def provider() -> Iterator[OfficerProvider]:
    """Answers the organisation's running identity provider (at localhost: another site than the hub)."""
    with running_provider() as idp:
        yield idp


@pytest.fixture(scope="module")
def hub(provider: OfficerProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A hub whose officers sign in through the provider, break-glass sign-in enabled."""
    from tests.graphql.audit_hub import running_hub

    oidc = provider.settings(officer_break_glass=True)
    with running_hub("sqlite", tmp_path_factory.mktemp("oidc-screens"), dev_login=False, oidc=oidc) as running:
        yield running


def _through_provider(page: Any, account: str, name: str, groups: str) -> None:
    page.get_by_role("link", name="前往身份认证平台").click()
    page.wait_for_url(lambda url: url.startswith("http://localhost:"))
    page.get_by_label(ACCOUNT_LABEL).fill(account)
    page.get_by_label(NAME_LABEL).fill(name)
    page.get_by_label(GROUPS_LABEL).fill(groups)
    page.get_by_role("button", name="同意并登录").click()
    page.wait_for_load_state()


def test_an_officer_signs_in_at_the_provider_and_is_named(screen: tuple[str, Any], hub: Any) -> None:
    size, page = screen
    page.goto(f"{hub.base_url}/console")
    assert page.get_by_label("客户端密钥").is_hidden(), "the break-glass form stays folded"
    check_screen(page, f"console sign-in with a provider {size}")
    _through_provider(page, "e-20931", "孙立", f"staff,{OFFICER_GROUP}")
    page.wait_for_url(f"{hub.base_url}/console")
    assert "孙立（e-20931）" in page.locator("main").inner_text()
    check_screen(page, f"console after the provider's sign-in {size}")


def test_a_person_in_no_officer_group_is_told_why(screen: tuple[str, Any], hub: Any) -> None:
    size, page = screen
    page.goto(f"{hub.base_url}/console")
    _through_provider(page, "e-555", "李四", "staff")
    alert = page.get_by_role("alert").inner_text()
    assert "未将您的账号列入任何隐私保护工作人员组" in alert
    assert page.get_by_role("link", name="前往身份认证平台").is_visible()
    check_screen(page, f"console sign-in refused {size}")
    if size == "390x844":
        screenshot(page, "console-signin-refused-phone")


def test_the_break_glass_sign_in_names_its_operator(screen: tuple[str, Any], hub: Any) -> None:
    size, page = screen
    page.goto(f"{hub.base_url}/console")
    page.get_by_text("应急登录（客户端密钥）").click()
    check_screen(page, f"console break-glass sign-in {size}")
    office = hub.clients["privacy-office"]
    page.get_by_label("客户端 ID").fill(office["client_id"])
    page.get_by_label("客户端密钥").fill(office["client_secret"])
    page.get_by_label("操作人员（姓名或工号）").fill("值班员 周一")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{hub.base_url}/console")
    assert "值班员 周一" in page.locator("main").inner_text()
