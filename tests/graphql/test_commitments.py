"""Credit commitments over real HTTP: the record, its lifecycle at the source, and 告知承诺 in creditCheck."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from stdnum.cn import uscc

from hub.demo.facts import Commitment
from hub.demo.generator import subject_facts
from hub.demo.items import add_years
from hub.store.engine import make_engine
from tests.support.server import SEED, HubFixture

RECORD = """query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) {
  commitments { id matter content committedOn department deadline verificationResult verifiedOn } } }"""
CHECK = """query($c: ID!, $m: String!) { creditCheck(code: $c, matter: $m, purpose: ADMINISTRATIVE_APPROVAL) {
  listStatus complete measures { code basisList basisItemId endsOn }
  commitment { offered eligible barredUntil reason basisItemId legalBasis } } }"""
NEW_ID = "XYCN2026900000001"


def _check(hub: HubFixture, code: str, matter: str = "ADMINISTRATIVE_LICENCE") -> dict[str, Any]:
    body = hub.graphql("approval-bureau", CHECK, {"c": code, "m": matter}).json()
    assert "errors" not in body, body
    return body["data"]["creditCheck"]  # type: ignore[no-any-return]


def _record(hub: HubFixture, code: str) -> list[dict[str, Any]]:
    body = hub.graphql("approval-bureau", RECORD, {"c": code}).json()
    assert "errors" not in body, body
    return body["data"]["subject"]["commitments"]  # type: ignore[no-any-return]


def test_the_sample_enterprise_broke_a_commitment_and_may_not_use_gaozhi_chengnuo(hub: HubFixture) -> None:
    facts = subject_facts(SEED, 0)
    broken = next(i for _, i in facts.items if isinstance(i, Commitment) and i.result == "BROKEN")
    assert broken.verified_on is not None
    check = _check(hub, hub.samples["enterprise"])
    option = check["commitment"]
    assert option["offered"] is True
    assert option["eligible"] is False
    assert option["reason"] == "BROKEN_COMMITMENT"
    assert option["barredUntil"] == (add_years(broken.verified_on, 2) - timedelta(days=1)).isoformat()
    assert option["basisItemId"].startswith("taiyuan:commitment:XYCN")
    assert "湘政办发〔2021〕54号" in option["legalBasis"]
    assert "CM-01" in {m["code"] for m in check["measures"]}
    not_offered = _check(hub, hub.samples["enterprise"], "HONOURS")["commitment"]
    assert not_offered == {**not_offered, "offered": False, "eligible": False, "reason": "NOT_OFFERED"}


def test_a_black_listed_enterprise_may_not_use_gaozhi_chengnuo(hub: HubFixture) -> None:
    option = _check(hub, hub.samples["blacklisted"], "FISCAL_FUNDS")["commitment"]
    assert option["eligible"] is False
    assert option["reason"] == "SERIOUS_DISHONESTY"


def test_the_record_shows_commitments_masked_as_the_policy_says(hub: HubFixture) -> None:
    items = _record(hub, hub.samples["enterprise"])
    assert sorted(i["verificationResult"] for i in items) == ["BROKEN", "COMMITTED", "KEPT"]
    assert all(i["id"].startswith("taiyuan:commitment:") for i in items)
    assert all("承诺" in i["content"] for i in items)
    pending = next(i for i in items if i["verificationResult"] == "COMMITTED")
    assert pending["verifiedOn"] is None
    assert pending["deadline"] > pending["committedOn"]


@pytest.fixture
async def taiyuan(hub: HubFixture) -> AsyncIterator[Any]:
    """The taiyuan source database, where the department keeps its commitments; the test's row is removed after."""
    engine = make_engine(hub.source_urls["taiyuan"], pool_size=1)
    try:
        yield engine
    finally:
        async with engine.begin() as conn:
            await conn.execute(text('DELETE FROM "XYCN" WHERE "CN_ID" = :id'), {"id": NEW_ID})
        await engine.dispose()


async def test_a_commitment_is_made_kept_or_broken_at_the_source_and_the_check_follows(
    hub: HubFixture, taiyuan: Any
) -> None:
    code = subject_facts(SEED, 2).subject.code
    assert _check(hub, code)["commitment"]["eligible"] is True, "one kept commitment leaves 告知承诺 open"
    async with taiyuan.begin() as conn:
        await conn.execute(
            text(
                'INSERT INTO "XYCN" ("CN_ID", "CN_ZTMC", "CN_ZTDM", "CN_SX", "CN_NR", "CN_RQ", "CN_SLBM", "CN_LYQX", '
                '"CN_HCJG") VALUES (:id, :name, :code, :matter, :content, :on, :dept, :deadline, :result)'
            ),
            {"id": NEW_ID, "name": "测试企业", "code": code, "matter": "食品经营许可（告知承诺）",
             "content": "三个月内补齐食品安全管理制度", "on": date(2026, 6, 1), "dept": "太原市行政审批服务管理局",
             "deadline": date(2026, 9, 1), "result": "未核查"},
        )  # fmt: skip
    made = next(i for i in _record(hub, code) if i["id"] == f"taiyuan:commitment:{NEW_ID}")
    assert made["verificationResult"] == "COMMITTED"
    assert made["verifiedOn"] is None
    assert _check(hub, code)["commitment"]["eligible"] is True

    async with taiyuan.begin() as conn:
        await conn.execute(
            text('UPDATE "XYCN" SET "CN_HCJG" = :r, "CN_HCRQ" = :d WHERE "CN_ID" = :id'),
            {"r": "已履约", "d": date(2026, 9, 10), "id": NEW_ID},
        )
    assert _check(hub, code)["commitment"]["eligible"] is True

    async with taiyuan.begin() as conn:
        await conn.execute(
            text('UPDATE "XYCN" SET "CN_HCJG" = :r, "CN_HCRQ" = :d WHERE "CN_ID" = :id'),
            {"r": "未履约", "d": date(2026, 9, 10), "id": NEW_ID},
        )
    broken = _check(hub, code)
    assert broken["commitment"] == {
        **broken["commitment"], "eligible": False, "reason": "BROKEN_COMMITMENT", "barredUntil": "2028-09-09",
        "basisItemId": f"taiyuan:commitment:{NEW_ID}",
    }  # fmt: skip
    measure = next(m for m in broken["measures"] if m["code"] == "CM-01")
    assert measure["basisList"] == "BROKEN_COMMITMENT"
    assert measure["endsOn"] == "2028-09-09"
    assert broken["listStatus"] == "NONE", "a broken commitment is a dishonesty item, not a list entry"


def _submit(hub: HubFixture, row: dict[str, str]) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {hub.token('market-regulation')}", "Content-Type": "application/jsonl",
               "X-Hub-Operator": "clerk-9"}  # fmt: skip
    body = json.dumps(row, ensure_ascii=False).encode()
    response = httpx.post(f"{hub.base_url}/records/commitment", content=body, headers=headers, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_commitment_submitted_then_verified_kept_and_broken_through_the_collection_path(hub: HubFixture) -> None:
    code = "91140105MA0C0MMT1" + uscc.calc_check_digit("91140105MA0C0MMT1")
    made = {
        "subject_code": code, "matter": "公共场所卫生许可（告知承诺）", "content": "三个月内补齐检测报告",
        "committed_on": "2026-11-02", "department": "太原市市场监督管理局", "deadline": "2027-02-01",
        "verification_result": "COMMITTED",
    }  # fmt: skip
    assert _submit(hub, made)["accepted"] == 1
    [shown] = _record(hub, code)
    assert (shown["verificationResult"], shown["verifiedOn"]) == ("COMMITTED", None)
    assert shown["id"].startswith("collected:commitment:")
    assert _check(hub, code)["commitment"]["eligible"] is True

    kept = {**made, "verification_result": "KEPT", "verified_on": "2026-11-20", "action": "correct",
            "reason": "到期核查：已履约"}  # fmt: skip
    assert _submit(hub, kept)["accepted"] == 1
    assert _record(hub, code)[0]["verificationResult"] == "KEPT"
    assert _check(hub, code)["commitment"]["eligible"] is True

    broken = {**kept, "verification_result": "BROKEN", "verified_on": "2026-11-25", "reason": "复核：承诺不实"}
    assert _submit(hub, broken)["accepted"] == 1
    check = _check(hub, code)
    assert check["commitment"]["reason"] == "BROKEN_COMMITMENT"
    assert check["commitment"]["barredUntil"] == "2028-11-24"
    assert "CM-01" in {m["code"] for m in check["measures"]}
    history = hub.graphql(
        "market-regulation", "query($id: ID!) { collectedItemHistory(id: $id) { version action } }", {"id": shown["id"]}
    ).json()["data"]["collectedItemHistory"]
    assert [(v["version"], v["action"]) for v in history] == [(1, "SUBMIT"), (2, "CORRECT"), (3, "CORRECT")]
