"""The submission service on both databases: versions, withdrawals, refusals kept for quality, the free-text scan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.catalog.load import load_catalog
from hub.collection.check import item_key
from hub.collection.rows import RawRow
from hub.collection.service import CollectionService, Submitter
from hub.config import resource_dir
from hub.privacy.redact import Redactor
from hub.store.collected import CollectedStore
from tests.identity.support import BACKENDS
from tests.store.conftest import migrated_engine

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in China
TAX = Submitter("tax", "tax-client")
ITEM = {
    "subject_code": "91140100000000202H",
    "decision_number": "并税罚〔2026〕9号",
    "category": "罚款",
    "authority": "国家税务总局太原市税务局",
    "decided_on": "2026-11-18",
    "legal_basis": "《税收征收管理法》",
}


@pytest.fixture(params=BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Answers an engine on a migrated hub database with its collected tables."""
    async with migrated_engine(request.param, tmp_path) as made:
        yield made


def _rules_only(texts: Sequence[str]) -> list[tuple[str, ...]]:
    redactor = Redactor(tagger_factory=None)
    return [tuple(e.type for e in one.entities) for one in redactor.redact_many([(t, ()) for t in texts])]


async def _rows(*rows: dict[str, str | None]) -> AsyncIterator[RawRow]:
    for line, row in enumerate(rows, start=2):
        yield RawRow(line, dict(row))


async def test_versions_withdrawal_and_a_withdrawn_item_sent_again(engine: AsyncEngine) -> None:
    service = CollectionService(CATALOG, CollectedStore(engine), clock=lambda: NOW)
    first = await service.submit(TAX, "penalty", _rows(ITEM))
    assert (first.accepted, first.refused) == (1, [])
    corrected = {**ITEM, "amount": "2000", "action": "correct", "reason": "罚款金额漏填"}
    withdrawn = {**ITEM, "action": "withdraw", "reason": "复议撤销"}
    both = await service.submit(TAX, "penalty", _rows(corrected, withdrawn, withdrawn))
    assert (both.accepted, both.unchanged, both.refused) == (2, 1, [])
    again = await service.submit(TAX, "penalty", _rows(ITEM))
    assert [r.code.value for r in again.refused] == ["WITHDRAWN"]
    item_id = service.item_id("penalty", item_key("penalty", [str(ITEM["authority"]), str(ITEM["decision_number"])]))
    versions = await service.history(item_id, frozenset({"tax"}))
    assert [(v.version, v.action, v.reason) for v in versions] == [
        (1, "SUBMIT", None),
        (2, "CORRECT", "罚款金额漏填"),
        (3, "WITHDRAW", "复议撤销"),
    ]
    assert versions[1].payload["amount"] == "2000"
    report = await service.timeliness(date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 30))
    [row] = report.rows
    assert (row.items, row.on_time, row.late, row.median_lag) == (1, 0, 1, 8.0)  # 11-18 to 11-30: eight working days


async def test_free_text_is_scanned_after_landing_and_counted_in_quality(engine: AsyncEngine) -> None:
    service = CollectionService(CATALOG, CollectedStore(engine), detect=_rules_only, clock=lambda: NOW)
    texty = {**ITEM, "decision_number": "并税罚〔2026〕10号", "decision_text": "当事人联系电话13812345678，逾期申报"}
    bad = {**ITEM, "decision_number": "并税罚〔2026〕11号", "legal_basis": ""}
    result = await service.submit(TAX, "penalty", _rows(texty, bad))
    assert (result.accepted, result.refused_count) == (1, 1)
    assert await service.scan_pending() == 1
    assert await service.scan_pending() == 0
    [quality] = await service.quality(frozenset({"tax"}))
    assert dict(quality.personal_data) == {"PHONE_NUMBER": 1}
    assert dict(quality.refused_by_reason) == {"REQUIRED": 1}
    report = await service.timeliness(date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 30))
    assert report.rows[0].missing == 1, "the refused decision is still missing its publication"
