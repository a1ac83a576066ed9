"""The collection checks on read: a pulled item's faults, cached per content; unchanged, and shown per the plan."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import MetaData, Table, select
from stdnum.cn import uscc
from typer.testing import CliRunner

from hub.catalog.collection import CollectedField
from hub.catalog.load import load_catalog
from hub.cli.main import app
from hub.collection.read_check import ReadChecks
from hub.config import resource_dir
from hub.federation.adapter import ITEM, SOURCE, SUBJECT
from hub.policy.decision import Action
from hub.privacy.disclose import CHECK_FAILED, PERSONAL_DATA, Discloser, Fault, FieldRule, QualityFlag
from hub.store.engine import make_engine
from tests.conftest import _run_apart
from tests.support.server import HubFixture

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
TODAY = date(2026, 12, 6)
CODE = "9114010000000020" + "1" + uscc.calc_check_digit("91140100000000201")
PULLED = frozenset({"taiyuan", "datong"})


def _licence(**changed: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        SUBJECT: CODE, ITEM: "datong:1", SOURCE: "datong", "decision_number": "同市监许〔2026〕1号",
        "title": "食品经营许可", "category": "普通", "authority": "大同市市场监督管理局",
        "decided_on": date(2026, 3, 1), "valid_until": date(2029, 3, 1), "content": "准予许可",
    }  # fmt: skip
    row.update(changed)
    return row


def test_a_good_item_has_no_faults_and_a_bad_one_names_each_field_and_check() -> None:
    checks = ReadChecks(CATALOG, PULLED)
    assert checks("datong", "licence", _licence(), TODAY) == ()
    bad = _licence(category="特别许可", decided_on=date(2027, 1, 1), valid_until=date(2026, 1, 1), title=None)
    found = set(checks("datong", "licence", bad, TODAY))
    assert found == {
        Fault("category", "NOT_ALLOWED"),
        Fault("decided_on", "FUTURE_DATE"),
        Fault("title", "REQUIRED"),
    }
    ordered = set(checks("datong", "licence", _licence(valid_until=date(2026, 1, 1)), TODAY))
    assert ordered == {Fault("valid_until", "DATE_ORDER", ("decided_on",))}


def test_a_field_the_read_did_not_fetch_is_neither_required_nor_compared() -> None:
    row = _licence()
    del row["title"], row["decided_on"]
    assert ReadChecks(CATALOG, PULLED)("datong", "licence", row, TODAY) == ()


def test_numbers_and_amounts_are_checked_as_a_file_would_write_them() -> None:
    row = {SUBJECT: CODE, ITEM: "taiyuan:9", SOURCE: "taiyuan", "amount": Decimal("-1"), "decision_text": "x" * 4001}
    found = set(ReadChecks(CATALOG, PULLED)("taiyuan", "penalty", row, TODAY))
    assert found == {Fault("amount", "BAD_NUMBER"), Fault("decision_text", "TOO_LONG")}


def test_a_code_field_with_a_bad_checksum_is_invalid_code() -> None:
    licence = CATALOG.record_types["licence"]
    assert licence.collection is not None
    holder = CollectedField("holder_code", "code", False, 18, None, None, (), False)  # e.g. a holder's USCC
    collection = replace(licence.collection, fields={**licence.collection.fields, "holder_code": holder})
    catalog = replace(
        CATALOG, record_types={**CATALOG.record_types, "licence": replace(licence, collection=collection)}
    )
    checks = ReadChecks(catalog, PULLED)
    assert checks("datong", "licence", _licence(holder_code=CODE), TODAY) == ()
    bad = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    assert checks("datong", "licence", _licence(holder_code=bad), TODAY) == (Fault("holder_code", "INVALID_CODE"),)


def test_hub_managed_sources_and_types_outside_collection_are_not_checked() -> None:
    checks = ReadChecks(CATALOG, PULLED)
    bad = _licence(category="特别许可", **{SOURCE: "collected"})
    assert checks("collected", "licence", bad, TODAY) == ()
    assert checks("datong", "listing", {SUBJECT: CODE, ITEM: "datong:2", "list": "NONSENSE"}, TODAY) == ()


def test_results_are_cached_per_content_and_dropped_when_the_day_changes() -> None:
    checks = ReadChecks(CATALOG, PULLED, cached=2)
    future = _licence(decided_on=date(2026, 12, 7))
    assert checks("datong", "licence", future, TODAY) == (Fault("decided_on", "FUTURE_DATE"),)
    assert checks("datong", "licence", dict(future), TODAY) == (Fault("decided_on", "FUTURE_DATE"),)
    assert checks.misses == 1
    assert checks("datong", "licence", _licence(decided_on=date(2026, 12, 5)), TODAY) == ()
    assert checks.misses == 2, "another content of the same item is checked again"
    assert checks("datong", "licence", future, date(2026, 12, 7)) == ()
    assert checks.misses == 3, "a new day checks again: yesterday's future date is today's"
    for n in range(3):
        checks("datong", "licence", _licence(**{ITEM: f"datong:{n + 10}"}), date(2026, 12, 7))
    assert len(checks._results) == 2, "the cache is bounded"


def test_free_text_goes_through_the_detector_in_the_background_once_per_text() -> None:
    calls: list[list[str]] = []

    def detect(texts: Any) -> list[tuple[str, ...]]:
        calls.append(list(texts))
        return [("CN_RESIDENT_ID",) if "110105" in text else () for text in texts]

    checks = ReadChecks(CATALOG, PULLED, detect=detect)
    row = _licence(content="持证人身份证号11010519491231002X" + "。" * 5000)
    too_long = Fault("content", "TOO_LONG")
    assert checks("datong", "licence", row, TODAY) == (too_long,), "the read does not wait for the detector"
    assert calls == []
    assert asyncio.run(checks.scan_pending()) == 1
    assert len(calls[0][0]) == 4000, "the detector reads no more than the field's longest allowed length"
    for _ in range(2):
        assert checks("datong", "licence", row, TODAY) == (too_long, Fault("content", PERSONAL_DATA))
    fewer = {k: v for k, v in row.items() if k != "title"}  # another read's fields: the text is known already
    assert Fault("content", PERSONAL_DATA) in checks("datong", "licence", fewer, TODAY)
    assert checks("datong", "licence", _licence(), TODAY) == ()
    assert asyncio.run(checks.scan_pending()) == 1
    assert len(calls) == 2, "each text is read once"


def test_the_detector_queue_is_bounded() -> None:
    checks = ReadChecks(CATALOG, PULLED, detect=lambda texts: [() for _ in texts], pending=2)
    for n in range(5):
        checks("datong", "licence", _licence(**{ITEM: f"datong:{n}", "content": f"内容{n}"}), TODAY)
    assert checks.dropped == 3
    assert asyncio.run(checks.scan_pending()) == 2


def _rule(name: str, action: Action) -> FieldRule:
    return FieldRule(name, f"licence.{name}", action, None, False, None)


def test_a_flag_says_nothing_of_a_field_the_caller_may_not_see_and_only_check_failed_of_a_masked_one() -> None:
    rules = [_rule("category", Action.ALLOW), _rule("content", Action.MASK), _rule("title", Action.DENY),
             _rule("valid_until", Action.ALLOW)]  # fmt: skip
    faults = [
        Fault("category", "NOT_ALLOWED"),
        Fault("content", PERSONAL_DATA),  # counted, never flagged
        Fault("content", "TOO_LONG"),
        Fault("title", "REQUIRED"),  # denied: no flag
        Fault("decided_on", "FUTURE_DATE"),  # not asked for: no flag
        Fault("valid_until", "DATE_ORDER", ("decided_on",)),  # compared with a field not shown: no flag
    ]
    assert Discloser.flags(rules, faults) == (
        QualityFlag("category", "NOT_ALLOWED"),
        QualityFlag("content", CHECK_FAILED),
    )
    shown = [*rules, _rule("decided_on", Action.ALLOW)]
    assert QualityFlag("valid_until", "DATE_ORDER") in Discloser.flags(shown, faults)
    masked_other = [*rules, _rule("decided_on", Action.MASK)]
    assert QualityFlag("valid_until", CHECK_FAILED) in Discloser.flags(masked_other, faults)


# Over real HTTP, on each database: a pulled licence and penalty that fail the checks, read by several callers.

SUBJECT_CODE = "91140200MA0QR0001" + uscc.calc_check_digit("91140200MA0QR0001")  # no other test reads it
PERSON_ID = "11010519491231002X"
LONG = "经查属实。" * 900  # 4,500 characters: longer than any free text of the catalogue may be
READ = """query($code: ID!, $purpose: Purpose!) { subject(code: $code, purpose: $purpose) {
  licences { id category decidedOn content qualityFlags { field code } }
  penalties { id decidedOn decisionText qualityFlags { field code } } } }"""
NOT_ASKED = """query($code: ID!, $purpose: Purpose!) { subject(code: $code, purpose: $purpose) {
  penalties { id qualityFlags { field code } } } }"""
REPORT = """query { readQuality(since: "2000-01-01") { source recordType items byCode { name count } } }"""


def add_faulty_items(url: str, code: str = SUBJECT_CODE) -> None:
    """Adds to datong a licence of an unknown category decided in the future, and a penalty decided in the future,
    both of `code` and with a free text too long that names a person by resident ID."""

    async def run() -> None:
        engine = make_engine(url)
        try:
            async with engine.begin() as conn:
                for name, key, values in (
                    ("t_permit", "per_id", {"per_type": "特别许可", "per_date": "20270115", "valid_to": "20300101",
                                            "content": f"准予许可。经办人身份证号{PERSON_ID}。{LONG}"}),
                    ("t_punish", "pun_id", {"pun_date": "20270110",
                                            "content": f"罚款。当事人身份证号{PERSON_ID}。{LONG}"}),
                ):  # fmt: skip
                    table = await conn.run_sync(lambda sync, name=name: Table(name, MetaData(), autoload_with=sync))
                    exists = select(table).where(table.c.obj_code == code, table.c.doc_no.like("%2027%"))
                    if (await conn.execute(exists)).first() is not None:
                        continue  # the other backend's run of the session fixture added it already
                    row: dict[str, Any] = dict((await conn.execute(select(table).limit(1))).mappings().one())
                    top = (await conn.execute(select(table.c[key]).order_by(table.c[key].desc()).limit(1))).scalar()
                    row.update(values, obj_code=code, doc_no=f"同市监〔2027〕{name}{code[-6:]}号", del_flag="0")
                    row[key] = int(top) + 1
                    await conn.execute(table.insert().values(**row))
        finally:
            await engine.dispose()

    _run_apart(run())


def _subject(hub: HubFixture, department: str, purpose: str, query: str = READ) -> dict[str, Any]:
    response = hub.graphql(department, query, {"code": SUBJECT_CODE, "purpose": purpose})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _flags(item: dict[str, Any]) -> set[tuple[str, str]]:
    return {(flag["field"], flag["code"]) for flag in item["qualityFlags"]}


def test_a_faulty_pulled_item_is_answered_unchanged_with_its_flags(hub: HubFixture) -> None:
    add_faulty_items(hub.source_urls["datong"])
    body = _subject(hub, "market-regulation", "SUPERVISION")
    [licence] = body["data"]["subject"]["licences"]
    assert (licence["category"], licence["decidedOn"]) == ("特别许可", "2027-01-15"), "never fixed"
    assert PERSON_ID in licence["content"]
    assert _flags(licence) == {("category", "NOT_ALLOWED"), ("decided_on", "FUTURE_DATE"), ("content", "TOO_LONG")}
    [penalty] = body["data"]["subject"]["penalties"]
    assert _flags(penalty) == {("decided_on", "FUTURE_DATE"), ("decision_text", "TOO_LONG")}
    again = _subject(hub, "market-regulation", "SUPERVISION")
    assert again["data"] == body["data"], "the same answer on every read, whatever the detector has read since"
    own = hub.self_graphql(SUBJECT_CODE, "{ myRecord { licences { category qualityFlags { field code } } } }").json()
    [mine] = own["data"]["myRecord"]["licences"]
    assert (mine["category"], _flags(mine)) == ("特别许可", {("category", "NOT_ALLOWED")}), "the enterprise sees it too"


def test_a_caller_who_cannot_see_a_field_gets_no_flag_about_it_and_a_masked_one_only_check_failed(
    hub: HubFixture,
) -> None:
    add_faulty_items(hub.source_urls["datong"])
    bank = _subject(hub, "bank", "CREDIT_LENDING")
    [penalty] = bank["data"]["subject"]["penalties"]
    assert penalty["decisionText"] is None
    assert any(e["extensions"]["code"] == "FIELD_DENIED" for e in bank["errors"])
    assert _flags(penalty) == {("decided_on", "FUTURE_DATE")}, "nothing about the denied decision text"
    approval = _subject(hub, "approval-bureau", "ADMINISTRATIVE_APPROVAL")
    [licence] = approval["data"]["subject"]["licences"]
    assert PERSON_ID not in licence["content"]
    assert ("content", CHECK_FAILED) in _flags(licence), "a masked field: that it fails, not which check"
    assert ("content", "TOO_LONG") not in _flags(licence)
    [penalty] = approval["data"]["subject"]["penalties"]
    assert _flags(penalty) == {("decided_on", "FUTURE_DATE"), ("decision_text", CHECK_FAILED)}
    not_asked = _subject(hub, "market-regulation", "SUPERVISION", NOT_ASKED)
    assert not_asked["data"]["subject"]["penalties"][0]["qualityFlags"] == [], "no flag about a field not asked for"


def _reported_with_personal_data(hub: HubFixture) -> dict[tuple[str, str], dict[str, Any]]:
    """Answers the privacy office's readQuality once the detector has read the licence's text in the background
    (each read notes what the checks know by then)."""
    for _ in range(100):
        report = hub.graphql("privacy-office", REPORT).json()["data"]["readQuality"]
        found = {(row["source"], row["recordType"]): row for row in report}
        if PERSONAL_DATA in {entry["name"] for entry in found.get(("datong", "licence"), {}).get("byCode", [])}:
            return found
        time.sleep(0.1)
        _subject(hub, "market-regulation", "SUPERVISION")
    raise AssertionError(f"the detector's finding never reached the report: {report}")


def test_what_reads_find_is_counted_per_source_and_reported_to_privacy_officers(hub: HubFixture) -> None:
    add_faulty_items(hub.source_urls["datong"])
    _subject(hub, "market-regulation", "SUPERVISION")
    metrics = httpx.get(f"{hub.base_url}/metrics", timeout=30).text
    counted = [line for line in metrics.splitlines() if line.startswith("credit_hub_read_faults_total{")]
    assert any('source="datong"' in line and 'record_type="licence"' in line and 'code="NOT_ALLOWED"' in line
               for line in counted), counted  # fmt: skip
    assert not any(SUBJECT_CODE in line or PERSON_ID in line for line in counted)
    found = _reported_with_personal_data(hub)
    licences = found[("datong", "licence")]
    assert licences["items"] >= 1
    assert {"NOT_ALLOWED", "FUTURE_DATE", PERSONAL_DATA} <= {entry["name"] for entry in licences["byCode"]}
    assert "collected" not in {source for source, _ in found}
    refused = hub.graphql("market-regulation", REPORT).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    url = hub.settings.database_url
    printed = CliRunner().invoke(app, ["quality", "report", "--json", "--database-url", url, "--hub-database-url", url])
    assert printed.exit_code == 0, printed.output
    on_read = {(row["source"], row["record_type"]): row for row in json.loads(printed.output)["read_faults"]}
    assert dict(on_read[("datong", "licence")]["by_code"])["NOT_ALLOWED"] >= 1
