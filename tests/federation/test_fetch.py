"""Federation over real databases: only mapped columns, all sources at once, timeouts and breakers."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.errors import ConfigError
from hub.federation.adapter import SqlSource
from hub.federation.breaker import BreakerState
from hub.federation.fetch import Federation, Fetched, SourceOutcome, SourceState
from hub.federation.mapping import load_source_map
from hub.store.engine import make_engine
from tests.conftest import PG_URL, create_pg_database, drop_pg_database
from tests.support.relay import TcpProxy
from tests.support.statements import statement_log

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
ENTERPRISE = "91140100MA0L00001A"

MAPPING = """name: {name}
title: test source {name}
timeout_ms: {timeout}
record_types:
  penalty:
    table: cf
    subject_key: xdr
    item_key: wsh
    filter: {{zt: "1"}}
    fields:
      decision_number: wsh
      decided_on: {{column: rq, format: "%Y%m%d"}}
      category: {{column: lb, values: {{"1": 警告, "2": 罚款}}}}
      authority: {{const: 测试市场监督管理局}}
      amount: je
"""


async def _make_source(tmp_path: Path, name: str, limit_ms: int = 1000, extra: str = "") -> SqlSource:
    db = tmp_path / f"{name}.db"
    engine = make_engine(f"sqlite+aiosqlite:///{db}")
    async with engine.begin() as connection:
        await connection.exec_driver_sql(
            "CREATE TABLE cf (wsh TEXT PRIMARY KEY, xdr TEXT, rq TEXT, lb TEXT, je NUMERIC, zt TEXT, secret TEXT)"
        )
        await connection.exec_driver_sql(
            "INSERT INTO cf VALUES ('晋罚〔2025〕1号', ?, '20250301', '2', 5000, '1', 'never leaves'),"
            " ('晋罚〔2025〕2号', ?, '20250302', '1', 0, '0', 'never leaves')",
            (ENTERPRISE, ENTERPRISE),
        )
    mapping_file = tmp_path / f"{name}.yaml"
    mapping_file.write_text(MAPPING.format(name=name, timeout=limit_ms) + extra, encoding="utf-8")
    return SqlSource(load_source_map(mapping_file, CATALOG), engine)


async def test_fetch_reads_only_planned_columns_and_converts(tmp_path: Path) -> None:
    with statement_log() as log:
        source = await _make_source(tmp_path, "alpha")
        federation = Federation([source], default_timeout_ms=1000, breaker_failures=3, breaker_reset=5)
        needs = {"penalty": frozenset({"decided_on", "category", "authority"})}
        fetched = await federation.fetch([ENTERPRISE], needs)
    statements = log.of("alpha")
    rows = fetched.rows[ENTERPRISE]["penalty"]
    assert len(rows) == 1, "the filter keeps only published rows"
    row = rows[0]
    assert row["decided_on"] == date(2025, 3, 1)
    assert row["category"] == "罚款"
    assert row["authority"] == "测试市场监督管理局"
    assert "amount" not in row
    assert row["_item"] == "alpha:penalty:晋罚〔2025〕1号"
    assert fetched.outcomes["alpha"].state is SourceState.OK
    selects = [s for s in statements if "FROM cf" in s]
    assert selects
    assert all("secret" not in s and "cf.je" not in s for s in selects)
    await source.engine.dispose()


LISTING = """  listing:
    table: md
    subject_key: ztdm
    item_key: id
    fields:
      list: {column: lx, values: {"1": RED, "2": BLACK}}
      listed_on: rq
"""


async def test_many_codes_and_record_types_cost_one_statement(tmp_path: Path) -> None:
    with statement_log() as log:
        source = await _make_source(tmp_path, "beta", extra=LISTING)
        async with source.engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE md (id INTEGER PRIMARY KEY, ztdm TEXT, lx TEXT, rq DATE)")
            await connection.exec_driver_sql("INSERT INTO md VALUES (7, ?, '2', '2025-04-01')", (ENTERPRISE,))
        federation = Federation([source], default_timeout_ms=1000, breaker_failures=3, breaker_reset=5)
        codes = [ENTERPRISE] + [f"91140100MA0L{i:05d}X" for i in range(500)]
        needs = {"penalty": frozenset({"decision_number", "amount"}), "listing": frozenset({"list", "listed_on"})}
        await federation.fetch(codes, needs)  # the first time reflects the tables
        log.clear()
        fetched = await federation.fetch(codes, needs)
    assert len(log.of("beta")) == 1, log.of("beta")
    [penalty] = fetched.rows[ENTERPRISE]["penalty"]
    assert penalty["amount"] == 5000
    assert penalty["decision_number"] == "晋罚〔2025〕1号"
    [listing] = fetched.rows[ENTERPRISE]["listing"]
    assert listing == {
        "_subject": ENTERPRISE, "_item": "beta:listing:7", "_source": "beta", "list": "BLACK",
        "listed_on": date(2025, 4, 1),
    }  # fmt: skip
    await source.engine.dispose()


async def test_slow_source_times_out_and_breaker_opens(tmp_path: Path) -> None:
    fast = await _make_source(tmp_path, "fast")
    slow = await _make_source(tmp_path, "slow", limit_ms=50)

    async def stall(*_args: Any, **_kwargs: Any) -> Any:
        await asyncio.sleep(5)

    slow.fetch = stall  # type: ignore[method-assign]
    federation = Federation([fast, slow], default_timeout_ms=1000, breaker_failures=2, breaker_reset=60)
    needs = {"penalty": frozenset({"decision_number"})}
    started = asyncio.get_running_loop().time()
    fetched = await federation.fetch([ENTERPRISE], needs)
    assert asyncio.get_running_loop().time() - started < 1.0
    assert fetched.outcomes["slow"].state is SourceState.TIMEOUT
    assert fetched.rows[ENTERPRISE]["penalty"][0]["_source"] == "fast"
    await federation.fetch([ENTERPRISE], needs)
    assert federation.breaker_states()["slow"] is BreakerState.OPEN
    third = await federation.fetch([ENTERPRISE], needs)
    assert third.outcomes["slow"].state is SourceState.CIRCUIT_OPEN
    await fast.engine.dispose()
    await slow.engine.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs HUB_TEST_PG_URL")
async def test_a_frozen_source_is_cut_off_at_its_timeout_not_closed_gracefully(tmp_path: Path) -> None:
    url = create_pg_database("frozen_source")
    try:
        setup = make_engine(url)
        async with setup.begin() as connection:
            await connection.exec_driver_sql(
                "CREATE TABLE cf (wsh TEXT PRIMARY KEY, xdr TEXT, rq TEXT, lb TEXT, je NUMERIC, zt TEXT)"
            )
            await connection.execute(
                text("INSERT INTO cf VALUES ('晋罚〔2025〕1号', :code, '20250301', '2', 5000, '1')"),
                {"code": ENTERPRISE},
            )
        await setup.dispose()
        relay = TcpProxy(int(PG_URL.rsplit(":", 1)[1]))
        await relay.open()
        try:
            mapping_file = tmp_path / "frozen.yaml"
            mapping_file.write_text(MAPPING.format(name="frozen", timeout=1000), encoding="utf-8")
            engine = make_engine(url.replace(PG_URL, f"{PG_URL.rsplit(':', 1)[0]}:{relay.port}"))
            source = SqlSource(load_source_map(mapping_file, CATALOG), engine)
            await source.check_schema()
            federation = Federation([source], default_timeout_ms=1000, breaker_failures=10, breaker_reset=60)
            needs = {"penalty": frozenset({"decision_number"})}
            assert (await federation.fetch([ENTERPRISE], needs)).outcomes["frozen"].state is SourceState.OK
            relay.blackhole = True  # the pooled connection stays open; nothing is answered any more
            clock = asyncio.get_running_loop().time
            started = clock()
            fetched = await federation.fetch([ENTERPRISE], needs)
            elapsed = clock() - started
            assert fetched.outcomes["frozen"].state is SourceState.TIMEOUT
            assert elapsed < 1.0 + 0.5, f"a frozen source with a 1 s timeout held the request {elapsed:.2f} s"
            relay.blackhole = False
            again = await federation.fetch([ENTERPRISE], needs)
            assert again.outcomes["frozen"].state is SourceState.OK, "the terminated connection left the pool"
            await engine.dispose()
        finally:
            await relay.close()
    finally:
        drop_pg_database(url)


async def test_unreachable_source_is_one_failure_not_the_request(tmp_path: Path) -> None:
    good = await _make_source(tmp_path, "good")
    gone = await _make_source(tmp_path, "gone")
    await gone.engine.dispose()
    gone.engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    federation = Federation([good, gone], default_timeout_ms=1000, breaker_failures=3, breaker_reset=5)
    fetched = await federation.fetch([ENTERPRISE], {"penalty": frozenset({"decision_number"})})
    assert fetched.outcomes["gone"].state is SourceState.UNAVAILABLE
    assert fetched.failed_record_types() == {"penalty"}
    assert len(fetched.rows[ENTERPRISE]["penalty"]) == 1
    await good.engine.dispose()


async def test_mapping_naming_a_missing_column_fails_with_its_place(tmp_path: Path) -> None:
    source = await _make_source(tmp_path, "gamma")
    text = (tmp_path / "gamma.yaml").read_text(encoding="utf-8").replace("amount: je", "amount: jine")
    (tmp_path / "gamma.yaml").write_text(text, encoding="utf-8")
    broken = SqlSource(load_source_map(tmp_path / "gamma.yaml", CATALOG), source.engine)
    with pytest.raises(ConfigError) as caught:
        await broken.check_schema()
    assert "no column 'jine'" in caught.value.render()
    assert f"{tmp_path / 'gamma.yaml'}:15" in caught.value.render()
    await source.engine.dispose()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("penalty:", "penalties:"), "not in the catalogue"),
        (("amount: je", "colour: je"), "'penalty.colour' is not in the catalogue"),
        (("name: delta", "name: other"), "differs from the file name"),
        (("authority: {const: 测试市场监督管理局}", "authority: {}"), "exactly one of 'column' or 'const'"),
    ],
)
def test_bad_mapping_is_refused_with_file_and_line(tmp_path: Path, change: tuple[str, str], words: str) -> None:
    path = tmp_path / "delta.yaml"
    path.write_text(MAPPING.format(name="delta", timeout=100).replace(*change), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_source_map(path, CATALOG)
    assert words in caught.value.render()
    assert f"{path}:" in caught.value.render()


def test_a_record_type_is_unanswered_only_when_every_source_asked_for_it_failed() -> None:
    def outcome(name: str, state: SourceState, *types: str) -> SourceOutcome:
        return SourceOutcome(name, name, state, 0.0, frozenset(types))

    fetched = Fetched(
        outcomes={
            "taiyuan": outcome("taiyuan", SourceState.OK, "penalty", "registration"),
            "datong": outcome("datong", SourceState.TIMEOUT, "penalty", "listing"),
            "court": outcome("court", SourceState.UNAVAILABLE, "court_dishonesty"),
            "tax": outcome("tax", SourceState.NOT_QUERIED, "tax_credit"),
        }
    )
    assert fetched.unanswered("penalty") == []  # taiyuan answered: the list is partial, not unknown
    assert fetched.unanswered("listing") == ["datong"]
    assert fetched.unanswered("court_dishonesty") == ["court"]
    assert fetched.unanswered("tax_credit") == []  # not asked at all
    assert fetched.unanswered("licence") == []
