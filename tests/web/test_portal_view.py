"""The portal's repair form, over real HTTP on both databases: it offers only the items applyCreditRepair takes."""

from __future__ import annotations

import re

import httpx

from tests.support.server import HubFixture

RECORD = """query($c: ID!) { subject(code: $c, purpose: SUPERVISION) {
  licences { id } penalties { id } listings { id list } courtDishonesty { id performance } } }"""


def _cookie(response: httpx.Response) -> str:
    """Answers the portal's session cookie (Secure: a client over plain http would not send it back by itself)."""
    found = re.search(r"(__Host-hub-portal=[^;]+)", response.headers.get("set-cookie", ""))
    assert found, response.headers
    return found.group(1)


def _portal_page(hub: HubFixture, code: str) -> str:
    with httpx.Client(base_url=hub.base_url, timeout=30) as client:
        start = client.get("/portal")
        csrf = re.search(r'name="csrf" value="([^"]+)"', start.text)
        assert csrf
        signed = client.post(
            "/portal/login", data={"csrf": csrf.group(1), "code": code}, headers={"Cookie": _cookie(start)}
        )
        assert signed.status_code in (302, 303), signed.text[:500]
        page = client.get("/portal", headers={"Cookie": _cookie(signed)})
        assert page.status_code == 200
        return page.text


def _options(page: str, select_id: str) -> set[str]:
    select = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert select, select_id
    return set(re.findall(r'<option value="([^"]+)"', select.group(1)))


def test_the_repair_form_offers_only_what_the_api_would_take(hub: HubFixture) -> None:
    firm = hub.samples["blacklisted"]
    record = hub.graphql("market-regulation", RECORD, {"c": firm}).json()["data"]["subject"]
    refused = {item["id"] for item in record["licences"]}
    refused |= {item["id"] for item in record["courtDishonesty"] if item["performance"] != "全部履行"}
    assert refused, "the sample has licences and an unperformed court case"
    page = _portal_page(hub, firm)
    objectable, repairable = _options(page, "object-item"), _options(page, "repair-item")
    assert refused <= objectable, "every item may be disputed"
    assert not refused & repairable, "no item the law rules out is offered for repair"
    black = {item["id"] for item in record["listings"] if item["list"] == "BLACK"}
    assert black <= repairable, "the black listing (tax) may be repaired"
