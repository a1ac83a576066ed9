from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.demo.generator import samples
from hub.demo.items import REFERENCE_DATE
from hub.demo.native import NATIVE_SCHEMAS, create_source_schema
from hub.demo.seed import SourceUnreachable, seed_sources
from hub.errors import ConfigError
from hub.federation.adapter import SqlSource
from hub.federation.mapping import load_source_maps
from hub.store.engine import make_engine
from tests.conftest import BACKENDS, create_pg_database, drop_pg_database
from tests.demo.support import SOURCE_NAMES, mapped_rows, row_count, source_urls, table_dump

SEED = 42
SUBJECTS = 40


@pytest.fixture(params=BACKENDS)
def urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Answers one empty database per source, on each configured backend."""
    if request.param == "sqlite":
        yield source_urls(tmp_path)
        return
    made = {name: create_pg_database(f"demo_{name}") for name in SOURCE_NAMES}
    try:
        yield made
    finally:
        for url in made.values():
            drop_pg_database(url)


def _day(value: object) -> date:
    if isinstance(value, date):
        return value
    return datetime.strptime(str(value), "%Y%m%d").date()


async def test_samples_exist_with_their_properties_after_seeding(urls: dict[str, str]) -> None:
    progressed: list[int] = []
    report = await seed_sources(urls, SUBJECTS, SEED, progressed.append)
    assert sum(progressed) == SUBJECTS
    assert report.samples == samples(SEED, SUBJECTS)
    assert all(count > 0 for tables in report.rows.values() for count in tables.values())
    codes = report.samples

    for source in SOURCE_NAMES:
        found = await mapped_rows(urls[source], source, codes["enterprise"])
        assert any(found.values()), f"the sample enterprise has no item in {source}"

    datong = await mapped_rows(urls["datong"], "datong", codes["person"])
    assert [row["kind"] for row in datong["registration"]] == ["2"]
    taiyuan = await mapped_rows(urls["taiyuan"], "taiyuan", codes["person"])
    represented = {row["uscc"] for row in datong["representation"]} | {
        row["TYSHXYDM"] for row in taiyuan["representation"]
    }
    assert codes["blacklisted"] in represented
    assert len(represented) >= 2

    black = (await mapped_rows(urls["datong"], "datong", codes["blacklisted"]))["listing"]
    current = [row for row in black if row["mdlx"] == "2" and row["zt"] == "1"]
    assert current
    assert all(_day(row["end_date"]) > REFERENCE_DATE for row in current)
    assert current[0]["legal_id"] == codes["person"]


async def test_the_hubs_own_adapter_reads_the_samples_through_the_mappings(urls: dict[str, str]) -> None:
    await seed_sources(urls, SUBJECTS, SEED)
    codes = samples(SEED, SUBJECTS)
    catalog = load_catalog(resource_dir("schema") / "catalog.yaml")
    maps = load_source_maps(resource_dir("schema") / "sources", catalog)
    fetched: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name in SOURCE_NAMES:
        engine = make_engine(urls[name], pool_size=1)
        try:
            source = SqlSource(maps[name], engine)
            await source.check_schema()
            needs = {rt: frozenset(spec.fields) for rt, spec in maps[name].record_types.items()}
            fetched[name] = await source.fetch(list(codes.values()), needs)
        finally:
            await engine.dispose()
    for name in SOURCE_NAMES:
        assert any(row["_subject"] == codes["enterprise"] for rows in fetched[name].values() for row in rows), name
    black = [row for row in fetched["datong"]["listing"] if row["_subject"] == codes["blacklisted"]]
    assert any(
        row["list"] == "BLACK" and row["status"] == "ACTIVE" and row["expires_on"] > REFERENCE_DATE for row in black
    )
    person = [row for row in fetched["datong"]["registration"] if row["_subject"] == codes["person"]]
    assert person[0]["address"]
    assert person[0]["registered_on"] is None
    represented = {row["enterprise_code"] for name in ("taiyuan", "datong") for row in fetched[name]["representation"]}
    assert codes["blacklisted"] in represented
    decided = [row["decided_on"] for row in fetched["taiyuan"]["penalty"]]
    assert decided
    assert all(isinstance(day, date) for day in decided)


async def test_every_black_listed_enterprise_has_its_representative_in_t_person(tmp_path: Path) -> None:
    urls = source_urls(tmp_path)
    await seed_sources(urls, 1500, SEED)
    datong = await table_dump(urls["datong"], "datong")
    taiyuan = await table_dump(urls["taiyuan"], "taiyuan")
    persons = {row[1] for row in datong["t_person"]}
    lists = NATIVE_SCHEMAS["datong"].tables["t_credit_list"].c.keys()
    black_reps = {row[lists.index("legal_id")] for row in datong["t_credit_list"] if row[lists.index("mdlx")] == "2"}
    hhmd = NATIVE_SCHEMAS["taiyuan"].tables["HHMD"].c.keys()
    black_reps |= {row[hhmd.index("MD_FR_ZJHM")] for row in taiyuan["HHMD"] if row[hhmd.index("MD_LX")] == "黑名单"}
    black_reps.discard(None)
    assert len(black_reps) > 10
    assert black_reps <= persons


async def test_seeding_is_deterministic_and_a_small_run_is_a_prefix(tmp_path: Path) -> None:
    for folder in ("small", "again", "big", "other"):
        (tmp_path / folder).mkdir()
    small, again, big, other = (source_urls(tmp_path / name) for name in ("small", "again", "big", "other"))
    await seed_sources(small, 30, SEED)
    await seed_sources(again, 30, SEED)
    await seed_sources(big, 90, SEED)
    await seed_sources(other, 30, SEED + 1)
    for source in SOURCE_NAMES:
        small_rows = await table_dump(small[source], source)
        assert small_rows == await table_dump(again[source], source)
        big_rows = await table_dump(big[source], source)
        assert all(rows <= big_rows[table] for table, rows in small_rows.items())
        assert sum(map(len, big_rows.values())) > sum(map(len, small_rows.values()))
        assert small_rows != await table_dump(other[source], source)


async def test_create_source_schema_drops_and_recreates_with_indexes(urls: dict[str, str]) -> None:
    await seed_sources({"datong": urls["datong"]}, 5, SEED)
    await create_source_schema(urls["datong"], "datong")
    assert await row_count(urls["datong"], "datong", "t_corp") == 0
    engine = make_engine(urls["datong"], pool_size=1)
    try:
        async with engine.connect() as conn:
            indexed = await conn.run_sync(
                lambda sync: {
                    column for index in inspect(sync).get_indexes("t_punish") for column in index["column_names"]
                }
            )
            views = await conn.run_sync(lambda sync: inspect(sync).get_view_names())
    finally:
        await engine.dispose()
    assert {"obj_code", "legal_id"} <= indexed
    assert sorted(views) == ["v_legal_rep", "v_subject_info"]


async def test_unknown_source_and_unreachable_database_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown source 'bank'"):
        await seed_sources({"bank": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"}, 5, SEED)
    with pytest.raises(SourceUnreachable, match="'court'") as caught:
        await seed_sources({"court": f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'c.db'}"}, 5, SEED)
    assert caught.value.source == "court"
    with pytest.raises(SourceUnreachable, match="unsupported database URL"):
        await seed_sources({"tax": "mysql://localhost/tax"}, 5, SEED)
