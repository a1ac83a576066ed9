"""The loop initiate → respond → execute → feed back over real HTTP: cases, stages, lag, monitoring per department."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.store.engine import make_engine
from hub.store.measure_cases import CaseRepository, CaseRow
from tests.graphql.audit_hub import run_apart

INITIATE = """mutation($i: InitiateMeasuresInput!) { initiateMeasures(input: $i) {
  id initiatingDepartment implementingDepartment subjectCode measure matter reference stage initiatedAt respondedAt
  fedBackAt executed lagHours dueAt overdue } }"""
RESPOND = """mutation($id: ID!) { respondToMeasureCase(id: $id) { id stage respondedAt overdue } }"""
CASES = """query($s: MeasureCaseStage) { measureCases(stage: $s, first: 200) {
  id stage executed fedBackAt lagHours overdue dueAt initiatingDepartment implementingDepartment } }"""
MONITORING = """{ measureMonitoring { respondWithinDays feedBackWithinDays legalBasis
  departments { department initiated responded executed fedBack pending overdue } } }"""
REPORT = """mutation($i: MeasureExecutionInput!) { reportMeasureExecution(input: $i) { id reported } }"""


def _data(response: Any) -> dict[str, Any]:
    body = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


def _error(response: Any) -> tuple[str, str]:
    [error] = response.json()["errors"]
    return error["extensions"]["code"], error["message"]


def _monitoring(hub: Any) -> dict[str, dict[str, int]]:
    report = _data(hub.graphql("privacy-office", MONITORING))["measureMonitoring"]
    return {row["department"]: row for row in report["departments"]}


def _count(report: dict[str, dict[str, int]], department: str, key: str) -> int:
    return report.get(department, {}).get(key, 0)


def _initiate(hub: Any, department: str = "market-regulation", **change: Any) -> Any:
    request = {
        "targets": [hub.samples["blacklisted"]], "matter": "GOVERNMENT_PROCUREMENT", "measures": ["GP-01"],
        "implementers": ["approval-bureau"], "purpose": "SUPERVISION", "reference": "晋市监信〔2026〕7号", **change,
    }  # fmt: skip
    return hub.graphql(department, INITIATE, {"i": request})


def test_the_loop_initiate_respond_execute_feed_back_is_monitored_per_department(hub: Any) -> None:
    before = _monitoring(hub)
    [case] = _data(_initiate(hub))["initiateMeasures"]
    assert (case["stage"], case["implementingDepartment"], case["overdue"]) == ("INITIATED", "approval-bureau", False)
    assert case["subjectCode"] == hub.samples["blacklisted"]
    assert case["dueAt"] is not None
    opened = _monitoring(hub)
    assert _count(opened, "market-regulation", "initiated") == _count(before, "market-regulation", "initiated") + 1
    assert _count(opened, "approval-bureau", "pending") == _count(before, "approval-bureau", "pending") + 1

    responded = _data(hub.graphql("approval-bureau", RESPOND, {"id": case["id"]}))["respondToMeasureCase"]
    assert responded["stage"] == "RESPONDED"
    assert _error(hub.graphql("approval-bureau", RESPOND, {"id": case["id"]}))[0] == "BAD_USER_INPUT"
    assert _error(hub.graphql("bank", RESPOND, {"id": case["id"]}))[0] == "FORBIDDEN"

    outcome = {"code": hub.samples["blacklisted"], "matter": "GOVERNMENT_PROCUREMENT",
               "outcomes": [{"measure": "GP-01", "executed": True}]}  # fmt: skip
    assert _data(hub.graphql("approval-bureau", REPORT, {"i": outcome}))["reportMeasureExecution"]["reported"] == 1
    mine = {c["id"]: c for c in _data(hub.graphql("approval-bureau", CASES, {"s": "FED_BACK"}))["measureCases"]}
    closed = mine[case["id"]]
    assert (closed["stage"], closed["executed"], closed["overdue"], closed["dueAt"]) == ("FED_BACK", True, False, None)
    assert closed["lagHours"] >= 0
    after = _monitoring(hub)
    for key in ("responded", "executed", "fedBack"):
        assert _count(after, "approval-bureau", key) == _count(before, "approval-bureau", key) + 1, key
    assert _count(after, "approval-bureau", "pending") == _count(before, "approval-bureau", "pending")


def test_a_case_past_its_time_limit_is_overdue(hub: Any) -> None:
    before = _monitoring(hub)
    late = datetime.now(UTC) - timedelta(days=5)
    row = CaseRow(
        id=str(uuid.uuid4()), initiative_id=str(uuid.uuid4()), initiating_department="court",
        implementing_department="approval-bureau", subject_code=hub.samples["blacklisted"], measure_code="GP-02",
        matter="GOVERNMENT_PROCUREMENT", reference=None, stage="INITIATED", initiated_at=late,
    )  # fmt: skip

    async def store() -> None:
        engine = make_engine(hub.settings.database_url)
        try:
            await CaseRepository(engine).add([row])
        finally:
            await engine.dispose()

    run_apart(store())
    report = _data(hub.graphql("privacy-office", MONITORING))["measureMonitoring"]
    assert (report["respondWithinDays"], report["feedBackWithinDays"]) == (3, 15)
    assert "第31条" in report["legalBasis"]
    after = {r["department"]: r for r in report["departments"]}
    assert _count(after, "approval-bureau", "overdue") == _count(before, "approval-bureau", "overdue") + 1
    listed = {c["id"]: c for c in _data(hub.graphql("privacy-office", CASES, {"s": "INITIATED"}))["measureCases"]}
    assert listed[row.id]["overdue"] is True
    assert listed[row.id]["lagHours"] >= 5 * 24


def test_initiating_is_capped_by_department_and_by_the_targets_standing(hub: Any) -> None:
    code, message = _error(_initiate(hub, "tax", matter="HIGH_CONSUMPTION", measures=["HC-01"]))
    assert code == "FORBIDDEN"
    assert "does not initiate measure 'HC-01'" in message
    code, message = _error(_initiate(hub, measures=["GP-04"]))
    assert code == "FORBIDDEN"
    assert "target 1: measure 'GP-04' did not apply" in message
    code, message = _error(_initiate(hub, implementers=["nobody"]))
    assert (code, "nobody" in message) == ("BAD_USER_INPUT", True)
    assert _error(_initiate(hub, "approval-bureau"))[0] == "FORBIDDEN"
    _data(_initiate(hub))
    own = _data(hub.graphql("tax", CASES, {"s": None}))["measureCases"]
    assert all("tax" in (c["initiatingDepartment"], c["implementingDepartment"]) for c in own), "own cases only"
    assert _data(hub.graphql("privacy-office", CASES, {"s": None}))["measureCases"], "officers see every case"
