"""Decisions a pulled source holds and the department never submitted count as missing their publication."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy import MetaData, Table, select
from stdnum.cn import uscc

from hub.store.engine import make_engine
from tests.conftest import _run_apart
from tests.support.server import HubFixture

DECIDED = date(2026, 11, 18)
AUTHORITY = "太原市市场监督管理局"
NUMBER = "并市监许〔2026〕UNPUB-1号"
CODE = "91140100MA0UNP001"[:17]
CODE += uscc.calc_check_digit(CODE)
REPORT = """query($d: Date!) { publicationTimeliness(since: $d, until: $d, department: "market-regulation") {
  rows { department recordType items missing missingOverdue missingRefused missingAtSource withdrawn } } }"""


def _add_source_licence(url: str) -> None:
    """Adds to taiyuan's licences one decided by market regulation on DECIDED, for a subject of its own."""

    async def run() -> None:
        engine = make_engine(url)
        try:
            async with engine.begin() as conn:
                table = await conn.run_sync(lambda sync: Table("XZXK", MetaData(), autoload_with=sync))
                row: dict[str, Any] = dict((await conn.execute(select(table).limit(1))).mappings().one())
                row.update(
                    XK_WSH=NUMBER, XK_XDR_SHXYM=CODE, XK_JDRQ=DECIDED, XK_XKJG=AUTHORITY, XK_GSZT="1", XK_XKLB="普通"
                )
                await conn.execute(table.insert().values(**row))
        finally:
            await engine.dispose()

    _run_apart(run())


def _licences(hub: HubFixture, department: str = "privacy-office") -> dict[str, Any]:
    response = hub.graphql(department, REPORT, {"d": DECIDED.isoformat()})
    assert response.status_code == 200, response.text
    rows = response.json()["data"]["publicationTimeliness"]["rows"]
    found = [row for row in rows if row["recordType"] == "licence"]
    return found[0] if found else {"items": 0, "missing": 0, "missingAtSource": 0, "missingRefused": 0}


def test_a_source_licence_never_submitted_is_missing_until_the_department_submits_it(hub: HubFixture) -> None:
    before = _licences(hub)
    _add_source_licence(hub.source_urls["taiyuan"])
    known = _licences(hub)
    assert known["missingAtSource"] == before["missingAtSource"] + 1
    assert known["missing"] == known["missingAtSource"] + known["missingRefused"]
    assert known["missingOverdue"] >= 1, "decided 2026-11-18: 7 working days passed by 2026-12-06"
    assert _licences(hub, "market-regulation") == known, "the department sees its own the same"

    header = "XK_XDR_SHXYM,XK_WSH,XK_XMMC,XK_XKLB,XK_XKJG,XK_JDRQ\r\n"
    line = f"{CODE},{NUMBER},食品经营许可,普通,{AUTHORITY},{DECIDED.isoformat()}\r\n"
    response = httpx.post(
        f"{hub.base_url}/records/licence",
        content=(header + line).encode("utf-8"),
        headers={
            "Authorization": f"Bearer {hub.token('market-regulation')}",
            "Content-Type": "text/csv",
            "X-Hub-Operator": "clerk-9",
        },
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 1
    after = _licences(hub)
    assert after["missingAtSource"] == known["missingAtSource"] - 1, "submitted now: published, late"
    assert after["items"] == known["items"] + 1


def test_another_departments_source_decisions_are_not_its_missing(hub: HubFixture) -> None:
    response = hub.graphql("tax", REPORT.replace("market-regulation", "tax"), {"d": DECIDED.isoformat()})
    assert response.status_code == 200, response.text
    rows = response.json()["data"]["publicationTimeliness"]["rows"]
    assert all(row["department"] == "tax" for row in rows)
    assert all(row["recordType"] != "licence" or row["missingAtSource"] == 0 for row in rows)


def test_only_the_decisions_of_the_span_count(hub: HubFixture) -> None:
    query = REPORT.replace("since: $d, until: $d", "since: $s, until: $d").replace("$d: Date!", "$s: Date!, $d: Date!")
    response = hub.graphql("privacy-office", query, {"s": "1990-01-01", "d": "1990-01-31"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["publicationTimeliness"]["rows"] == [], "the sources' later decisions are not read"
