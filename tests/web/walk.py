"""Walking the pages over real HTTP as a browser would (sealed cookie, CSRF token), and reading what they show."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import httpx
from stdnum.cn import ric, uscc

_COOKIE = re.compile(r"(__Host-hub-(?:portal|console)=[^;]*)")
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d{9})(?![0-9A-Za-z])")
_SHOWN_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")


class Visitor:
    """One person's browser on the hub's pages: keeps the session cookie (Secure, so set by hand over http)."""

    def __init__(self, base_url: str, lang: str = "zh") -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60)
        self.session = ""
        self.lang = lang
        self.last: httpx.Response | None = None

    def _headers(self) -> dict[str, str]:
        cookies = [f"hub_lang={self.lang}", *([self.session] if self.session else [])]
        return {"Cookie": "; ".join(cookies)}

    def _keep(self, response: httpx.Response) -> httpx.Response:
        found = _COOKIE.search(response.headers.get("set-cookie", ""))
        if found:
            self.session = found.group(1)
        return response

    def get(self, path: str) -> httpx.Response:
        """Answers a page, as the browser would show it after following nothing."""
        self.last = self._keep(self.http.get(path, headers=self._headers()))
        return self.last

    def post(self, path: str, data: dict[str, Any], *, follow: bool = True) -> httpx.Response:
        """Answers the page a form post leads to (the CSRF token taken from the last page shown)."""
        assert self.last is not None, "open a page before posting its form"
        token = _CSRF.search(self.last.text)
        assert token, "the last page has no form"
        response = self._keep(self.http.post(path, data={"csrf": token.group(1), **data}, headers=self._headers()))
        if follow and response.status_code == 303:
            return self.get(response.headers["location"])
        self.last = response
        return response

    def close(self) -> None:
        """Closes the connection pool."""
        self.http.close()


class _Shown(HTMLParser):
    """Collects what a person reads on a page: text outside scripts and styles, and labels read aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.verbatim: list[str] = []
        self._hidden = 0
        self._kept: list[str] = []  # open elements marked translate="no": data shown as it was sent

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        if (self._kept and tag == self._kept[0]) or ("translate", "no") in attrs:
            self._kept.append(tag)
        self.parts.extend(value for name, value in attrs if name in _SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1
        if self._kept and tag == self._kept[0]:
            self._kept.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            (self.verbatim if self._kept else self.parts).append(data.strip())


def shown_strings(html: str, *, verbatim: bool = True) -> list[str]:
    """Answers every string a page shows or reads aloud (text and accessible labels); `verbatim=False` leaves out
    what the page marks `translate="no"` (names as their senders wrote them)."""
    parser = _Shown()
    parser.feed(html)
    return [*parser.parts, *parser.verbatim] if verbatim else parser.parts


def _old_resident_id(number: str) -> bool:
    try:
        date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return False
    return number[:2] in {code[:2] for code in ("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33",
                                                "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50",
                                                "51", "52", "53", "54", "61", "62", "63", "64", "65")}  # fmt: skip


def unmasked_identifiers(text: str) -> set[str]:
    """Answers the resident IDs (18 digits with a valid check, or 15 digits) and mobile numbers shown in full."""
    found = {m for m in _RESIDENT_ID.findall(text) if len(m) == 15 and _old_resident_id(m)}
    found |= {m for m in _RESIDENT_ID.findall(text) if len(m) == 18 and ric.is_valid(m) and not uscc.is_valid(m)}
    return found | set(_MOBILE.findall(text))


_WORD = re.compile(r"(?<![0-9A-Za-z])[A-Za-z][A-Za-z0-9_.:/-]*[A-Za-z0-9]")
# Names a Chinese page may show as they are: standards, formats, products, the language switch.
ASCII_NAMES = frozenset({"CSV", "GraphQL", "OpenID", "Connect", "English", "ID", "oidc.issuer", "oidc.jwks_url",
                         "audit:read", "SVG", "UTF-8", "BOM", "GB18030", "Excel", "Credit", "Hub"})  # fmt: skip


# Codes of the measures list (`GP-01`) are identifiers the officer looks up, shown as they are.
_MEASURE_CODE = re.compile(r"[A-Z]{2}-\d{2}")


def english_in(strings: list[str]) -> list[str]:
    """Answers the shown strings holding an ASCII word that is not a known name or a measure's code."""
    return [
        s for s in strings if any(w not in ASCII_NAMES and not _MEASURE_CODE.fullmatch(w) for w in _WORD.findall(s))
    ]
