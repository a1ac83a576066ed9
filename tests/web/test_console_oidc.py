"""Officers sign in to the console through the organisation's identity provider, over real HTTP on both databases:
authorization code with PKCE, state and nonce; the provider's group maps the person to a department; the register
names them; a person in no officer group is refused and registered; no shared client secret is taken."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest

from tests.graphql.audit_hub import PRIVACY, backends, running_hub
from tests.support.server import HubFixture
from tests.web.officer_idp import OFFICER_GROUP, OfficerProvider, running_provider
from tests.web.walk import Visitor

LOOKUP = "query($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) { name } }"
REGISTER = """query($op: String!) { auditEvents(filter: {operator: $op}, first: 50) {
  edges { node { type outcome operationName errorCodes department } } } }"""
FLOW = re.compile(r"(__Host-hub-console-oidc=[^;]*)")


class Officer(Visitor):
    """An officer's browser: the session cookie, and the sign-in's own cookie (sent on the provider's redirect back,
    where the Strict session cookie is not)."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.flow = ""
        self.cross_site = False

    def _headers(self) -> dict[str, str]:
        cookies = [f"hub_lang={self.lang}", *([self.session] if self.session and not self.cross_site else [])]
        return {"Cookie": "; ".join([*cookies, *([self.flow] if self.flow else [])])}

    def _keep(self, response: httpx.Response) -> httpx.Response:
        for header in response.headers.get_list("set-cookie"):
            found = FLOW.search(header)
            if found:
                self.flow = "" if "Max-Age=0" in header or found.group(1).endswith('=""') else found.group(1)
        return super()._keep(response)

    def to_provider(self) -> dict[str, str]:
        """Answers the authorization request the console sends the browser to the provider with."""
        start = self.get("/console/oidc/start")
        assert start.status_code == 303, start.text
        assert start.headers["location"].startswith("http://localhost:")
        return {k: v[0] for k, v in parse_qs(urlparse(start.headers["location"]).query).items()}

    def back_from_provider(self, provider: OfficerProvider, asked: dict[str, str], **person: str) -> httpx.Response:
        """Answers the console's page after the person signs in at the provider (its redirect back followed)."""
        answer = httpx.post(f"{provider.issuer}/authorize", data={**asked, **person}, timeout=30)
        assert answer.status_code == 302
        return self.callback(answer.headers["location"])

    def callback(self, location: str) -> httpx.Response:
        """Answers the console's callback, reached by a cross-site redirect."""
        url = urlparse(location)
        self.cross_site = True
        try:
            return self.get(f"{url.path}?{url.query}")
        finally:
            self.cross_site = False

    def sign_in(self, provider: OfficerProvider, **person: str) -> httpx.Response:
        """Answers the console after signing in at the provider as `person` (sub, name, groups)."""
        self.get("/console")
        return self.back_from_provider(provider, self.to_provider(), **person)


@pytest.fixture(scope="module")
def provider() -> Iterator[OfficerProvider]:
    """Answers the organisation's running identity provider."""
    with running_provider() as idp:
        yield idp


@pytest.fixture(scope="module", params=backends())
def hub(request: pytest.FixtureRequest, provider: OfficerProvider, tmp_path_factory: Any) -> Iterator[HubFixture]:
    """A hub as `serve` runs it with the provider configured (no development sign-in), after six refused look-ups
    (an anomaly to review)."""
    folder = tmp_path_factory.mktemp(f"oidc-console-{request.param}")
    with running_hub(request.param, folder, dev_login=False, oidc=provider.settings()) as running:
        for _ in range(6):
            asked = {"c": running.samples["enterprise"], "p": "LAW_ENFORCEMENT"}
            refused = running.graphql("public", LOOKUP, asked).json()
            assert refused["errors"][0]["extensions"]["code"] == "PURPOSE_NOT_ALLOWED"
        yield running


@pytest.fixture
def officer(hub: HubFixture) -> Iterator[Officer]:
    """Answers a fresh browser on the hub's console."""
    visitor = Officer(hub.base_url)
    yield visitor
    visitor.close()


def registered(hub: HubFixture, operator: str) -> list[dict[str, Any]]:
    """Answers the register's events naming `operator`, as the privacy office reads them."""
    body = hub.graphql(PRIVACY, REGISTER, {"op": operator}).json()
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["auditEvents"]["edges"]]


def test_an_officer_in_the_mapped_group_signs_in_and_the_register_names_them(
    hub: HubFixture, officer: Officer, provider: OfficerProvider
) -> None:
    back = officer.sign_in(provider, sub="e-20931", name="孙立", groups=f"staff,{OFFICER_GROUP}")
    assert back.status_code == 200, back.text
    assert 'http-equiv="refresh" content="0;url=/console"' in back.text, "a page of ours moves on to the console"
    assert officer.flow == "", "the sign-in's cookie is forgotten once it is over"
    console = officer.get("/console")
    assert console.status_code == 200
    assert "孙立（e-20931）" in console.text
    asked = provider.redeemed[-1]
    assert asked["code_challenge_method"] == "S256"
    assert asked["redirect_uri"] == f"{hub.base_url}/console/oidc/callback"
    assert len(asked["state"]) >= 32
    assert len(asked["nonce"]) >= 32
    events = registered(hub, "孙立（e-20931）")
    assert {"type": "QUERY", "outcome": "OK", "operationName": "ConsolePage", "errorCodes": [],
            "department": PRIVACY} in events, events  # fmt: skip


def test_a_person_in_no_officer_group_is_refused_in_chinese_and_registered(
    hub: HubFixture, officer: Officer, provider: OfficerProvider
) -> None:
    refused = officer.sign_in(provider, sub="e-555", name="李四", groups="staff,finance")
    assert refused.status_code == 403
    assert "未将您的账号列入任何隐私保护工作人员组" in refused.text
    assert "本次登录已记入查询登记簿" in refused.text
    assert "孙立" not in refused.text
    assert 'name="client_secret"' not in refused.text
    assert registered(hub, "李四（e-555）") == [
        {"type": "AUTH_FAILURE", "outcome": "DENIED", "operationName": "officerSignIn",
         "errorCodes": ["FORBIDDEN", "not_officer"], "department": None}
    ]  # fmt: skip
    assert officer.get("/console").text.count("前往身份认证平台") == 1, "still signed out, offered the provider"


def test_a_person_whose_id_is_a_resident_id_is_registered_masked(
    hub: HubFixture, officer: Officer, provider: OfficerProvider
) -> None:
    person = hub.samples["person"]
    refused = officer.sign_in(provider, sub=person, groups="staff")
    assert refused.status_code == 403
    assert person not in refused.text
    shown = person[:6] + "*" * 8 + person[-4:]
    assert registered(hub, shown)[0]["errorCodes"] == ["FORBIDDEN", "not_officer"]
    assert registered(hub, person) == []


def test_no_shared_secret_is_offered_or_taken(hub: HubFixture, officer: Officer, provider: OfficerProvider) -> None:
    page = officer.get("/console")
    assert 'name="client_secret"' not in page.text
    assert 'name="operator"' not in page.text
    assert 'href="/console/oidc/start"' in page.text
    assert "csrf" not in page.text, "the sign-in page has no form to post"
    officer.sign_in(provider, sub="e-20931", name="孙立", groups=OFFICER_GROUP)
    officer.get("/console")  # a page with a form: the secret is refused even with a valid CSRF token
    office = hub.clients[PRIVACY]
    form = {"client_id": office["client_id"], "client_secret": office["client_secret"], "operator": "冒名者"}
    refused = officer.post("/console/login", form)
    assert refused.status_code == 403
    assert "不接受客户端密钥登录" in refused.text
    assert registered(hub, "冒名者") == []
    assert httpx.get(f"{hub.base_url}/dev/officers", timeout=30).status_code == 404


def test_a_callback_with_another_state_or_none_started_is_refused(
    hub: HubFixture, officer: Officer, provider: OfficerProvider
) -> None:
    assert "登录已失效或不属于本浏览器" in officer.callback("/console/oidc/callback?code=stolen&state=guessed").text
    officer.get("/console")
    asked = officer.to_provider()
    answer = httpx.post(f"{provider.issuer}/authorize", data={**asked, "state": "guessed-" + asked["state"],
                        "sub": "e-20931", "groups": OFFICER_GROUP}, timeout=30)  # fmt: skip
    refused = officer.callback(answer.headers["location"])
    assert refused.status_code == 400
    assert "登录已失效或不属于本浏览器" in refused.text
    assert "孙立（e-20931）" not in officer.get("/console").text


def test_an_id_token_with_another_nonce_is_refused(
    hub: HubFixture, officer: Officer, provider: OfficerProvider
) -> None:
    provider.nonce_override = "replayed-nonce-0123456789abcdefghij"
    try:
        refused = officer.sign_in(provider, sub="e-20931", name="孙立", groups=OFFICER_GROUP)
    finally:
        provider.nonce_override = None
    assert refused.status_code == 400
    assert "登录已失效或不属于本浏览器" in refused.text


def test_a_code_bound_to_another_pkce_challenge_is_not_redeemed(
    hub: HubFixture, officer: Officer, provider: OfficerProvider
) -> None:
    officer.get("/console")
    asked = officer.to_provider()
    injected = {**asked, "code_challenge": "an-attackers-challenge-0123456789abcdefghijklm"}
    refused = officer.back_from_provider(provider, injected, sub="e-20931", groups=OFFICER_GROUP)
    assert refused.status_code == 400
    assert "身份认证平台未能完成登录" in refused.text


def test_an_expired_id_token_is_refused(hub: HubFixture, officer: Officer, provider: OfficerProvider) -> None:
    provider.lifetime = -3600
    try:
        refused = officer.sign_in(provider, sub="e-20931", name="孙立", groups=OFFICER_GROUP)
    finally:
        provider.lifetime = 900
    assert refused.status_code == 403
    assert "登录凭证未通过核验" in refused.text


def test_the_hub_refuses_an_id_token_it_did_not_get_from_its_provider(hub: HubFixture) -> None:
    sent = httpx.post(f"{hub.base_url}/oauth/officer", json={"id_token": "a.b.c"}, timeout=30)
    assert sent.status_code == 401
    assert sent.json()["code"] == "UNAUTHENTICATED"
    assert httpx.post(f"{hub.base_url}/oauth/officer", json={}, timeout=30).status_code == 400


def test_a_review_sent_after_the_session_ended_returns_through_the_provider_with_its_note(
    hub: HubFixture, officer: Officer, provider: OfficerProvider
) -> None:
    person = {"sub": "e-20931", "name": "孙立", "groups": OFFICER_GROUP}
    officer.sign_in(provider, **person)
    console = officer.get("/console")
    anomaly = re.findall(r'href="(/console/anomalies/\w+)"', console.text)[0]
    page = officer.get(anomaly)
    cookie = officer.session
    officer.post("/console/logout", {})  # the session ends (as it does when it times out)
    officer.session, officer.last = cookie, page  # the officer's tab still shows the anomaly
    ended = officer.post(f"{anomaly}/review", {"note": "已电话核实。", "submission": "resume-0123456789"})
    assert ended.status_code == 200
    assert "复核说明已保留" in ended.text
    assert officer.flow, "the sign-in's cookie carries the anomaly and the note"
    back = officer.back_from_provider(provider, officer.to_provider(), **person)
    assert back.status_code == 200
    assert ">已电话核实。</textarea>" in back.text
    assert "请确认后再次提交" in back.text


def test_a_filter_sent_after_the_session_ended_applies_after_the_provider(
    hub: HubFixture, officer: Officer, provider: OfficerProvider
) -> None:
    person = {"sub": "e-20931", "name": "孙立", "groups": OFFICER_GROUP}
    officer.sign_in(provider, **person)
    console = officer.get("/console")
    cookie = officer.session
    officer.post("/console/logout", {})
    officer.session, officer.last = cookie, console
    firm = hub.samples["enterprise"]
    ended = officer.post("/console/filter", {"subject": firm, "action": "apply"})
    assert "登录已结束，筛选条件已保留" in ended.text
    officer.back_from_provider(provider, officer.to_provider(), **person)
    assert f'name="subject" value="{firm}"' in officer.get("/console").text


def test_signing_out_ends_the_officers_session_at_the_provider_too(
    hub: HubFixture, officer: Officer, provider: OfficerProvider
) -> None:
    officer.sign_in(provider, sub="e-20931", name="孙立", groups=OFFICER_GROUP)
    assert "孙立" in officer.get("/console").text
    out = officer.post("/console/logout", {}, follow=False)
    assert out.status_code == 200, "a page of ours moves on (the form's CSP keeps its redirects on the hub)"
    refresh = re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', out.text)
    assert refresh is not None, out.text
    ending = html.unescape(refresh.group(1))
    assert f'href="{refresh.group(1)}"' in out.text, "a link too, where refresh is off"
    location = urlparse(ending)
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{provider.issuer}/logout"
    asked = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert asked == {"client_id": "credit-hub", "post_logout_redirect_uri": f"{hub.base_url}/console"}
    back = httpx.get(ending, timeout=30)
    assert (back.status_code, back.headers["location"]) == (302, f"{hub.base_url}/console")
    assert provider.logouts[-1] == asked
    assert "孙立" not in officer.get("/console").text, "signed out at the hub as well"


def test_the_authorization_request_names_the_hubs_client(officer: Officer, provider: OfficerProvider) -> None:
    officer.get("/console")
    asked = officer.to_provider()
    assert {k: asked[k] for k in ("response_type", "client_id", "scope")} == {
        "response_type": "code", "client_id": "credit-hub", "scope": "openid"}  # fmt: skip
    assert urlencode({"x": asked["code_challenge"]})  # a challenge is sent, never the verifier
    assert "code_verifier" not in asked


def test_guessed_id_tokens_from_one_address_are_throttled(
    hub: HubFixture, officer: Officer, provider: OfficerProvider
) -> None:
    """Runs last on each hub: the address is shut out for the rest of the window."""
    answers = [httpx.post(f"{hub.base_url}/oauth/officer", json={"id_token": f"a.b.{n}"}, timeout=30).status_code
               for n in range(hub.settings.auth_failure_limit + 1)]  # fmt: skip
    assert answers[-1] == 429, answers
    assert set(answers[:-1]) <= {401, 429}
    refused = officer.sign_in(provider, sub="e-20931", name="孙立", groups=OFFICER_GROUP)  # the right one too, a while
    assert refused.status_code == 403
    assert "登录失败次数过多" in refused.text
