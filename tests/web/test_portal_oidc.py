"""The portal's sign-in through an OpenID Connect provider, in Debian's Chromium: authorization code with PKCE,
state and nonce, and what the person typed carried across the provider's round trip back to their form.

The provider is a small one served here at `localhost` while the hub is at `127.0.0.1`: two sites, so the browser
treats the provider's redirect back as cross-site, as it would in a deployment (the hub's session cookie is
`SameSite=Strict` and is not sent on it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from hub.config import OidcSettings
from hub.web.portal_oidc import OidcSignIn
from tests.web.idp_pages import IdpHandler, hidden_fields

pytestmark = pytest.mark.browser

CLIENT_ID, CLIENT_SECRET = "credit-hub-portal", "portal-secret-0123456789"
CODE_LABEL = "身份证号（测试身份认证平台）"


class Provider:
    """An identity provider: a sign-in form, codes bound to a PKCE challenge and nonce, ID tokens, its JWKS."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "idp-1", "use": "sig"})
        self.codes: dict[str, dict[str, str]] = {}
        self.redeemed: list[dict[str, str]] = []
        self.logouts: list[dict[str, str]] = []
        provider = self

        class Handler(IdpHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                asked = {k: v[0] for k, v in parse_qs(url.query).items()}
                if self._keys_or_logout(url.path, asked, provider.key, provider.logouts):
                    return
                hidden = hidden_fields(asked)
                page = (f'<!doctype html><html lang="zh-CN"><title>IdP</title><form method="post" action="/authorize">'
                        f'{hidden}<label>{CODE_LABEL}<input name="sub"></label><button>同意并登录</button>'
                        f'<button name="cancel" value="1">取消</button></form></html>')  # fmt: skip
                self._send(200, page.encode(), "text/html; charset=utf-8")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path == "/authorize":
                    if form.get("cancel"):
                        answer = {"error": "access_denied", "state": form["state"]}
                    else:
                        code = secrets.token_urlsafe(16)
                        provider.codes[code] = form
                        answer = {"code": code, "state": form["state"]}
                    self._send(302, b"", "text/plain", {"Location": f"{form['redirect_uri']}?{urlencode(answer)}"})
                    return
                basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                asked = provider.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
                if (
                    self.headers.get("Authorization") != f"Basic {basic}"
                    or asked is None
                    or asked["code_challenge"] != challenge
                    or asked["redirect_uri"] != form.get("redirect_uri")
                ):
                    self._send(400, b'{"error": "invalid_grant"}', "application/json")
                    return
                provider.redeemed.append(asked)
                now = int(time.time())
                claims = {"iss": provider.issuer, "aud": CLIENT_ID, "sub": asked["sub"], "nonce": asked["nonce"],
                          "iat": now, "exp": now + 900}  # fmt: skip
                token = jwt.encode({"alg": "RS256", "kid": "idp-1"}, claims, provider.key, algorithms=["RS256"])
                body = {"id_token": token, "access_token": "opaque", "token_type": "Bearer", "expires_in": 900}
                self._send(200, json.dumps(body).encode(), "application/json")

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://localhost:{self.server.server_address[1]}"

    def settings(self) -> OidcSettings:
        """Answers the hub's `oidc` settings for this provider, the portal's client included."""
        return OidcSettings(
            issuer=self.issuer, jwks_url=f"{self.issuer}/jwks", audience=CLIENT_ID, client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET, authorization_endpoint=f"{self.issuer}/authorize",
            token_endpoint=f"{self.issuer}/token", end_session_endpoint=f"{self.issuer}/logout",
        )  # fmt: skip


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    """Answers the running identity provider."""
    idp = Provider()
    thread = threading.Thread(target=idp.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield idp
    idp.server.shutdown()
    idp.server.server_close()


@pytest.fixture(scope="module")
def oidc_hub(provider: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Answers a running hub whose portal signs people in through the provider (no development sign-in)."""
    from tests.conftest import _run_apart
    from tests.support import server

    hub_url, source_urls = server.sqlite_urls(tmp_path_factory.mktemp("oidc-hub"))
    clients: dict[str, dict[str, str]] = {}

    async def prepare() -> None:
        clients.update(await server.prepare(hub_url, source_urls))

    _run_apart(prepare())
    settings = server.hub_settings(hub_url, source_urls, dev_login=False, oidc=provider.settings())
    for base_url in server.serve(settings):
        yield server.HubFixture(base_url, settings, clients, server.sample_codes(), source_urls)


def _through_provider(page: Any, code: str, *, cancel: bool = False) -> None:
    page.get_by_role("link", name="前往身份认证平台").click()
    page.wait_for_url(lambda url: url.startswith("http://localhost:"))
    page.get_by_label(CODE_LABEL).fill(code)
    page.get_by_role("button", name="取消" if cancel else "同意并登录").click()
    page.wait_for_load_state()


def test_sign_in_goes_through_the_provider_with_pkce_state_and_nonce(
    page: Any, oidc_hub: Any, provider: Provider
) -> None:
    page.goto(f"{oidc_hub.base_url}/portal")
    assert page.get_by_label("居民身份证号或统一社会信用代码").count() == 0, "no development form"
    _through_provider(page, oidc_hub.samples["person"])
    page.wait_for_url(f"{oidc_hub.base_url}/portal")
    assert page.get_by_role("heading", level=1).inner_text().startswith("我的信用 · ")
    asked = provider.redeemed[-1]
    assert asked["code_challenge_method"] == "S256"
    assert asked["redirect_uri"] == f"{oidc_hub.base_url}/portal/oidc/callback"
    assert len(asked["state"]) >= 32
    assert len(asked["nonce"]) >= 32
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert "__Host-hub-portal-oidc" not in cookies, "the flow is forgotten once it is over"
    assert cookies["__Host-hub-portal"]["sameSite"] == "Strict"


def test_signing_out_ends_the_session_at_the_provider_and_comes_back_signed_out(
    page: Any, oidc_hub: Any, provider: Provider
) -> None:
    page.goto(f"{oidc_hub.base_url}/portal")
    _through_provider(page, oidc_hub.samples["person"])
    page.wait_for_url(f"{oidc_hub.base_url}/portal")
    with page.expect_navigation(url=f"{oidc_hub.base_url}/portal"):
        page.locator("form[action$='/portal/logout'] button").click()
    page.get_by_role("link", name="前往身份认证平台").wait_for()  # back at the sign-in page
    asked = provider.logouts[-1]
    assert asked["client_id"] == CLIENT_ID
    assert asked["post_logout_redirect_uri"] == f"{oidc_hub.base_url}/portal"
    assert "id_token_hint" not in asked, "never the ID token (its subject is a resident ID) in a URL kept in history"


def test_a_callback_that_this_browser_did_not_start_is_refused(page: Any, oidc_hub: Any) -> None:
    page.goto(f"{oidc_hub.base_url}/portal/oidc/callback?code=stolen&state=guessed")
    assert "登录已失效或不属于本浏览器" in page.get_by_role("alert").inner_text()
    page.goto(f"{oidc_hub.base_url}/portal")
    page.get_by_role("link", name="前往身份认证平台").click()
    page.wait_for_url(lambda url: url.startswith("http://localhost:"))
    page.goto(f"{oidc_hub.base_url}/portal/oidc/callback?code=stolen&state=guessed")  # the flow's state differs
    assert "登录已失效或不属于本浏览器" in page.get_by_role("alert").inner_text()


def test_what_was_typed_survives_the_provider_round_trip_back_to_its_form(page: Any, oidc_hub: Any) -> None:
    page.goto(f"{oidc_hub.base_url}/portal")
    _through_provider(page, oidc_hub.samples["person"])
    page.wait_for_url(f"{oidc_hub.base_url}/portal")
    ended = {c["name"]: c for c in page.context.cookies()}["__Host-hub-portal"]
    csrf = page.locator("form[action$='/portal/logout'] input[name=csrf]").get_attribute("value")
    assert page.request.post(f"{oidc_hub.base_url}/portal/logout", form={"csrf": csrf}).ok  # signed out elsewhere
    page.context.add_cookies([ended])  # the tab still holds the page and the ended session

    form = page.locator("form[action$='/portal/consents#notice']")
    form.get_by_label("被授权机构（名称或统一社会信用代码）").fill("工商银行")
    form.get_by_label("用途").select_option("POST_LOAN_MONITORING")
    form.get_by_label("行政许可").check()
    form.get_by_role("button", name="授权").click()
    page.wait_for_load_state()
    assert "登录已结束" in page.get_by_role("alert").inner_text()
    assert "登录后将回到原来的表单" in page.locator("main").inner_text()

    _through_provider(page, oidc_hub.samples["person"], cancel=True)  # cancelled: still carried
    assert "身份认证平台未完成登录" in page.get_by_role("alert").inner_text()
    _through_provider(page, oidc_hub.samples["person"])
    form = page.locator("form[action$='/portal/consents#notice']")
    assert "已重新登录" in form.get_by_role("status").inner_text()
    assert form.get_by_label("被授权机构（名称或统一社会信用代码）").input_value() == "工商银行"
    assert form.get_by_label("用途").input_value() == "POST_LOAN_MONITORING"
    assert form.get_by_label("行政许可").is_checked()
    form.get_by_role("button", name="授权").click()  # submitted again, now signed in
    page.wait_for_url(f"{oidc_hub.base_url}/portal#notice")
    assert "已授权" in page.locator("form[action$='/portal/consents#notice']").get_by_role("status").inner_text()


def test_the_end_session_url_names_the_client_and_the_way_back_never_the_id_token() -> None:
    idp = "https://idp.example"
    base = {"issuer": idp, "jwks_url": f"{idp}/jwks", "client_id": "hub", "authorization_endpoint": f"{idp}/auth",
            "token_endpoint": f"{idp}/token"}  # fmt: skip
    assert OidcSignIn(OidcSettings(**base), None).end_session("https://hub/portal") is None
    ending = OidcSignIn(OidcSettings(**base, end_session_endpoint="https://idp.example/logout?ui=1"), None)
    url = urlparse(str(ending.end_session("https://hub/portal")))
    assert (url.netloc, url.path) == ("idp.example", "/logout")
    assert parse_qs(url.query) == {
        "ui": ["1"],
        "client_id": ["hub"],
        "post_logout_redirect_uri": ["https://hub/portal"],
    }
    fixed = OidcSettings(
        **base, end_session_endpoint="https://idp.example/logout", post_logout_redirect_url="https://x/"
    )
    assert "post_logout_redirect_uri=https%3A%2F%2Fx%2F" in str(OidcSignIn(fixed, None).end_session("https://hub/p"))
