"""Who answers for an item (谁决定、谁负责, 001 (三)2), over real HTTP on both databases: objections and repairs go
to the department that decided it, as the source names it; the catalogue's department only when it does not say."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.records.test_shape import _firm, _taiyuan_listing, _write
from tests.rights.support import APPLY, DECIDE, FILE, RESOLVE, as_self
from tests.support.server import HubFixture

EVIDENCE = [{"kind": "RECTIFICATION", "description": "已补缴全部税款、滞纳金并缴纳罚款"}]


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def _listed(hub: HubFixture, serial: int, key: str, department: str | None, reason: str) -> tuple[str, str]:
    firm = _firm(serial)
    row = _taiyuan_listing(firm, key, "黑名单", "有效", reason, MD_RDBM=department, MD_LRRQ=date(2026, 3, 1))
    _write(hub, "taiyuan", "HHMD", [row])
    return firm, f"taiyuan:listing:{key}"


def test_objections_and_repairs_go_to_the_deciding_authority(hub: HubFixture) -> None:
    tax_firm, tax_item = _listed(
        hub, 11, "T17-TAX", "国家税务总局太原市税务局", "偷税，被认定为重大税收违法失信主体，严重破坏市场公平竞争秩序"
    )
    court_firm, court_item = _listed(
        hub, 12, "T17-COURT", "太原市中级人民法院", "有履行能力而拒不履行生效法律文书确定的义务"
    )
    silent_firm, silent_item = _listed(hub, 13, "T17-SILENT", None, "偷税，严重破坏市场公平竞争秩序")
    expected = {
        tax_item: (tax_firm, "tax"),
        court_item: (court_firm, "court"),
        silent_item: (silent_firm, "market-regulation"),
    }
    for item, (firm, department) in expected.items():
        filed = as_self(hub, firm, FILE, {"i": {"itemId": item, "reason": "列入依据已被行政复议撤销"}})
        objection = filed["data"]["fileObjection"]
        assert objection["department"] == department, item
        decision = {"id": objection["id"], "decision": "REJECT", "note": "经核实，列入依据有效"}
        for other in {"tax", "court", "market-regulation"} - {department}:
            assert _codes(hub.graphql(other, RESOLVE, {"i": decision}).json()) == ["FORBIDDEN"], (item, other)
        resolved = hub.graphql(department, RESOLVE, {"i": decision}).json()
        assert resolved["data"]["resolveObjection"]["status"] == "REJECTED", resolved

    applied = as_self(hub, tax_firm, APPLY, {"i": {"itemId": tax_item, "evidence": EVIDENCE}})["data"]
    approval = {"id": applied["applyCreditRepair"]["id"], "decision": "APPROVE", "note": "整改到位，准予信用修复"}
    assert _codes(hub.graphql("market-regulation", DECIDE, {"i": approval}).json()) == ["FORBIDDEN"]
    approved = hub.graphql("tax", DECIDE, {"i": approval}).json()
    assert approved["data"]["decideCreditRepair"]["status"] == "APPROVED", approved
