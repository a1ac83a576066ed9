"""The citizen's portal in a real browser: sign in, see a bank's query, grant and revoke consent."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from hub.demo.departments import DEPARTMENTS
from tests.web.conftest import screenshot

pytestmark = pytest.mark.browser

BANK_NAME = next(d.name for d in DEPARTMENTS if d.key == "bank")
BANK_QUERY = """query($c: ID!) { subject(code: $c, purpose: CREDIT_LENDING) {
  name phone address penalties { decisionNumber } listings { list } } }"""


def _codes(body: dict[str, Any]) -> set[str]:
    return {error["extensions"]["code"] for error in body.get("errors", [])}


def sign_in(page: Any, hub: Any, code: str) -> None:
    """Signs in on the portal through the development identity provider's form."""
    page.goto(f"{hub.base_url}/portal")
    page.get_by_label("居民身份证号或统一社会信用代码").fill(code)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{hub.base_url}/portal")


def grant_bank_consent(page: Any, hub: Any) -> None:
    """Grants the bank consent for credit lending through the portal's form."""
    form = page.locator("form[action$='/portal/consents#notice']")
    form.get_by_label("被授权机构（名称或统一社会信用代码）").fill(hub.clients["bank"]["org"])
    form.get_by_label("用途").select_option("CREDIT_LENDING")
    form.get_by_role("button", name="授权").click()
    page.wait_for_url(re.compile(r"/portal(#notice)?$"))


def test_sign_in_needs_the_development_provider_form(page: Any, web_hub: Any) -> None:
    page.goto(f"{web_hub.base_url}/portal")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("heading", level=1).inner_text() == "登录信用门户"
    code = page.get_by_label("居民身份证号或统一社会信用代码")
    code.focus()
    code.fill("12345")
    page.keyboard.press("Enter")
    assert "登录失败" in page.get_by_role("alert").inner_text()


def test_citizen_sees_the_bank_query_then_revokes_and_the_bank_is_refused(page: Any, web_hub: Any) -> None:
    person = web_hub.samples["person"]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    before = web_hub.graphql("bank", BANK_QUERY, {"c": person}).json()
    assert "CONSENT_REQUIRED" in _codes(before)

    sign_in(page, web_hub, person)
    assert page.get_by_role("heading", level=1).inner_text().startswith("我的信用")
    grant_bank_consent(page, web_hub)
    consents = page.locator("#consents table").first
    assert BANK_NAME in consents.inner_text()
    assert "有效" in consents.inner_text()

    granted = web_hub.graphql("bank", BANK_QUERY, {"c": person}).json()
    assert "CONSENT_REQUIRED" not in _codes(granted)
    assert granted["data"]["subject"]["name"]

    page.goto(f"{web_hub.base_url}/portal")
    timeline = page.locator("#access ol.timeline")
    first = timeline.locator("li").first
    assert BANK_NAME in first.locator(".org").inner_text()
    assert "信贷审批" in first.inner_text()
    assert "明文" in first.inner_text()
    assert "脱敏" in first.inner_text()
    screenshot(page, "portal")

    row = consents.locator("tr", has_text=BANK_NAME).filter(has=page.get_by_role("button", name="撤回"))
    row.get_by_role("button", name="撤回").click()
    page.wait_for_url(re.compile(r"/portal(#notice)?$"))
    assert "已撤回" in page.get_by_role("status").inner_text()
    past = page.locator("#consents details.past")
    assert not past.locator("table").is_visible(), "revoked consents are folded away"
    past.locator("summary").click()
    assert "已撤回" in past.locator("table").inner_text()

    refused = web_hub.graphql("bank", BANK_QUERY, {"c": person}).json()
    assert "CONSENT_REQUIRED" in _codes(refused)
    assert not any(person in url for url in requested), "a resident ID went into a URL"


def test_session_cookie_is_sealed_and_strict(page: Any, web_hub: Any) -> None:
    person = web_hub.samples["person"]
    sign_in(page, web_hub, person)
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    session = cookies["__Host-hub-portal"]
    assert session["httpOnly"]
    assert session["secure"]
    assert session["sameSite"] == "Strict"
    assert person not in session["value"]
    assert "eyJ" not in session["value"]
    assert page.evaluate("document.cookie").find("hub-portal") == -1


def test_posts_without_the_csrf_token_are_refused(page: Any, web_hub: Any) -> None:
    sign_in(page, web_hub, web_hub.samples["person"])
    cookie = {c["name"]: c["value"] for c in page.context.cookies()}["__Host-hub-portal"]
    forged = httpx.post(
        f"{web_hub.base_url}/portal/consents",
        data={"grantee": web_hub.clients["bank"]["org"], "purpose": "CREDIT_LENDING", "expires": "2099-01-01"},
        cookies={"__Host-hub-portal": cookie},
    )
    assert forged.status_code == 403
    cross_site = httpx.post(
        f"{web_hub.base_url}/portal/logout",
        data={"csrf": "x"},
        headers={"Origin": "https://evil.example"},
        cookies={"__Host-hub-portal": cookie},
    )
    assert cross_site.status_code == 403


def test_english_is_one_click_away_and_remembered(page: Any, web_hub: Any) -> None:
    sign_in(page, web_hub, web_hub.samples["enterprise"])
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Who queried my record").is_visible()
    page.goto(f"{web_hub.base_url}/portal")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Consent is given by natural persons" in page.locator("#consents").inner_text()
    page.get_by_role("link", name="简体中文").click()
    assert page.locator("html").get_attribute("lang") == "zh-CN"


def test_every_form_control_has_a_label(page: Any, web_hub: Any) -> None:
    sign_in(page, web_hub, web_hub.samples["person"])
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                 .map(el => el.name)"""
    )
    assert unlabeled == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"


def test_the_portal_reads_through_the_api_and_one_view_is_one_registered_operation(page: Any, web_hub: Any) -> None:
    query = """query($since: DateTime!) { auditEvents(filter: {since: $since, purpose: SELF_ACCESS}, first: 100) {
        edges { node { operationName purpose outcome } } } }"""
    sign_in(page, web_hub, web_hub.samples["person"])
    since = datetime.now(UTC).isoformat()
    page.goto(f"{web_hub.base_url}/portal")
    body = web_hub.graphql("privacy-office", query, {"since": since}).json()
    registered = [edge["node"] for edge in body["data"]["auditEvents"]["edges"]]
    assert registered == [{"operationName": "PortalPage", "purpose": "SELF_ACCESS", "outcome": "OK"}], (
        "one page view, one event in the register"
    )


def test_without_the_development_provider_the_portal_explains(web_hub: Any) -> None:
    from hub.app import create_app
    from hub.composition import open_hub
    from tests.conftest import _run_apart

    settings = web_hub.settings.model_copy(update={"dev_login": False})
    answers: list[httpx.Response] = []

    async def fetch() -> None:
        async with open_hub(settings) as hub:
            transport = httpx.ASGITransport(app=create_app(hub))
            async with httpx.AsyncClient(transport=transport, base_url="https://hub.test") as client:
                answers.append(await client.get("/portal"))

    _run_apart(fetch())
    page = answers[0]
    assert page.status_code == 200
    assert "尚未配置身份认证平台" in page.text
    assert 'action="/portal/login"' not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["cache-control"] == "no-store"


def test_every_page_operation_is_valid_against_the_public_schema() -> None:
    from graphql import parse, validate

    from hub.graphql.schema import build_schema
    from hub.web import operations

    schema = build_schema()._schema
    documents = {name: value for name, value in vars(operations).items() if name.isupper() and "{" in value}
    assert len(documents) >= 10
    for name, document in documents.items():
        assert validate(schema, parse(document)) == [], name


def _in_view(page: Any, selector: str) -> bool:
    """Answers whether the element is inside the viewport as the page now shows it."""
    return bool(
        page.evaluate(
            """(s) => { const r = document.querySelector(s).getBoundingClientRect();
                        return r.top >= 0 && r.bottom <= window.innerHeight; }""",
            selector,
        )
    )


def test_a_failed_grant_answers_next_to_its_form_and_keeps_what_was_typed(page: Any, web_hub: Any) -> None:
    sign_in(page, web_hub, web_hub.samples["person"])
    form = page.locator("form[action$='/portal/consents#notice']")
    form.get_by_label("被授权机构（名称或统一社会信用代码）").fill("91140100MA0K")
    form.get_by_label("用途").select_option("POST_LOAN_MONITORING")
    form.get_by_role("button", name="授权").click()
    page.wait_for_load_state()
    form = page.locator("form[action$='/portal/consents#notice']")
    notice = form.get_by_role("alert")
    assert "代码应为 18 位" in notice.inner_text()
    assert _in_view(page, "#notice"), "the person sees the answer where they are"
    assert form.get_by_label("被授权机构（名称或统一社会信用代码）").input_value() == "91140100MA0K"
    assert form.get_by_label("用途").input_value() == "POST_LOAN_MONITORING"

    form.get_by_label("被授权机构（名称或统一社会信用代码）").fill(web_hub.clients["bank"]["org"])
    form.get_by_role("button", name="授权").click()
    page.wait_for_url(re.compile(r"/portal#notice$"))
    assert "已授权" in form.get_by_role("status").inner_text()
    assert _in_view(page, "#notice")
    assert page.locator("#notice").count() == 1


def test_a_form_sent_after_the_session_ended_goes_through_sign_in_and_back_with_what_was_typed(hub: Any) -> None:
    from tests.web.walk import Visitor

    person, visitor = hub.samples["person"], Visitor(hub.base_url)
    try:
        visitor.get("/portal")
        portal = visitor.post("/portal/login", {"code": person})
        cookie = visitor.session
        visitor.post("/portal/logout", {})  # the session ends (as it does when it times out)
        visitor.session, visitor.last = cookie, portal  # the person's tab still shows the page
        typed = {"grantee": "91140100MA0K", "purpose": "POST_LOAN_MONITORING", "expires": "2027-03-01",
                 "record_types": ["penalty", "listing"]}  # fmt: skip
        ended = visitor.post("/portal/consents", typed)
        assert ended.status_code == 200, ended.text[:300]
        assert "登录已结束" in ended.text
        assert 'name="keep.grantee" value="91140100MA0K"' in ended.text, ended.text[ended.text.find("<main") :]
        carried = dict(re.findall(r'name="(resume|keep\.(?:grantee|purpose|expires))" value="([^"]*)"', ended.text))
        kinds = re.findall(r'name="keep\.record_types" value="([^"]*)"', ended.text)
        back = visitor.post("/portal/login", {"code": person, **carried, "keep.record_types": kinds})
        assert back.status_code == 200
        form = back.text.split('action="/portal/consents#notice"')[1].split("</form>")[0]
        assert "已重新登录" in form, "the notice is next to the form they used"
        assert 'value="91140100MA0K"' in form
        assert '<option value="POST_LOAN_MONITORING" selected>' in form
        assert 'value="2027-03-01"' in form
        assert re.findall(r'value="(\w+)" checked', form) == ["penalty", "listing"]
    finally:
        visitor.close()


def test_an_access_log_filter_stays_out_of_the_address_and_outlives_the_session(hub: Any) -> None:
    from tests.web.walk import Visitor

    person, visitor = hub.samples["person"], Visitor(hub.base_url)
    try:
        visitor.get("/portal")
        portal = visitor.post("/portal/login", {"code": person})
        chosen = visitor.post(
            "/portal/log", {"from": "2099-01-01", "org": hub.clients["bank"]["org"], "action": "apply"}
        )
        assert str(visitor.http.base_url) + "/portal" == str(chosen.url), "no filter in the address"
        assert "没有符合筛选条件的查询记录" in chosen.text
        cookie = visitor.session
        visitor.post("/portal/logout", {})  # the session ends (as it does when it times out)
        visitor.session, visitor.last = cookie, portal
        ended = visitor.post("/portal/log", {"from": "2099-02-01", "action": "apply"})
        assert ended.status_code == 200
        assert "筛选条件已保留" in ended.text
        back = visitor.post("/portal/login", {"code": person})
        assert 'name="from" type="date" value="2099-02-01"' in back.text
        assert "没有符合筛选条件的查询记录" in back.text
        cleared = visitor.post("/portal/log", {"action": "clear"})
        assert "没有符合筛选条件的查询记录" not in cleared.text
    finally:
        visitor.close()
