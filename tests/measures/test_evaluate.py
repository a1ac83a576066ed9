"""Which measures apply: mandatory first, suspension, durations and the clock, legal representatives, green channel."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from hub.config import resource_dir
from hub.identity.codes import SubjectKind
from hub.measures.evaluate import evaluate, years_before
from hub.measures.load import load_measures, measures_path
from hub.measures.model import MeasureList
from hub.measures.results import Basis, GreenReason, Holder, ListStatus, Standing

MEASURES = load_measures(measures_path(resource_dir("policies")))
TODAY = date(2026, 7, 1)
FIRM = "91140200MA0L000011"
BLACK = Basis("datong:listing:1", MeasureList.BLACK, date(2026, 1, 10), date(2029, 1, 9), 0, False)
CASE = "court:court_dishonesty:（2025）晋02执1号"
COURT = Basis(CASE, MeasureList.COURT_DISHONESTY, date(2025, 12, 1), None, 0, False)
RED = Basis("taiyuan:listing:9", MeasureList.RED, date(2025, 9, 1), date(2027, 8, 31), 0, False)


def standing(*bases: Basis, kind: SubjectKind = SubjectKind.LEGAL_ENTITY, **extra: object) -> Standing:
    values: dict[str, object] = {"last_bad_record": None, "registered_on": date(2015, 5, 1), **extra}
    return Standing(FIRM, kind, bases, **values)  # type: ignore[arg-type]


def codes(check: object) -> list[str]:
    return [m.code for m in check.measures]  # type: ignore[attr-defined]


def test_black_listed_enterprise_gets_the_mandatory_procurement_measures_first() -> None:
    check = evaluate(MEASURES, "GOVERNMENT_PROCUREMENT", standing(BLACK, COURT, last_bad_record=TODAY), TODAY)
    assert check.list_status is ListStatus.BLACK
    assert codes(check) == ["GP-01", "GP-02"]
    first = check.measures[0]
    assert first.mandatory
    assert not first.suspended
    assert first.basis_item_id == BLACK.item_id
    assert first.ends_on == date(2029, 1, 9)
    assert "政府采购法" in first.legal_basis
    assert check.measures[1].ends_on is None, "a court debtor's restriction lasts while the entry stands"
    assert not check.green_channel.eligible


def test_recommended_measures_come_after_mandatory_ones() -> None:
    key = Basis("datong:listing:2", MeasureList.KEY_ATTENTION, date(2026, 3, 1), date(2027, 2, 28), 0, False)
    check = evaluate(MEASURES, "GOVERNMENT_PROCUREMENT", standing(key, BLACK), TODAY)
    assert [(m.code, m.mandatory) for m in check.measures] == [("GP-01", True), ("GP-03", False)]


def test_an_objection_suspends_exactly_the_measures_resting_on_the_item() -> None:
    disputed = replace(BLACK, suspended=True)
    check = evaluate(MEASURES, "GOVERNMENT_PROCUREMENT", standing(disputed, COURT), TODAY)
    by_code = {m.code: m for m in check.measures}
    assert by_code["GP-01"].suspended
    assert not by_code["GP-02"].suspended
    assert check.list_status is ListStatus.BLACK, "the entry stands while it is verified"


def test_a_measure_on_two_entries_is_suspended_only_when_both_are() -> None:
    suspended_court = replace(COURT, suspended=True)
    check = evaluate(MEASURES, "FISCAL_FUNDS", standing(BLACK, suspended_court), TODAY)
    measure = next(m for m in check.measures if m.code == "FF-01")
    assert not measure.suspended
    assert measure.basis_item_id == BLACK.item_id
    assert set(measure.basis_item_ids) == {BLACK.item_id, COURT.item_id}


def test_rejection_continues_the_clock_by_the_suspended_days() -> None:
    early = Basis("datong:listing:3", MeasureList.BLACK, date(2023, 6, 15), None, 0, False)
    assert codes(evaluate(MEASURES, "GOVERNMENT_PROCUREMENT", standing(early), TODAY)) == []
    extended = replace(early, extension_days=30)
    check = evaluate(MEASURES, "GOVERNMENT_PROCUREMENT", standing(extended), TODAY)
    assert codes(check) == ["GP-01"]
    assert check.measures[0].ends_on == date(2026, 6, 14) + timedelta(days=30)


def test_legal_representatives_own_entries_count_only_where_the_measure_says_so() -> None:
    person_court = Basis(
        "court:court_dishonesty:（2025）晋02执7号", MeasureList.COURT_DISHONESTY, date(2025, 11, 1), None, 0, False,
        Holder.LEGAL_REPRESENTATIVE,
    )  # fmt: skip
    honours = evaluate(MEASURES, "HONOURS", standing(person_court), TODAY)
    assert [(m.code, m.via) for m in honours.measures] == [("HO-01", Holder.LEGAL_REPRESENTATIVE)]
    assert honours.list_status is ListStatus.NONE, "the representative's entry is not the enterprise's list"
    assert codes(evaluate(MEASURES, "GOVERNMENT_PROCUREMENT", standing(person_court), TODAY)) == []


def test_red_list_opens_the_green_channel_and_its_rewards() -> None:
    check = evaluate(MEASURES, "ADMINISTRATIVE_LICENCE", standing(RED), TODAY)
    assert check.list_status is ListStatus.RED
    assert check.green_channel.reason is GreenReason.RED_LIST
    assert codes(check) == ["AL-04", "AL-05"]
    assert all(m.basis_item_id == RED.item_id for m in check.measures)


@pytest.mark.parametrize(
    ("bad", "registered", "incomplete", "eligible"),
    [
        (None, date(2015, 1, 1), (), True),
        (date(2022, 1, 1), date(2015, 1, 1), (), True),
        (date(2024, 1, 1), date(2015, 1, 1), (), False),
        (None, date(2025, 1, 1), (), False),
        (None, date(2015, 1, 1), ("penalty",), False),
    ],
)
def test_three_clean_years_open_the_green_channel(
    bad: date | None, registered: date, incomplete: tuple[str, ...], eligible: bool
) -> None:
    found = standing(last_bad_record=bad, registered_on=registered, incomplete=incomplete)
    check = evaluate(MEASURES, "ADMINISTRATIVE_LICENCE", found, TODAY)
    assert check.green_channel.eligible is eligible
    assert (codes(check) == ["AL-04", "AL-05"]) is eligible
    assert check.complete is not incomplete


def test_subject_kinds_are_respected() -> None:
    person = standing(BLACK, kind=SubjectKind.NATURAL_PERSON)
    assert codes(evaluate(MEASURES, "FINANCING", person, TODAY)) == []
    assert codes(evaluate(MEASURES, "FINANCING", standing(BLACK), TODAY)) == ["FN-01"]


def test_years_before_handles_leap_days() -> None:
    assert years_before(date(2028, 2, 29), 3) == date(2025, 2, 28)
