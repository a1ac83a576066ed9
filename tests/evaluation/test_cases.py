"""The evaluation model: the shipped cases hold, and a bad model or case is refused at its file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.errors import ConfigError
from hub.evaluation.cases import check_evaluation_cases
from hub.evaluation.load import evaluation_path, load_evaluation

POLICIES = resource_dir("policies")
CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
CASES = POLICIES / "cases" / "evaluation.yaml"


def test_the_shipped_model_meets_every_expected_grade() -> None:
    model = load_evaluation(evaluation_path(POLICIES), CATALOG)
    assert model.version == "2026.1"
    assert [g.grade for g in model.grades] == ["A", "B", "C", "D"]
    assert [f.render() for f in check_evaluation_cases(model, CATALOG, CASES)] == []


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(POLICIES, target)
    return target


def _edit(path: Path, old: str, new: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, text in enumerate(lines) if old in text)
    lines[index] = lines[index].replace(old, new)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index + 1


def test_a_wrong_expected_grade_is_reported_at_its_line(copied: Path) -> None:
    cases = copied / "cases" / "evaluation.yaml"
    line = _edit(cases, "expect: {grade: A, score: 92", "expect: {grade: B, score: 92")
    model = load_evaluation(evaluation_path(copied), CATALOG)
    assert [f.render() for f in check_evaluation_cases(model, CATALOG, cases)] == [
        f"{cases}:{line}: tax grade A and three recent licences reach A: grade A, expected B"
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("record_type: tax_credit", "record_type: tax_grade", "record type 'tax_grade' is not in the catalogue"),
        ("severity: serious", "severity: grave", "severity 'grave' is not a class of acts"),
        ("{grade: C, min: 60", "{grade: C, min: 80", "grade 'C' needs 80, not less than the better grade"),
        ("grade_at_most: C", "grade_at_most: E", "grade_at_most 'E' is not a grade of the model"),
        ("limit: -30\n", "limit: 30\n", "limit 30 has the other sign"),
        ("within: P1Y", "within: one year", "within 'one year' is not an ISO 8601 duration"),
        ("where: {list: RED}", "where: {colour: RED}", "'colour' is not a field of record type 'listing'"),
    ],
)
def test_a_bad_model_is_refused_at_its_line(copied: Path, old: str, new: str, message: str) -> None:
    path = evaluation_path(copied)
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_evaluation(path, CATALOG)
    rendered = raised.value.render()
    assert message in rendered
    assert f"{path}:" in rendered
    assert abs(int(rendered.split(f"{path}:")[1].split(":")[0].split()[0].rstrip(",;)")) - line) <= 1
