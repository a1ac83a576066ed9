"""The catalogue's rules on the read path, over real HTTP on both databases: exits, publication classes and
periods counted day by day, list entry checks, and lists selected by item ids alone.

Each test writes the source rows it needs into the sources, for subjects of its own (codes no other test uses)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert

from hub.demo.codes import resident_id, unified_code
from hub.demo.native import NATIVE_SCHEMAS
from hub.store.engine import make_engine
from tests.conftest import _run_apart
from tests.support.server import HubFixture

LISTINGS = """query($c: ID!) { subject(code: $c, purpose: SUPERVISION) {
  listings { id list status reason flags { code reason } } } }"""
PENALTIES = """query($c: ID!) { subject(code: $c, purpose: SUPERVISION) {
  penalties { id category decidedOn disclosureUntil } } }"""
CHECK = """query($c: ID!) { creditCheck(code: $c, matter: "HIGH_CONSUMPTION", purpose: ADMINISTRATIVE_APPROVAL) {
  listStatus entries { itemId list } measures { code mandatory } } }"""
_FIRM_DIVISION = "140105"  # 太原市小店区: inside every demo department's jurisdiction


def _write(hub: HubFixture, source: str, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Writes rows into a source's own table, as the source's department would."""

    async def run() -> None:
        engine = make_engine(hub.source_urls[source])
        try:
            async with engine.begin() as connection:
                await connection.execute(insert(NATIVE_SCHEMAS[source].tables[table]), list(rows))
        finally:
            await engine.dispose()

    _run_apart(run())


def _firm(serial: int) -> str:
    return unified_code("91", _FIRM_DIVISION, f"R{serial:07d}X"[:8] + "Y")


def _taiyuan_listing(code: str, key: str, kind: str, status: str, reason: str, **extra: Any) -> dict[str, Any]:
    row = {
        "MD_ID": key, "MD_LX": kind, "MD_ZTMC": "测试主体", "MD_ZTDM": code, "MD_RDBM": "太原市市场监督管理局",
        "MD_RDYJ": "并市监罚〔2026〕9001号", "MD_LRYY": reason, "MD_LRRQ": date(2026, 3, 1),
        "MD_YCTJ": "满一年自动移出", "MD_YXQZ": date(2027, 2, 28), "MD_ZT": status,
    }  # fmt: skip
    return {**row, **extra}


def _data(body: dict[str, Any]) -> Any:
    assert "errors" not in body, body["errors"]
    return body["data"]


def test_an_exited_listing_is_no_longer_shared_or_disclosed(hub: HubFixture) -> None:
    firm = _firm(1)
    _write(hub, "taiyuan", "HHMD", [
        _taiyuan_listing(firm, "T17-EXIT-1", "重点关注名单", "已移出", "拖欠劳动者工资，经责令限期支付逾期仍未支付"),
        _taiyuan_listing(firm, "T17-EXIT-2", "重点关注名单", "有效", "一年内因同类违法行为受到两次以上行政处罚"),
    ])  # fmt: skip
    for department in ("market-regulation", "approval-bureau"):
        purpose = "SUPERVISION" if department == "market-regulation" else "ADMINISTRATIVE_APPROVAL"
        query = LISTINGS.replace("SUPERVISION", purpose)
        listings = _data(hub.graphql(department, query, {"c": firm}).json())["subject"]["listings"]
        assert [item["id"] for item in listings] == ["taiyuan:listing:T17-EXIT-2"], department
    entries = _data(hub.graphql("approval-bureau", CHECK, {"c": firm}).json())["creditCheck"]["entries"]
    assert [entry["itemId"] for entry in entries] == ["taiyuan:listing:T17-EXIT-2"]


def _penalty(code: str, number: str, category: str, decided: date, until: date | None) -> dict[str, Any]:
    return {
        "CF_WSH": number, "CF_XDR_MC": "测试主体", "CF_XDR_SHXYM": code, "CF_CFLB": category, "CF_NR": "处罚决定书",
        "CF_FKJE": Decimal("5000.00"), "CF_JDRQ": decided, "CF_GSJZQ": until, "CF_CFJG": "太原市市场监督管理局",
        "CF_GSZT": "1",
    }  # fmt: skip


def _shown(hub: HubFixture, code: str, day: date) -> set[str]:
    with hub.clock.at(day):
        penalties = _data(hub.graphql("market-regulation", PENALTIES, {"c": code}).json())["subject"]["penalties"]
    return {item["id"].rsplit(":", 1)[1] for item in penalties or []}


def test_penalty_disclosure_follows_the_class_of_the_act_day_by_day(hub: HubFixture) -> None:
    firm = _firm(2)
    decided = date(2026, 1, 15)
    _write(hub, "taiyuan", "XZCF", [
        _penalty(firm, "T17-WARN", "警告", decided, None),
        _penalty(firm, "T17-CRIT", "通报批评", decided, date(2029, 1, 14)),
        _penalty(firm, "T17-FINE", "罚款", decided, None),
        _penalty(firm, "T17-REVOKE", "罚款、吊销许可证件", decided, None),
        _penalty(firm, "T17-OWN", "罚款", decided, date(2026, 7, 31)),
    ])  # fmt: skip
    # a warning and circulated criticism are never published, whatever end date the source gives
    assert _shown(hub, firm, decided) == {"T17-FINE", "T17-REVOKE", "T17-OWN"}
    # the source's own end of publication (CF_GSJZQ): its last day is shown, the next day not
    assert "T17-OWN" in _shown(hub, firm, date(2026, 7, 31))
    assert "T17-OWN" not in _shown(hub, firm, date(2026, 8, 1))
    # a general act (a fine): one year, its last day shown and the next day hidden
    assert _shown(hub, firm, date(2027, 1, 14)) == {"T17-FINE", "T17-REVOKE"}
    assert _shown(hub, firm, date(2027, 1, 15)) == {"T17-REVOKE"}
    # a serious act (a licence revoked, with a fine): three years
    assert _shown(hub, firm, date(2029, 1, 14)) == {"T17-REVOKE"}
    assert _shown(hub, firm, date(2029, 1, 15)) == set()


def test_a_list_entry_that_fails_the_entry_checks_is_flagged_and_never_punished_on(hub: HubFixture) -> None:
    minor = resident_id("140200", date(2011, 5, 20), 17)  # 14 on the listing date
    adult = resident_id("140200", date(1980, 5, 20), 19)
    base = {
        "obj_type": "2", "obj_name": "测试", "mdlx": "2", "dept": "大同市中级人民法院",
        "basis_doc": "（2025）晋02执9号", "rq": "20260301", "exit_cond": "履行义务后移出", "end_date": "20290228",
        "zt": "1",
    }  # fmt: skip
    duty = "有履行能力而拒不履行生效法律文书确定的义务，被依法纳入失信被执行人名单"
    _write(hub, "datong", "t_credit_list", [
        {**base, "rec_id": 917001, "obj_code": minor, "reason": duty},
        {**base, "rec_id": 917002, "obj_code": adult, "reason": "闯红灯一次", "dept": "大同市公安局交通警察支队"},
        {**base, "rec_id": 917003, "obj_code": adult, "reason": duty, "basis_doc": ""},
    ])  # fmt: skip
    flagged = {
        minor: {"datong:listing:917001": ["MINOR"]},
        adult: {
            "datong:listing:917002": ["OUTSIDE_BLACK_LIST_DOMAINS"], "datong:listing:917003": ["NO_BASIS_DOCUMENT"]
        },
    }  # fmt: skip
    for code, expected in flagged.items():
        listings = _data(hub.graphql("market-regulation", LISTINGS, {"c": code}).json())["subject"]["listings"]
        assert {item["id"]: [flag["code"] for flag in item["flags"]] for item in listings} == expected
        assert {item["status"] for item in listings} == {"FLAGGED"}
        assert all(flag["reason"] for item in listings for flag in item["flags"])
        check = _data(hub.graphql("approval-bureau", CHECK, {"c": code}).json())["creditCheck"]
        assert check["measures"] == [], f"no punishment on a flagged entry: {check}"
        assert check["entries"] == []


def test_a_list_selected_by_item_ids_alone_is_fetched(hub: HubFixture) -> None:
    firm = hub.samples["enterprise"]
    full = _data(hub.graphql("market-regulation", PENALTIES, {"c": firm}).json())["subject"]["penalties"]
    assert full, "the sample enterprise has penalties"
    for selection in ("id", "__typename", "id __typename"):
        query = "query($c: ID!) { subject(code: $c, purpose: SUPERVISION) { penalties { " + selection + " } } }"
        penalties = _data(hub.graphql("market-regulation", query, {"c": firm}).json())["subject"]["penalties"]
        assert penalties is not None, selection
        assert len(penalties) == len(full), selection
    ids = [item["id"] for item in full]
    query = "query($c: ID!) { subject(code: $c, purpose: SUPERVISION) { penalties { id } } }"
    assert [item["id"] for item in hub.graphql("market-regulation", query, {"c": firm}).json()["data"]["subject"][
        "penalties"
    ]] == ids  # fmt: skip


def test_the_demo_shows_each_rule(hub: HubFixture) -> None:
    from hub.demo.facts import Listing, Penalty
    from hub.demo.generator import subject_facts
    from tests.support.server import SEED

    minor = hub.samples["minor"]
    listings = _data(hub.graphql("market-regulation", LISTINGS, {"c": minor}).json())["subject"]["listings"]
    assert [(item["status"], [flag["code"] for flag in item["flags"]]) for item in listings] == [("FLAGGED", ["MINOR"])]
    assert _data(hub.graphql("approval-bureau", CHECK, {"c": minor}).json())["creditCheck"]["measures"] == []

    facts = subject_facts(SEED, 2)
    exited = [item for _, item in facts.items if isinstance(item, Listing) and item.status == "REMOVED"]
    warnings = [item for _, item in facts.items if isinstance(item, Penalty) and item.category == "警告"]
    assert exited, "the demo holds an exited listing"
    assert warnings, "and a warning"
    query = "query($c: ID!) { subject(code: $c, purpose: SUPERVISION) { listings { id } penalties { id } } }"
    shown = _data(hub.graphql("market-regulation", query, {"c": facts.subject.code}).json())["subject"]
    assert shown["listings"] == []
    assert shown["penalties"] == []
