"""Each source is asked once per request, over real HTTP on both databases, counted at the drivers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.demo.facts import SOURCES
from hub.demo.generator import Organisation, subject_facts
from hub.federation.adapter import SqlSource
from hub.federation.mapping import load_source_map
from hub.store.engine import make_engine
from tests.support import server
from tests.support.statements import StatementLog, statement_log

RECORD = """
query($c: ID!) {
  subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
    code name phone
    penalties { decisionNumber amount decidedOn }
    licences { title decidedOn }
    listings { list listedOn status }
    courtDishonesty { caseNumber court }
    taxCredit { year grade }
  }
}"""
CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
ENTERPRISE = "91140100MA0L00001A"
BATCH = RECORD.replace("$c: ID!", "$cs: [ID!]!").replace("subject(code: $c", "subjects(codes: $cs")


@pytest.fixture(scope="module")
def replica(hub: Any) -> Iterator[tuple[Any, str, StatementLog]]:
    """Answers the test hub, the URL of a second replica over its databases, and a log of that replica's statements."""
    with statement_log() as log:  # installed before the replica opens a single connection
        for base_url in server.serve(hub.settings, today=hub.clock):
            yield hub, base_url, log


def _post(hub: Any, base_url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {hub.token('approval-bureau')}", "X-Hub-Operator": "clerk-7"}
    response = httpx.post(
        f"{base_url}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    return body


def _per_source(log: StatementLog) -> dict[str, int]:
    return {source: len(log.of(source)) for source in SOURCES}


def test_subject_asks_each_source_once(replica: tuple[Any, str, StatementLog]) -> None:
    hub, base_url, log = replica
    variables = {"c": hub.samples["enterprise"]}
    first = _post(hub, base_url, RECORD, variables)  # opens the pools' connections, reflects the sources
    log.clear()
    again = _post(hub, base_url, RECORD, variables)
    assert _per_source(log) == dict.fromkeys(SOURCES, 1), log.entries
    assert again["data"] == first["data"]
    subject = again["data"]["subject"]
    assert all(subject[key] for key in ("name", "penalties", "taxCredit")), "every source answered"
    for source in ("taiyuan", "datong"):
        [statement] = log.of(source)
        assert statement.count("UNION ALL") >= 2, "registration, licences, penalties and listings in one statement"


def test_subjects_ask_each_source_once_whatever_the_number_of_codes(replica: tuple[Any, str, StatementLog]) -> None:
    hub, base_url, log = replica
    enterprises = [
        facts.subject.code
        for index in range(server.SUBJECTS)
        if isinstance((facts := subject_facts(server.SEED, index)).subject, Organisation)
    ]
    assert len(enterprises) >= 20
    texts: list[list[str]] = []
    for size in (3, 20):
        codes = enterprises[:size]
        _post(hub, base_url, BATCH, {"cs": codes})
        log.clear()
        body = _post(hub, base_url, BATCH, {"cs": codes})
        assert [s["code"] for s in body["data"]["subjects"]] == codes
        assert _per_source(log) == dict.fromkeys(SOURCES, 1), (size, log.entries)
        texts.append([sql for source in SOURCES for sql in log.of(source)])
    if "$1" in texts[0][0]:  # asyncpg logs the statement as prepared: one text whatever the number of codes
        assert texts[0] == texts[1]


UNTYPED = """name: {name}
title: a source with an untyped column
record_types:
  penalty:
    table: cf
    subject_key: xdr
    item_key: wsh
    fields:
      decision_number: wsh
      amount: je
  listing:
    table: md
    subject_key: ztdm
    item_key: id
    fields:
      list: {{column: lx, values: {{"2": BLACK}}}}
"""


async def test_a_column_without_a_type_gets_one_statement_per_record_type(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'untyped.db'}")
    async with engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE cf (wsh TEXT PRIMARY KEY, xdr TEXT, je)")  # je: no type
        await connection.exec_driver_sql("CREATE TABLE md (id INTEGER PRIMARY KEY, ztdm TEXT, lx TEXT)")
        await connection.exec_driver_sql("INSERT INTO cf VALUES ('罚1', ?, 300)", (ENTERPRISE,))
        await connection.exec_driver_sql("INSERT INTO md VALUES (4, ?, '2')", (ENTERPRISE,))
    mapping = tmp_path / "untyped.yaml"
    mapping.write_text(UNTYPED.format(name="untyped"), encoding="utf-8")
    source = SqlSource(load_source_map(mapping, CATALOG), engine)
    await source.check_schema()
    needs = {"penalty": frozenset({"decision_number", "amount"}), "listing": frozenset({"list"})}
    assert source.statement(needs).statements == 2, "a NULL of no type cannot be united"
    assert source.statement({"listing": frozenset({"list"})}).statements == 1
    found = await source.fetch([ENTERPRISE], needs)
    assert [(r["decision_number"], r["amount"]) for r in found["penalty"]] == [("罚1", 300)]
    assert [(r["_item"], r["list"]) for r in found["listing"]] == [("untyped:listing:4", "BLACK")]
    await engine.dispose()
