"""Grading one record: unread record types make it incomplete, types a kind of subject never has do not count."""

from __future__ import annotations

from datetime import date

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.errors import ErrorCode
from hub.evaluation.load import evaluation_path, load_evaluation
from hub.evaluation.score import grade
from hub.identity.codes import SubjectKind
from hub.privacy.disclose import Withheld

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
MODEL = load_evaluation(evaluation_path(resource_dir("policies")), CATALOG)
TODAY = date(2026, 12, 6)
EMPTY = {i.record_type: [] for i in MODEL.indicators}


def test_a_record_type_no_source_answered_makes_the_grade_incomplete() -> None:
    unknown = {**EMPTY, "court_dishonesty": Withheld(ErrorCode.SOURCE_UNAVAILABLE, "court did not answer")}
    found = grade(MODEL, CATALOG, "x", SubjectKind.LEGAL_ENTITY, unknown, TODAY, failed=["tax_credit"])
    assert found.incomplete == ("court_dishonesty", "tax_credit")
    assert not found.complete
    assert (found.grade, found.score, found.model_version) == ("B", 80, "2026.1")


def test_tax_grades_do_not_apply_to_a_person_and_flagged_entries_count_for_nothing() -> None:
    items = {**EMPTY, "listing": [{"id": "l1", "list": "BLACK", "listed_on": date(2026, 1, 1), "flags": ["MINOR"]}]}
    found = grade(MODEL, CATALOG, "x", SubjectKind.NATURAL_PERSON, items, TODAY)
    tax = next(r for r in found.indicators if r.code == "TAX_GRADE")
    assert not tax.applicable
    black = next(r for r in found.indicators if r.code == "BLACK_LIST")
    assert (black.count, black.points, black.grade_cap) == (0, 0, None)
    assert found.grade == "B"
