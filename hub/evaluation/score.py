"""Grades one subject's full record under the model: pure, on plain views, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from hub.catalog.model import Catalog
from hub.catalog.rules import severity_class
from hub.evaluation.model import EvaluationModel, Indicator
from hub.identity.codes import SubjectKind


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """What one indicator found: the items that count, the points they bring (after the limit), any grade cap."""

    code: str
    title: str
    record_type: str
    count: int
    points: int
    limited: bool
    grade_cap: str | None
    legal_basis: str
    item_ids: tuple[str, ...]
    applicable: bool = True


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A subject's grade on a day under one version of the model, with every indicator's contribution."""

    code: str
    kind: SubjectKind
    grade: str
    grade_title: str
    score: int
    evaluated_on: date
    model_version: str
    model_title: str
    legal_basis: str
    indicators: tuple[IndicatorResult, ...]
    incomplete: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Answers whether every record type the model reads could be read."""
        return not self.incomplete


def grade(
    model: EvaluationModel, catalog: Catalog, code: str, kind: SubjectKind, items: Mapping[str, Any], today: date,
    *, failed: Sequence[str] = (),
) -> Evaluation:  # fmt: skip
    """Answers the evaluation of one subject from its items by record type (lists of dicts, or anything else when
    the record type could not be read)."""
    results: list[IndicatorResult] = []
    incomplete = set(failed)
    for indicator in model.indicators:
        if kind not in catalog.record_types[indicator.record_type].subject_kinds:
            results.append(_result(indicator, [], 0, applicable=False))
            continue
        found = items.get(indicator.record_type)
        if not isinstance(found, list):
            incomplete.add(indicator.record_type)
            found = []
        matched = _matched(indicator, catalog, found, today)
        results.append(_result(indicator, matched, _points(indicator, matched)))
    score = model.base + sum(r.points for r in results)
    reached = model.grade_of(score)
    caps = [r.grade_cap for r in results if r.grade_cap]
    worst = max((model.rank(cap) for cap in caps), default=0)
    final = model.grades[max(model.rank(reached.grade), worst)]
    return Evaluation(
        code, kind, final.grade, final.title, score, today, model.version, model.title, model.legal_basis,
        tuple(results), tuple(sorted(incomplete)),
    )  # fmt: skip


def _matched(indicator: Indicator, catalog: Catalog, found: Sequence[Any], today: date) -> list[Mapping[str, Any]]:
    record_type = catalog.record_types[indicator.record_type]
    matched: list[Mapping[str, Any]] = []
    for item in found:
        if not isinstance(item, Mapping) or item.get("flags"):
            continue  # an entry that fails the catalogue's entry checks counts for nothing (002 §6, §10)
        if any(str(item.get(name)) not in values for name, values in indicator.where):
            continue
        if any(str(item.get(name)) in values for name, values in indicator.unless):
            continue
        if indicator.severity is not None:
            cls = severity_class(record_type, item)
            if cls is None or cls.name != indicator.severity:
                continue
        day = item.get(indicator.date_field) if indicator.date_field else None
        if indicator.within is not None and not (isinstance(day, date) and indicator.within.last_day(day) >= today):
            continue
        matched.append(item)
    if indicator.latest and matched:
        matched = [max(matched, key=lambda item: _day(item, indicator.date_field))]
    return matched


def _day(item: Mapping[str, Any], name: str | None) -> date:
    value = item.get(name) if name else None
    return value if isinstance(value, date) else date.min


def _points(indicator: Indicator, matched: Sequence[Mapping[str, Any]]) -> int:
    if indicator.points is not None:
        return indicator.points * len(matched)
    by = dict(indicator.by_points)
    return sum(by.get(str(item.get(indicator.by_field or "")), 0) for item in matched)


def _result(
    indicator: Indicator, matched: Sequence[Mapping[str, Any]], points: int, *, applicable: bool = True
) -> IndicatorResult:
    limit = indicator.limit
    limited = limit is not None and abs(points) > abs(limit)
    return IndicatorResult(
        indicator.code, indicator.title, indicator.record_type, len(matched), limit if limited and limit else points,
        limited, indicator.grade_at_most if matched else None, indicator.legal_basis,
        tuple(str(item.get("id")) for item in matched), applicable,
    )  # fmt: skip
