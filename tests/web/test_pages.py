"""Every view of the portal and the console over real HTTP, on both databases: no personal identifier in full."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.support.server import HubFixture
from tests.web.walk import Visitor, english_in, shown_strings, unmasked_identifiers

LOOKUP = "query($c: ID!, $p: Purpose!) { subject(code: $c, purpose: $p) { name phone } }"
OWN = """{ myRecord { code phone legalRepresentative { idNumber } } }"""


def _own_identifiers(hub: HubFixture, code: str) -> set[str]:
    """Answers what the self-access policy gives a subject in clear about themselves (which their page may show)."""
    record = hub.self_graphql(code, OWN).json()["data"]["myRecord"]
    values = [record["code"], record["phone"], (record.get("legalRepresentative") or {}).get("idNumber")]
    return {value for value in values if value}


@pytest.fixture
def views(hub: HubFixture) -> Iterator[dict[str, str]]:
    """Answers every view of both pages (name → HTML) after third-party, own and refused reads, in both languages."""
    person, firm = hub.samples["person"], hub.samples["enterprise"]
    reads = [("bank", person, "CREDIT_LENDING"), ("approval-bureau", firm, "ADMINISTRATIVE_APPROVAL"),
             ("market-regulation", person, "SUPERVISION")]  # fmt: skip
    for department, code, purpose in reads:
        assert hub.graphql(department, LOOKUP, {"c": code, "p": purpose}).status_code == 200
    for _ in range(6):  # refused in a burst: an anomaly naming the public portal's client
        hub.graphql("public", LOOKUP, {"c": firm, "p": "LAW_ENFORCEMENT"})
    shown: dict[str, str] = {}
    visitors: list[Visitor] = []
    for lang in ("zh", "en"):
        for who, code in (("person", person), ("enterprise", firm)):
            visitor = Visitor(hub.base_url, lang)
            visitors.append(visitor)
            shown[f"portal sign-in {lang}"] = visitor.get("/portal").text
            shown[f"portal sign-in refused {lang}"] = visitor.post("/portal/login", {"code": "12345"}).text
            shown[f"portal {who} {lang}"] = visitor.post("/portal/login", {"code": code}).text
            grant = {"grantee": "9114", "purpose": "CREDIT_LENDING", "expires": "2027-01-01"}
            shown[f"portal {who} refused grant {lang}"] = visitor.post("/portal/consents", grant).text
            bad_filter = {"from": "2026-13-01", "org": "bank", "action": "apply"}
            shown[f"portal {who} refused log filter {lang}"] = visitor.post("/portal/log", bad_filter).text
            objection = {"item": "taiyuan:penalty:0", "reason": "不是我"}
            shown[f"portal {who} refused objection {lang}"] = visitor.post("/portal/objections", objection).text
        officer = Visitor(hub.base_url, lang)
        visitors.append(officer)
        shown[f"console sign-in {lang}"] = officer.get("/console").text
        signed = officer.post("/console/login", {"officer": "wangmin"})
        shown[f"console {lang}"] = signed.text
        for anomaly in sorted(set(re.findall(r'href="(/console/anomalies/[^"]+)"', signed.text))):
            shown[f"console {anomaly} {lang}"] = officer.get(anomaly).text
        following = re.search(r'href="(/console\?after=[^"#]+)', signed.text)
        if following:
            shown[f"console next page {lang}"] = officer.get(following.group(1).replace("&amp;", "&")).text
        shown[f"console subject {lang}"] = officer.post("/console/filter", {"subject": person, "action": "apply"}).text
    try:
        yield shown
    finally:
        for visitor in visitors:
            visitor.close()


def test_no_view_shows_a_resident_id_or_mobile_in_full(hub: HubFixture, views: dict[str, str]) -> None:
    person, firm = hub.samples["person"], hub.samples["enterprise"]
    allowed = {"person": _own_identifiers(hub, person), "enterprise": _own_identifiers(hub, firm)}
    assert len(views) >= 14, sorted(views)
    assert any(name.startswith("console /console/anomalies/") for name in views), sorted(views)
    leaks: dict[str, set[str]] = {}
    for name, html in views.items():
        viewer = next((who for who in allowed if f"portal {who}" in name), None)
        found = unmasked_identifiers("\n".join(shown_strings(html))) - allowed.get(viewer or "", set())
        if found:
            leaks[name] = found
    assert leaks == {}, "identifiers shown in full (the viewer's policy does not give them)"


def test_the_console_masks_a_citizens_own_reads_in_the_organisation_column(views: dict[str, str]) -> None:
    register = re.findall(r'<td [^>]*class="org">([^<]*)</td>', views["console zh"])
    own = [org for org in register if re.fullmatch(r"\d{6}\*{8}[\dX]{4}", org)]
    assert own, "the citizen's own reads are in the register, their code masked"


def test_the_scan_finds_what_it_must() -> None:
    shown = shown_strings('<p title="110101199003074477">13812345678</p><script>"110101199003074477"</script>')
    assert unmasked_identifiers(" ".join(shown)) == {"110101199003074477", "13812345678"}
    assert unmasked_identifiers("110101********4477 138****5678 91140100MA0K0KXN4Q 110101900307447") == {
        "110101900307447"
    }
    assert unmasked_identifiers("110101199003074478") == set(), "a wrong check digit is no resident ID"


def test_the_chinese_views_show_no_english(views: dict[str, str]) -> None:
    chinese = {name: html for name, html in views.items() if not name.endswith(" en")}
    found = {name: english_in(shown_strings(html, verbatim=False)) for name, html in chinese.items()}
    english = {name: strings for name, strings in found.items() if strings}
    assert english == {}, "\n".join(f"{name}: {strings}" for name, strings in english.items())
