"""The collection checks over what a pulled source holds: a faulty penalty is flagged with its reasons, unchanged."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, Table, select
from stdnum.cn import uscc

from hub.store.engine import make_engine
from tests.conftest import _run_apart
from tests.support.server import HubFixture

NOBODY = "91140200MA0QC0001" + uscc.calc_check_digit("91140200MA0QC0001")
QUERY = """query($since: Date) { sourceQuality(since: $since, limit: 20000) {
  source recordType rows flagged byReason { name count } items { itemId reasons } } }"""


def _add_faulty_penalty(url: str) -> str:
    """Answers the doc_no of a copy of a datong penalty with a decision date in the future and no legal basis."""
    made: list[str] = []

    async def run() -> None:
        engine = make_engine(url)
        try:
            async with engine.begin() as conn:
                table = await conn.run_sync(lambda sync: Table("t_punish", MetaData(), autoload_with=sync))
                row: dict[str, Any] = dict((await conn.execute(select(table).limit(1))).mappings().one())
                top = (await conn.execute(select(table.c.pun_id).order_by(table.c.pun_id.desc()).limit(1))).scalar()
                row.update(
                    pun_id=int(top) + 1, doc_no="同市监罚〔2099〕1号", pun_date="20991231", basis=None, obj_code=NOBODY
                )  # a subject of its own: no other test's record changes
                await conn.execute(table.insert().values(**row))
                made.append(row["doc_no"])
        finally:
            await engine.dispose()

    _run_apart(run())
    return made[0]


def test_a_pulled_penalty_that_fails_the_checks_is_flagged_and_left_as_it_is(hub: HubFixture) -> None:
    _add_faulty_penalty(hub.source_urls["datong"])
    response = hub.graphql("privacy-office", QUERY, {"since": "2000-01-01"})
    assert response.status_code == 200, response.text
    found = {(r["source"], r["recordType"]): r for r in response.json()["data"]["sourceQuality"]}
    assert "collected" not in {source for source, _ in found}, "the hub-managed source is checked on submission"
    penalties = found[("datong", "penalty")]
    assert penalties["rows"] >= penalties["flagged"] >= 1
    reasons = {entry["name"] for entry in penalties["byReason"]}
    assert {"FUTURE_DATE", "REQUIRED"} <= reasons
    flagged = [item for item in penalties["items"] if "decided_on:FUTURE_DATE" in item["reasons"]]
    assert flagged
    assert "legal_basis:REQUIRED" in flagged[0]["reasons"]


def test_only_privacy_officers_run_the_source_checks(hub: HubFixture) -> None:
    refused = hub.graphql("market-regulation", QUERY, {"since": "2000-01-01"}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
