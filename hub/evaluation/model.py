"""The evaluation model as written in policies/evaluation.yaml, and compiled."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from hub.catalog.model import Period


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GradeSpec(_Strict):
    """One grade: the least score that reaches it (null for the last, which takes every other score)."""

    grade: str = Field(pattern=r"^[A-Z][A-Z+-]{0,2}$")
    min: int | None
    title: str = Field(min_length=1)


class ByValueSpec(_Strict):
    """Points by the value of one field of the item (a tax grade: A, B, M, C, D)."""

    field: str
    points: dict[str, int] = Field(min_length=1)


class IndicatorSpec(_Strict):
    """One indicator: which items of which record type count, and how many points each brings."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,39}$")
    title: str = Field(min_length=2)
    record_type: str
    where: dict[str, str | list[str]] = Field(default_factory=dict)
    unless: dict[str, str | list[str]] = Field(default_factory=dict)
    severity: str | None = None
    within: str | None = None
    latest: bool = False
    points: int | None = None
    by: ByValueSpec | None = None
    limit: int | None = None
    grade_at_most: str | None = None
    legal_basis: str = Field(min_length=4)


class EvaluationSpec(_Strict):
    """The whole policies/evaluation.yaml."""

    version: str = Field(pattern=r"^\d{4}\.\d+$")
    title: str = Field(min_length=2)
    legal_basis: str = Field(min_length=4)
    base: int = Field(ge=0, le=1000)
    grades: list[GradeSpec] = Field(min_length=2)
    indicators: list[IndicatorSpec] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Grade:
    """A grade and the least score that reaches it (None: the lowest grade)."""

    grade: str
    min: int | None
    title: str


@dataclass(frozen=True, slots=True)
class Indicator:
    """A compiled indicator; `date_field` is the record type's date the `within` period counts from."""

    code: str
    title: str
    record_type: str
    where: tuple[tuple[str, frozenset[str]], ...]
    unless: tuple[tuple[str, frozenset[str]], ...]
    severity: str | None
    within: Period | None
    date_field: str | None
    latest: bool
    points: int | None
    by_field: str | None
    by_points: tuple[tuple[str, int], ...]
    limit: int | None
    grade_at_most: str | None
    legal_basis: str

    @property
    def fields(self) -> frozenset[str]:
        """Answers the catalogue fields of its record type the indicator reads."""
        named = {name for name, _ in (*self.where, *self.unless)} | {self.by_field, self.date_field}
        return frozenset(name for name in named if name)


@dataclass(frozen=True, slots=True)
class EvaluationModel:
    """The compiled model: base score, indicators in file order, grades best first, version and legal basis."""

    version: str
    title: str
    legal_basis: str
    base: int
    grades: tuple[Grade, ...]
    indicators: tuple[Indicator, ...]

    def grade_of(self, score: int) -> Grade:
        """Answers the first grade whose least score `score` reaches."""
        for grade in self.grades:
            if grade.min is None or score >= grade.min:
                return grade
        return self.grades[-1]

    def rank(self, grade: str) -> int:
        """Answers the position of `grade`, best first."""
        return [g.grade for g in self.grades].index(grade)
