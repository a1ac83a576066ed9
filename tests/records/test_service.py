"""The records service over a real SQLite source: what a person's represented enterprises show."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.errors import ErrorCode
from hub.federation.adapter import SqlSource
from hub.federation.fetch import Federation, Fetched
from hub.federation.mapping import load_source_map
from hub.identity.codes import parse_subject_code
from hub.policy.load import load_policies
from hub.policy.purposes import Purpose
from hub.privacy.disclose import Discloser, Withheld
from hub.privacy.masking import MASKERS
from hub.records.service import ReadRequest, RecordService
from hub.records.shape import Shaper
from hub.store.engine import make_engine
from hub.store.rights_rows import ItemMark

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
POLICIES = load_policies(resource_dir("policies"), CATALOG)
PERSON = "11010519491231002X"
CURRENT, EXPIRED = "91110000600037341L", "91140100MA0L00001R"
MAPPING = """name: minicity
title: a small municipal platform
record_types:
  representation:
    table: corp
    subject_key: legal_id
    item_key: uscc
    fields:
      enterprise_code: uscc
      enterprise_name: name
      role: {const: 法定代表人}
  listing:
    table: lst
    subject_key: code
    item_key: id
    fields:
      list: {column: kind, values: {"2": BLACK}}
      listed_on: {column: rq, format: "%Y%m%d"}
      expires_on: {column: until, format: "%Y%m%d"}
"""


def _shaper() -> Shaper:
    """Answers a shaper with the catalogue's maskers that leaves free texts as they are."""
    return Shaper(CATALOG, Discloser(CATALOG, MASKERS, lambda text, _names: text))


async def _minicity(tmp_path: Path) -> tuple[AsyncEngine, Federation]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'minicity.db'}")
    async with engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE corp (uscc TEXT PRIMARY KEY, name TEXT, legal_id TEXT)")
        await connection.exec_driver_sql(
            "CREATE TABLE lst (id INTEGER PRIMARY KEY, code TEXT, kind TEXT, rq TEXT, until TEXT)"
        )
        await connection.exec_driver_sql(
            "INSERT INTO corp VALUES (?, '现任公司', ?), (?, '旧公司', ?)", (CURRENT, PERSON, EXPIRED, PERSON)
        )
        today = date.today()
        await connection.exec_driver_sql(
            "INSERT INTO lst VALUES (1, ?, '2', ?, ?), (2, ?, '2', '20150101', '20180101')",
            (CURRENT, f"{today.year - 1}0101", f"{today.year + 2}0101", EXPIRED),
        )
    (tmp_path / "minicity.yaml").write_text(MAPPING, encoding="utf-8")
    source = SqlSource(load_source_map(tmp_path / "minicity.yaml", CATALOG), engine)
    return engine, Federation([source], default_timeout_ms=5000, breaker_failures=5, breaker_reset=5)


def _request(linked: bool = True) -> ReadRequest:
    return ReadRequest(
        POLICIES.departments["market-regulation"],
        None,
        Purpose.SUPERVISION,
        [parse_subject_code(PERSON)],
        requested={"representation": frozenset({"enterprise_name"})},
        linked={"listing": frozenset({"list"})} if linked else {},
    )


async def test_expired_listings_of_represented_enterprises_stay_hidden_without_their_dates(tmp_path: Path) -> None:
    engine, federation = await _minicity(tmp_path)
    service = RecordService(CATALOG, federation, _shaper())
    result = await service.read(_request(), date.today())
    await engine.dispose()
    view = result.views[0]
    assert isinstance(view, dict)
    linked = {e["enterprise_name"]: e["listings"] for e in view["represented_enterprises"]}
    assert linked == {"现任公司": [linked["现任公司"][0]], "旧公司": []}
    assert linked["现任公司"][0]["list"] == "BLACK"
    assert "enterprise_code" not in view["represented_enterprises"][0], "linking reads the code, never shows it"


async def test_overlay_marks_at_hand_are_used_without_a_lookup_else_looked_up_beside_the_fetch(tmp_path: Path) -> None:
    engine, federation = await _minicity(tmp_path)
    hidden = ItemMark(f"minicity:representation:{EXPIRED}", PERSON, "representation", hidden_by="repair-1")
    looked_up: list[list[str]] = []

    async def lookup(codes: Sequence[str]) -> dict[str, ItemMark]:
        looked_up.append(list(codes))
        return {hidden.item_id: hidden} if PERSON in codes else {}

    shaper = _shaper()
    try:
        in_memory = RecordService(
            CATALOG, federation, shaper, overlay=lookup, overlay_at_hand=lambda codes: {hidden.item_id: hidden}
        )
        remembered = await in_memory.read(_request(linked=False), date.today())
        assert looked_up == []
        untrusted = RecordService(CATALOG, federation, shaper, overlay=lookup, overlay_at_hand=lambda codes: None)
        fetched = await untrusted.read(_request(), date.today())
        assert [sorted(codes) for codes in looked_up] == [[PERSON], sorted([CURRENT, EXPIRED])]
    finally:
        await engine.dispose()
    for result in (remembered, fetched):
        assert result.marks[hidden.item_id] is hidden
        view = result.views[0]
        assert isinstance(view, dict)
        shown = [e["enterprise_name"] for e in view["represented_enterprises"]]
        assert shown == ["现任公司"], "the repaired item is hidden"


class _Recording(Federation):
    """The federation, noting the codes of every fetch."""

    fetched: list[list[str]]

    async def fetch(self, codes: Sequence[str], needs: Mapping[str, frozenset[str]]) -> Fetched:  # type: ignore[override]
        self.fetched.append(sorted(codes))
        return await super().fetch(codes, needs)


async def _recording(tmp_path: Path) -> tuple[AsyncEngine, _Recording]:
    engine, federation = await _minicity(tmp_path)
    recording = _Recording(federation.sources, default_timeout_ms=5000, breaker_failures=5, breaker_reset=5)
    recording.fetched = []
    return engine, recording


async def test_a_linked_enterprise_outside_the_jurisdiction_is_refused_and_never_fetched(tmp_path: Path) -> None:
    engine, federation = await _recording(tmp_path)
    beijing = replace(POLICIES.departments["market-regulation"], divisions=("11",))
    request = replace(_request(), policy=beijing)
    try:
        result = await RecordService(CATALOG, federation, _shaper()).read(request, date.today())
    finally:
        await engine.dispose()
    assert federation.fetched == [[PERSON], [CURRENT]], "the Taiyuan enterprise is not looked up"
    view = result.views[0]
    assert isinstance(view, dict)
    linked = {e["enterprise_name"]: e["listings"] for e in view["represented_enterprises"]}
    assert linked["旧公司"] == Withheld(ErrorCode.FORBIDDEN, "the subject is outside the department's jurisdiction")
    assert [entry["list"] for entry in linked["现任公司"]] == ["BLACK"]
    receipts = {d.code: d for d in result.disclosures}
    assert set(receipts) == {PERSON, CURRENT}, "the enterprise shown is registered as disclosed, the refused one not"
    assert receipts[CURRENT].clear == {"listing.list"}
    assert "listing.list" not in receipts[PERSON].clear, "the enterprise's entries are not the person's"


async def test_a_person_the_bank_may_not_see_is_never_looked_up_and_reads_alike_on_record_or_not(
    tmp_path: Path,
) -> None:
    engine, federation = await _recording(tmp_path)
    service = RecordService(CATALOG, federation, _shaper())
    absent = "110105194912310062"
    requested = {"registration": frozenset({"name", "phone"}), "listing": frozenset({"list"})}
    try:
        views = []
        for code in (PERSON, absent):
            bank = POLICIES.departments["bank"]
            request = ReadRequest(bank, "org", Purpose.CREDIT_LENDING, [parse_subject_code(code)], requested)
            views.append((await service.read(request, date.today())).views[0])
    finally:
        await engine.dispose()
    assert federation.fetched == []
    on_record, not_on_record = views
    assert isinstance(on_record, dict)
    assert isinstance(not_on_record, dict)
    assert {**on_record, "code": None} == {**not_on_record, "code": None}
    assert on_record["listings"].code is ErrorCode.CONSENT_REQUIRED


async def test_the_public_may_not_look_up_a_natural_person_whatever_the_record(tmp_path: Path) -> None:
    engine, federation = await _recording(tmp_path)
    request = ReadRequest(
        POLICIES.departments["public"], None, Purpose.PUBLIC_DISCLOSURE, [parse_subject_code(PERSON)],
        {"registration": frozenset({"name"})},
    )  # fmt: skip
    try:
        result = await RecordService(CATALOG, federation, _shaper()).read(request, date.today())
    finally:
        await engine.dispose()
    assert federation.fetched == []
    assert result.views == [Withheld(ErrorCode.FORBIDDEN, "department 'public' may not look up natural persons")]
