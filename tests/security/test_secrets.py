"""Secrets: `serve` refuses default or weak ones; cookies have their own key; a signed-out cookie is dead;
signing-key rows are trusted only sealed and whole."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc.jwk import ECKey

from hub.config import Settings
from hub.store.engine import make_engine
from hub.store.keys import SigningKeyRepository, check_signing_keys
from hub.store.migrate import upgrade
from hub.web.portal import COOKIE
from hub.web.sessions import SessionCookies, signed_session
from tests.support.server import HubFixture

SESSION_SECRET = "portal-cookies-0123456789abcdefghijkl"
GOOD_AUDIT = "register-index-0123456789abcdefghijkl"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def hub_settings() -> dict[str, Any]:
    """Cookies keyed by a secret of their own, which the test knows in order to read a copied cookie."""
    return {"session_secret": SESSION_SECRET}


def _cli(*args: str, env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Runs `credit-hub ARGS` in a process of its own (a `serve` that starts would time out and fail the test)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    command = [sys.executable, "-c", "from hub.cli.main import app; app()", *args]
    environment = {**clean, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT
    )


@pytest.mark.parametrize(
    ("secrets", "says"),
    [
        ({}, "setting 'audit_secret' is a published default"),
        ({"HUB_AUDIT_SECRET": "change-me-audit-pepper"}, "setting 'audit_secret' is a published default"),
        ({"HUB_AUDIT_SECRET": "short-but-sixteen-chars"}, "setting 'audit_secret' has 23 characters; at least 32"),
        ({"HUB_AUDIT_SECRET": "ab" * 20}, "setting 'audit_secret' repeats too few characters"),
        ({"HUB_AUDIT_SECRET": GOOD_AUDIT}, "setting 'session_secret' is not set"),
        ({"HUB_AUDIT_SECRET": GOOD_AUDIT, "HUB_SESSION_SECRET": "x" * 8}, "setting 'session_secret' has 8 characters"),
        (
            {"HUB_AUDIT_SECRET": GOOD_AUDIT, "HUB_SESSION_SECRET": GOOD_AUDIT},
            "session_secret is the same as audit_secret",
        ),
    ],
)
def test_serve_refuses_missing_default_short_or_shared_secrets(
    tmp_path: Path, secrets: dict[str, str], says: str
) -> None:
    env = {"HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}", "HUB_PORT": "1", **secrets}
    result = _cli("serve", env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert says in output
    assert "secrets.token_urlsafe(32)" in output
    assert "Traceback" not in output
    for value in secrets.values():
        assert value not in output  # a secret is never echoed


def _cookie(response: httpx.Response) -> str:
    found = re.search(rf"{COOKIE}=([^;]+)", response.headers.get("set-cookie", ""))
    assert found, response.headers
    return found.group(1)


def _csrf(response: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', response.text)
    assert found
    return found.group(1)


def _portal(hub: HubFixture, cookie: str) -> httpx.Response:
    return httpx.get(f"{hub.base_url}/portal", headers={"Cookie": f"{COOKIE}={cookie}"}, timeout=30)


def _signed_in(page: httpx.Response) -> bool:
    return page.status_code == 200 and "/portal/logout" in page.text


def test_a_cookie_sealed_with_the_audit_secret_is_not_a_session(hub: HubFixture) -> None:
    """A deployment's register secret no longer opens or forges its portal cookies."""
    token = hub.self_token(hub.samples["person"])
    forged = SessionCookies(hub.settings.audit_secret, COOKIE)._seal(asdict(signed_session(token, 900, person=True)))
    assert not _signed_in(_portal(hub, forged))
    genuine = SessionCookies(SESSION_SECRET, COOKIE)._seal(asdict(signed_session(token, 900, person=True)))
    assert _signed_in(_portal(hub, genuine))


def test_a_copied_cookie_is_dead_after_sign_out_and_its_token_revoked(hub: HubFixture) -> None:
    first = httpx.get(f"{hub.base_url}/portal", timeout=30)
    anonymous = _cookie(first)
    login = httpx.post(
        f"{hub.base_url}/portal/login", data={"csrf": _csrf(first), "code": hub.samples["person"]},
        headers={"Cookie": f"{COOKIE}={anonymous}"}, timeout=30,
    )  # fmt: skip
    assert login.status_code == 303
    copied = _cookie(login)
    page = _portal(hub, copied)
    assert _signed_in(page)
    session = SessionCookies(SESSION_SECRET, COOKIE)._open(copied)
    assert session is not None
    token = str(session["token"])
    me = {"query": "{ me { subject } }"}
    assert (
        httpx.post(f"{hub.base_url}/graphql", json=me, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )

    logout = httpx.post(
        f"{hub.base_url}/portal/logout",
        data={"csrf": _csrf(page)},
        headers={"Cookie": f"{COOKIE}={copied}"},
        timeout=30,
    )
    assert logout.status_code == 303
    assert not _signed_in(_portal(hub, copied))  # the copy taken before signing out
    refused = httpx.post(f"{hub.base_url}/graphql", json=me, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401


def _store_clear_key(url: str, kid: str) -> None:
    async def store() -> None:
        private = ECKey.generate_key("P-256", parameters={"kid": kid, "alg": "ES256", "use": "sig"})
        engine = make_engine(url)
        try:
            await SigningKeyRepository(engine).add(
                kid=kid, algorithm="ES256", private_jwk=json.dumps(private.as_dict(private=True)),
                public_jwk=json.dumps(private.as_dict(private=False)), created_at=datetime.now(UTC),
            )  # fmt: skip
        finally:
            await engine.dispose()

    asyncio.run(store())


def test_a_signing_key_stored_in_the_clear_stops_serve_until_migrate_seals_it(hub: HubFixture, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    _store_clear_key(url, "legacy-1")
    sources = {f"HUB_SOURCES__{name.upper()}__URL": source for name, source in hub.source_urls.items()}
    env = {"HUB_DATABASE_URL": url, "HUB_AUDIT_SECRET": GOOD_AUDIT, "HUB_SESSION_SECRET": SESSION_SECRET,
           "HUB_SIGNING_KEY_WRAP_PATH": str(tmp_path / "wrap.jwk"), "HUB_PORT": "1", **sources}  # fmt: skip
    refused = _cli("serve", env=env)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "signing key legacy-1 is stored in the clear" in refused.stdout + refused.stderr
    migrated = _cli("migrate", env=env)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert "sealed 1 signing key(s) stored in the clear" in migrated.stdout
    settings = Settings(database_url=url, signing_key_wrap_path=tmp_path / "wrap.jwk")

    async def check() -> None:
        engine = make_engine(url)
        try:
            await check_signing_keys(engine, settings)  # sealed now: start-up accepts it
        finally:
            await engine.dispose()

    asyncio.run(check())
