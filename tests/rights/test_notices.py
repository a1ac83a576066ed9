"""What a correction notice tells its department: the item and the decision, corrected values only as its policy
shows them; cursors the hub hands out and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.errors import ErrorCode, HubError
from hub.policy.load import load_policies
from hub.rights.notices import NoticeAction, NoticeKind, NoticeService, decode_cursor, encode_cursor
from hub.store.rights_rows import NoticeRow

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
POLICIES = load_policies(resource_dir("policies"), CATALOG)
QUEUED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _service() -> NoticeService:
    return NoticeService(None, CATALOG, POLICIES)  # type: ignore[arg-type] # no repository: nothing is stored


def _row(payload: dict[str, object], kind: str = "OBJECTION_UPHELD") -> NoticeRow:
    return NoticeRow(
        id="n-1", source="taiyuan", item_id="taiyuan:penalty:并税罚〔2026〕7号", kind=kind, payload=payload,
        created_at=QUEUED, department="tax", subject_code="91140100MA0L000011", deliveries=2,
    )  # fmt: skip


def test_a_corrected_value_reaches_the_department_only_as_its_policy_shows_it() -> None:
    corrections = {"amount": "1000.00", "decision_text": "罚款人民币壹仟元整"}
    payload = {"objection_id": "o-1", "outcome": "CORRECT", "corrections": corrections}
    notice = _service()._notice("tax", _row(payload))
    assert (notice.kind, notice.action, notice.record_type, notice.decision_id) == (
        NoticeKind.OBJECTION_UPHELD, NoticeAction.CORRECT, "penalty", "o-1",
    )  # fmt: skip
    shown = {c.field: (c.value, c.withheld) for c in notice.corrections}
    assert shown == {"amount": ("1000.00", False), "decision_text": (None, True)}, "tax's policy denies decision_text"
    market = _service()._notice("market-regulation", _row(payload))
    assert {c.field: c.value for c in market.corrections}["decision_text"] == "罚款人民币壹仟元整"


def test_a_repair_notice_says_stop_sharing_with_the_decision_day() -> None:
    notice = _service()._notice("tax", _row({"repair_id": "r-9", "decided_on": "2026-03-01"}, "REPAIR_APPROVED"))
    assert (notice.action, notice.decision_id, notice.decided_on, notice.corrections) == (
        NoticeAction.REPAIRED, "r-9", "2026-03-01", (),
    )  # fmt: skip


@pytest.mark.parametrize("cursor", ["junk", encode_cursor(QUEUED, "")[:-2], "MjAyNi0wMy0wMlQwOTozMDowMHxu"])
def test_only_cursors_the_hub_handed_out_are_taken(cursor: str) -> None:
    assert decode_cursor(encode_cursor(QUEUED, "n-1")) == (QUEUED, "n-1")
    with pytest.raises(HubError) as refused:
        decode_cursor(cursor)
    assert refused.value.code is ErrorCode.BAD_USER_INPUT
