"""Reads policies/evaluation.yaml; every error names file:line, the reason and a fix."""

from __future__ import annotations

from pathlib import Path

from hub.catalog.model import Catalog, parse_period
from hub.catalog.yamlfile import YamlDocument, load_yaml
from hub.errors import ConfigError
from hub.evaluation.model import EvaluationModel, EvaluationSpec, Grade, Indicator, IndicatorSpec
from hub.policy.load import reject_duplicate_keys

FILE_NAME = "evaluation.yaml"
_FIX = "see the header of policies/evaluation.yaml for the keys an indicator and a grade may use"


def evaluation_path(policies_dir: Path) -> Path:
    """Answers where the evaluation model of a policies folder lives."""
    return policies_dir / FILE_NAME


def load_evaluation(path: Path, catalog: Catalog) -> EvaluationModel:
    """Answers the compiled evaluation model in `path`, or raises ConfigError at the offending line."""
    document = load_yaml(path)
    reject_duplicate_keys(document)
    spec = document.validate(EvaluationSpec, _FIX)
    grades = _grades(document, spec)
    names = {grade.grade for grade in grades}
    seen: set[str] = set()
    indicators = []
    for index, indicator in enumerate(spec.indicators):
        if indicator.code in seen:
            raise ConfigError(
                f"indicator code '{indicator.code}' is written twice",
                place=document.place(("indicators", index, "code")),
                fix="give every indicator its own code",
            )
        seen.add(indicator.code)
        indicators.append(_indicator(document, index, indicator, catalog, names))
    return EvaluationModel(spec.version, spec.title, spec.legal_basis, spec.base, grades, tuple(indicators))


def _grades(document: YamlDocument, spec: EvaluationSpec) -> tuple[Grade, ...]:
    previous: int | None = None
    for index, grade in enumerate(spec.grades):
        place = document.place(("grades", index))
        last = index == len(spec.grades) - 1
        if grade.grade in [g.grade for g in spec.grades[:index]]:
            raise ConfigError(f"grade '{grade.grade}' is written twice", place=place, fix="name each grade once")
        if last != (grade.min is None):
            raise ConfigError(
                "only the last (lowest) grade has `min: null`, and it must",
                place=place,
                fix="write the grades best first, each with the least score that reaches it, the last with min: null",
            )
        if grade.min is not None and previous is not None and grade.min >= previous:
            raise ConfigError(
                f"grade '{grade.grade}' needs {grade.min}, not less than the better grade above it ({previous})",
                place=document.place(("grades", index, "min")),
                fix="write the grades best first with falling least scores",
            )
        previous = grade.min
    return tuple(Grade(g.grade, g.min, g.title) for g in spec.grades)


def _indicator(
    document: YamlDocument, index: int, spec: IndicatorSpec, catalog: Catalog, grades: set[str]
) -> Indicator:
    where = ("indicators", index)
    record_type = catalog.record_types.get(spec.record_type)
    if record_type is None:
        raise ConfigError(
            f"record type '{spec.record_type}' is not in the catalogue",
            place=document.place((*where, "record_type")),
            fix=f"use one of schema/catalog.yaml: {', '.join(catalog.record_types)}",
        )
    named = [(key, name) for key in ("where", "unless") for name in getattr(spec, key)]
    if spec.by is not None:
        named.append(("by", spec.by.field))
    for key, name in named:
        if name not in record_type.fields:
            raise ConfigError(
                f"'{name}' is not a field of record type '{spec.record_type}'",
                place=document.place((*where, key)),
                fix=f"use one of: {', '.join(record_type.fields)}",
            )
    if (spec.points is None) == (spec.by is None):
        raise ConfigError(
            f"indicator '{spec.code}' needs exactly one of `points` (per item) and `by` (per value)",
            place=document.place(where),
            fix="write `points: -10` or `by: {field: grade, points: {A: 10, D: -20}}`",
        )
    if spec.severity is not None:
        classes = [c.name for c in record_type.severity.classes] if record_type.severity else []
        if spec.severity not in classes:
            raise ConfigError(
                f"severity '{spec.severity}' is not a class of acts of record type '{spec.record_type}'",
                place=document.place((*where, "severity")),
                fix=f"use one of: {', '.join(classes)}" if classes else "remove `severity`: the type has no classes",
            )
    within = None
    if spec.within is not None:
        try:
            within = parse_period(spec.within)
        except ValueError:
            raise ConfigError(
                f"within '{spec.within}' is not an ISO 8601 duration",
                place=document.place((*where, "within")),
                fix="write it such as P3Y or P6M",
            ) from None
        if record_type.period_from is None:
            raise ConfigError(
                f"record type '{spec.record_type}' has no date to count `within` from (no period_from)",
                place=document.place((*where, "within")),
                fix="remove `within` or give the record type a period_from in schema/catalog.yaml",
            )
    values = [spec.points] if spec.points is not None else list(spec.by.points.values()) if spec.by else []
    if spec.limit is not None and any(v * spec.limit < 0 for v in values):
        raise ConfigError(
            f"limit {spec.limit} has the other sign than the indicator's points",
            place=document.place((*where, "limit")),
            fix="a limit caps the total in the points' own direction: negative for deductions",
        )
    if spec.grade_at_most is not None and spec.grade_at_most not in grades:
        raise ConfigError(
            f"grade_at_most '{spec.grade_at_most}' is not a grade of the model",
            place=document.place((*where, "grade_at_most")),
            fix=f"use one of: {', '.join(sorted(grades))}",
        )
    return Indicator(
        code=spec.code, title=spec.title, record_type=spec.record_type,
        where=tuple((k, frozenset([v] if isinstance(v, str) else v)) for k, v in spec.where.items()),
        unless=tuple((k, frozenset([v] if isinstance(v, str) else v)) for k, v in spec.unless.items()),
        severity=spec.severity, within=within,
        date_field=record_type.period_from if (within or spec.latest) else None, latest=spec.latest,
        points=spec.points, by_field=spec.by.field if spec.by else None,
        by_points=tuple(spec.by.points.items()) if spec.by else (), limit=spec.limit,
        grade_at_most=spec.grade_at_most, legal_basis=spec.legal_basis,
    )  # fmt: skip
