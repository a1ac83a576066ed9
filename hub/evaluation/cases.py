"""Expected grades and explanations (policies/cases/evaluation.yaml) and the check that runs them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from hub.catalog.model import Catalog
from hub.catalog.yamlfile import load_yaml
from hub.errors import ConfigError
from hub.evaluation.model import EvaluationModel
from hub.evaluation.score import grade
from hub.identity.codes import SubjectKind
from hub.policy.cases import CaseFailure
from hub.policy.load import reject_duplicate_keys

FILE_NAME = "evaluation.yaml"
_FIX = (
    "write each case as {name, kind, today, items: {record_type: [{field: value}]}, "
    "expect: {grade, score, indicators: {CODE: points}}}"
)


class ExpectSpec(BaseModel):
    """What the case expects: the grade, optionally the score, and every indicator that adds or deducts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    grade: str
    score: int | None = None
    indicators: dict[str, int] = Field(default_factory=dict)


class EvaluationCase(BaseModel):
    """One subject's items on a day and the grade and explanation they must give."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=3)
    kind: SubjectKind = SubjectKind.LEGAL_ENTITY
    today: date
    items: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    expect: ExpectSpec


_CASES = TypeAdapter(list[EvaluationCase])


def check_evaluation_cases(model: EvaluationModel, catalog: Catalog, path: Path) -> list[CaseFailure]:
    """Answers every case whose grade, score or explanation the model does not give, at its file:line."""
    if not path.is_file():
        return [CaseFailure(str(path), "the evaluation model has no cases file")]
    document = load_yaml(path)
    reject_duplicate_keys(document)
    try:
        cases = _CASES.validate_python(document.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(
            f"evaluation case: {first['msg']}", place=document.place(tuple(first["loc"])), fix=_FIX
        ) from None
    codes = {indicator.code for indicator in model.indicators}
    failures: list[CaseFailure] = []
    for index, case in enumerate(cases):
        place = document.place((index, "expect"))
        unknown = sorted(set(case.items) - set(catalog.record_types)) + sorted(set(case.expect.indicators) - codes)
        if unknown:
            failures.append(CaseFailure(place, f"{case.name}: unknown record type or indicator {', '.join(unknown)}"))
            continue
        items = {
            rt: [{"id": f"case:{rt}:{n}", **item} for n, item in enumerate(found)] for rt, found in case.items.items()
        }
        items.update({i.record_type: items.get(i.record_type, []) for i in model.indicators})
        found = grade(model, catalog, "case", case.kind, items, case.today)
        got = {r.code: r.points for r in found.indicators if r.points}
        problems = []
        if found.grade != case.expect.grade:
            problems.append(f"grade {found.grade}, expected {case.expect.grade}")
        if case.expect.score is not None and found.score != case.expect.score:
            problems.append(f"score {found.score}, expected {case.expect.score}")
        if got != case.expect.indicators:
            problems.append(f"indicators {got}, expected {case.expect.indicators}")
        if problems:
            failures.append(CaseFailure(place, f"{case.name}: " + "; ".join(problems)))
    return failures
