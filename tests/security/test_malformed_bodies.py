"""Malformed and oversized bodies: a 400 (or 413) BAD_USER_INPUT in the GraphQL error shape, never a 500; registered."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import httpx
import pytest

from tests.security.conftest import all_events, codes, event_id
from tests.support.server import HubFixture

ME = "{ me { department } }"
CAFE = '{"query": "{ me { department } }", "operationName": null, "x": "café"}'
MALFORMED: list[tuple[str, bytes, str]] = [
    (
        "latin-1",
        '{"query": "{ me { department } }", "operationName": null, "x": "café"}'.encode("latin-1"),
        "not UTF-8",
    ),
    ("invalid utf-8", b'{"query": "{ me { department } }\xff\xfe"}', "not UTF-8"),
    ("not json", b'{"query": ', "not JSON (line 1"),
    ("json string", b'"{ me { department } }"', "a JSON string"),
    ("json array", b'[{"query": "{ me { department } }"}]', "a JSON array"),
    ("json number", b"42", "a JSON number"),
    ("json null", b"null", "a JSON null"),
    (
        "surrogate in variables",
        b'{"query": "{ me { department } }", "variables": {"c": "\\ud800"}}',
        "body.variables.c",
    ),
    ("surrogate in query", b'{"query": "{ me { department } } # \\udfff"}', "body.query holds a lone surrogate"),
    ("surrogate in a key", b'{"query": "{ me { department } }", "variables": {"\\ud800": 1}}', "lone surrogate"),
    ("bad operationName", b'{"query": "{ me { department } }", "operationName": "\\u0000"}', "operationName"),
    ("numeric operationName", b'{"query": "{ me { department } }", "operationName": 7}', "operationName"),
]


def _post(hub: HubFixture, content: bytes, **headers: str) -> httpx.Response:
    sent = {"Authorization": f"Bearer {hub.token('public')}", "Content-Type": "application/json", **headers}
    return httpx.post(f"{hub.base_url}/graphql", content=content, headers=sent, timeout=30)


@pytest.mark.parametrize(("content", "says"), [(body, says) for _, body, says in MALFORMED],
                         ids=[name for name, _, _ in MALFORMED])  # fmt: skip
def test_a_malformed_body_is_bad_user_input_and_registered(hub: HubFixture, content: bytes, says: str) -> None:
    response = _post(hub, content)
    assert response.status_code == 400
    body = response.json()
    assert body["data"] is None
    assert codes(body) == ["BAD_USER_INPUT"]
    assert says in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["fix"]
    registered = [e for e in all_events(hub, {"department": "public"}) if e["eventId"] == event_id(body)]
    assert len(registered) == 1
    assert registered[0]["errorCodes"] == ["BAD_USER_INPUT"]


def test_a_pair_of_surrogates_is_one_character_and_served(hub: HubFixture) -> None:
    body = _post(hub, b'{"query": "{ me { department } } # \\ud83d\\ude00"}').json()
    assert body["data"]["me"]["department"] == "public"
    assert event_id(body)


def test_a_body_under_the_cap_is_served(hub: HubFixture) -> None:
    document = "#" + "x" * 60_000 + "\n" + ME
    response = _post(hub, httpx.Request("POST", "/", json={"query": document}).content)
    assert response.status_code == 200
    assert response.json()["data"]["me"]["department"] == "public"


def _raw_exchange(hub: HubFixture, head: bytes, chunks: int, chunk: bytes) -> tuple[bytes, int]:
    """Sends `head` then up to `chunks` chunks over a raw socket; answers the response's start and chunks sent."""
    address = urlsplit(hub.base_url)
    sent = 0
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(head)
        connection.settimeout(0.05)
        answer = b""
        while sent < chunks and not answer:
            try:
                connection.sendall(chunk)
                sent += 1
                answer = connection.recv(4096)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        connection.settimeout(10)
        while b"\r\n\r\n" not in answer:
            more = connection.recv(4096)
            if not more:
                break
            answer += more
    return answer, sent


def _head(hub: HubFixture, path: str, media: str, framing: str) -> bytes:
    address = urlsplit(hub.base_url)
    lines = [f"POST {path} HTTP/1.1", f"Host: {address.netloc}", f"Content-Type: {media}", framing,
             f"Authorization: Bearer {hub.token('public')}", "", ""]  # fmt: skip
    return "\r\n".join(lines).encode()


def test_a_ten_megabyte_document_is_refused_before_it_is_read(hub: HubFixture) -> None:
    """One comment of 10 MB, declared: 413 after the headers; sent in chunks: 413 once past the cap."""
    ten_mb = 10 * 1024 * 1024
    declared, sent = _raw_exchange(
        hub,
        _head(hub, "/graphql", "application/json", f"Content-Length: {ten_mb}"),
        160,
        b'{"query": "#' + b"x" * 65_536,
    )
    assert declared.startswith(b"HTTP/1.1 413"), declared[:200]
    assert sent < 10  # answered long before 10 MB went out
    piece = b"x" * 16_384
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    streamed, sent = _raw_exchange(
        hub, _head(hub, "/graphql", "application/json", "Transfer-Encoding: chunked"), 640, chunk
    )
    assert streamed.startswith(b"HTTP/1.1 413"), streamed[:200]
    assert sent < 640


def test_the_cap_holds_on_every_post_endpoint(hub: HubFixture) -> None:
    form = {"grant_type": "client_credentials", "padding": "x" * 70_000}
    token = httpx.post(f"{hub.base_url}/oauth/token", data=form, timeout=30)
    assert token.status_code == 413
    assert "larger than 65536 bytes" in token.json()["error_description"]
    login = httpx.post(f"{hub.base_url}/dev/login", json={"code": "x" * 70_000}, timeout=30)
    assert login.status_code == 413
    graphql = _post(hub, b'{"query": "#' + b"x" * 70_000 + b'"}')
    assert graphql.status_code == 413
    assert codes(graphql.json()) == ["BAD_USER_INPUT"]
    assert "max_body_bytes" in graphql.json()["errors"][0]["extensions"]["fix"]
    registered = [e for e in all_events(hub, {"department": "public"}) if e["eventId"] == event_id(graphql.json())]
    assert registered[0]["errorCodes"] == ["BAD_USER_INPUT"]  # the caller is known: the refusal is registered
    anonymous = httpx.post(
        f"{hub.base_url}/graphql", content=b"x" * 70_000, headers={"Content-Type": "application/json"}
    )
    assert anonymous.status_code == 401  # a caller without a token learns nothing more
