"""Session cookies: sealed with their own key, and ended on the server when the user signs out."""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import asdict
from pathlib import Path

from starlette.requests import Request

from hub.store.engine import make_engine
from hub.store.keys import RevocationRepository
from hub.store.migrate import upgrade
from hub.web.sessions import SessionCookies, signed_session

COOKIE = "__Host-test"


def _request(cookie: str) -> Request:
    return Request(
        {"type": "http", "method": "GET", "path": "/", "headers": [(b"cookie", f"{COOKIE}={cookie}".encode())]}
    )


def _token(jti: str, exp: int) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'ES256'})}.{part({'jti': jti, 'exp': exp})}.sig"


async def test_a_cookie_opens_only_with_its_own_key(tmp_path: Path) -> None:
    session = signed_session(_token("t1", 2_000_000_000), 900)
    sealed = SessionCookies("s" * 40, COOKIE)._seal(asdict(session))
    assert (await SessionCookies("s" * 40, COOKIE).load(_request(sealed))).signed_in
    assert not (await SessionCookies("t" * 40, COOKIE).load(_request(sealed))).signed_in
    assert not (await SessionCookies(None, COOKIE).load(_request(sealed))).signed_in  # a random key of its own


async def test_an_ended_session_is_refused_and_its_token_revoked(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    try:
        revocations = RevocationRepository(engine)
        cookies = SessionCookies("s" * 40, COOKIE, revocations)
        session = signed_session(_token("token-1", 2_000_000_000), 900)
        copied = cookies._seal(asdict(session))
        assert (await cookies.load(_request(copied))).sid == session.sid
        await cookies.end(session)
        assert not (await cookies.load(_request(copied))).signed_in
        assert await revocations.is_revoked("token-1")
        other = signed_session(_token("token-2", 2_000_000_000), 900)
        assert (await cookies.load(_request(cookies._seal(asdict(other))))).signed_in
    finally:
        await engine.dispose()


async def test_a_lapsed_session_is_recognised_but_signs_nobody_in() -> None:
    cookies = SessionCookies("s" * 40, COOKIE)
    timed_out = signed_session(_token("t2", 2_000_000_000), 900)
    timed_out.expires = 1.0  # long past
    sealed = cookies._seal(asdict(timed_out))
    assert not (await cookies.load(_request(sealed))).signed_in
    lapsed = cookies.lapsed(_request(sealed))
    assert lapsed is not None
    assert lapsed.csrf == timed_out.csrf, "the form it sent can be told from a forged one"
    assert SessionCookies("t" * 40, COOKIE).lapsed(_request(sealed)) is None
    from hub.web.sessions import Session

    assert cookies.lapsed(_request(cookies._seal(asdict(Session())))) is None, "no token: nobody had signed in"
