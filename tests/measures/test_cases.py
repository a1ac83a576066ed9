"""A case's stage, lag, deadline and overdue flag at an injected instant; masked resident IDs in case lists."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from hub.config import resource_dir
from hub.demo.generator import samples
from hub.measures.cases import CaseService, Stage
from hub.measures.load import load_measures, measures_path
from hub.store.measure_cases import CaseRow

MEASURES = load_measures(measures_path(resource_dir("policies")))
NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
SERVICE = CaseService(MEASURES, None, None, {"approval-bureau"})  # type: ignore[arg-type]
ROW = CaseRow(
    id="c-1", initiative_id="i-1", initiating_department="court", implementing_department="approval-bureau",
    subject_code=samples(7, 80)["blacklisted"], measure_code="GP-02", matter="GOVERNMENT_PROCUREMENT", reference=None,
    stage="INITIATED", initiated_at=NOW - timedelta(days=2),
)  # fmt: skip


@pytest.mark.parametrize(
    ("stage", "days_ago", "overdue", "due_in_days"),
    [("INITIATED", 2, False, 3), ("INITIATED", 3.5, True, 3), ("RESPONDED", 3.5, False, 15),
     ("RESPONDED", 16, True, 15), ("FED_BACK", 40, False, None)],
)  # fmt: skip
def test_a_case_is_overdue_past_its_next_deadline(
    stage: str, days_ago: float, overdue: bool, due_in_days: int | None
) -> None:
    started = NOW - timedelta(days=days_ago)
    fed = started + timedelta(hours=30) if stage == "FED_BACK" else None
    view = SERVICE.view(replace(ROW, stage=stage, initiated_at=started, fed_back_at=fed), NOW)
    assert view.stage is Stage(stage)
    assert view.overdue is overdue
    assert view.due_at == (started + timedelta(days=due_in_days) if due_in_days else None)
    assert view.lag_hours == (30.0 if fed else round(days_ago * 24, 2))


def test_a_persons_code_is_masked_in_case_lists() -> None:
    view = SERVICE.view(replace(ROW, subject_code="142401195805017277"), NOW)
    assert view.subject_code == "142401********7277"
    assert SERVICE.view(ROW, NOW).subject_code == ROW.subject_code
