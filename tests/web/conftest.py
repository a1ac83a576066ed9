"""Browser fixtures: a hub with the development identity provider on, and Debian's Chromium driven by Playwright.

Set HUB_SCREENSHOTS=1 to write docs/portal.png and docs/console.png (1280×800) from the tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.web.screens import SCREENS

CHROMIUM = os.environ.get("HUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1280, "height": 800}
BANK_READS = 21  # one more than a page of the portal's access log
LOOKUP = "query($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) { name } }"
BANK_QUERY = "query($c: ID!) { subject(code: $c, purpose: CREDIT_LENDING) { name } }"
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="session")
def web_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Answers a running hub over seeded SQLite sources with `dev_login` on, as `credit-hub demo` runs it."""
    from tests.conftest import _run_apart
    from tests.support import server

    hub_url, source_urls = server.sqlite_urls(tmp_path_factory.mktemp("web-hub"))
    clients: dict[str, dict[str, str]] = {}

    async def prepare() -> None:
        clients.update(await server.prepare(hub_url, source_urls))

    _run_apart(prepare())
    settings = server.hub_settings(hub_url, source_urls, dev_login=True)
    for base_url in server.serve(settings):
        yield server.HubFixture(base_url, settings, clients, server.sample_codes(), source_urls)


@pytest.fixture(scope="session")
def looked_at(web_hub: Any) -> str:
    """Answers the objector's code after the bank (with consent) and the regulator looked at their record."""
    code = web_hub.samples["objector"]
    grant = """mutation($o: ID!, $until: DateTime!) { grantConsent(input: {grantee: $o, purpose: CREDIT_LENDING,
        recordTypes: ["registration", "penalty", "listing"], expiresAt: $until}) { id } }"""
    until = f"{datetime.now(UTC).date() + timedelta(days=30)}T00:00:00+08:00"
    granted = web_hub.self_graphql(code, grant, {"o": web_hub.clients["bank"]["org"], "until": until}).json()
    assert "errors" not in granted, granted
    for _ in range(BANK_READS):
        assert "errors" not in web_hub.graphql("bank", BANK_QUERY, {"c": code}).json()
    assert "errors" not in web_hub.graphql("market-regulation", LOOKUP, {"c": code, "p": "SUPERVISION"}).json()
    return str(code)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Answers Debian's headless Chromium under Playwright (never a downloaded browser), per module.

    Playwright's sync API keeps its event loop marked running in this thread while it lives, so it
    is stopped before another module's asyncio tests run.
    """
    from playwright.sync_api import sync_playwright

    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """Answers a fresh page (own cookies) at 1280×800 in a Chinese locale, timing out after 30 s."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot(page: Any, name: str) -> None:
    """Writes docs/<name>.png at 1366×900, the desktop size the pages are checked at, when HUB_SCREENSHOTS is set."""
    if os.environ.get("HUB_SCREENSHOTS"):
        DOCS.mkdir(exist_ok=True)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.screenshot(path=str(DOCS / f"{name}.png"), full_page=False)


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:
    """Answers (screen name, fresh page) at each screen size the pages are checked at, in a Chinese locale."""
    context = browser.new_context(viewport=SCREENS[request.param], locale="zh-CN")
    context.set_default_timeout(30_000)
    try:
        yield request.param, context.new_page()
    finally:
        context.close()
