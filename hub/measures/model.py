"""The measures list (措施清单, 000 #44) as written in policies/measures.yaml, and compiled."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.catalog.model import Period, parse_period
from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectKind


class MeasureList(StrEnum):
    """What a measure rests on: an entry of one of the lists, or the court's dishonest-debtor list."""

    BLACK = "BLACK"
    KEY_ATTENTION = "KEY_ATTENTION"
    RED = "RED"
    COURT_DISHONESTY = "COURT_DISHONESTY"
    BROKEN_COMMITMENT = "BROKEN_COMMITMENT"


class MeasureKind(StrEnum):
    """A joint punishment of dishonesty or a joint reward of honesty."""

    PUNISHMENT = "PUNISHMENT"
    REWARD = "REWARD"


# Roles through which an enterprise's serious dishonesty reaches a person (000 #20-21, #30; 003 §11).
REPRESENTATIVE_ROLES = ("法定代表人", "主要负责人", "实际控制人")
# The lists that mark serious dishonesty: only these reach the persons who represent an enterprise.
SERIOUS_LISTS = frozenset({MeasureList.BLACK, MeasureList.COURT_DISHONESTY})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReachSpec(_Strict):
    """Who, besides a seriously dishonest enterprise, a punishment reaches (含法定代表人), and on what basis."""

    roles: list[Literal["法定代表人", "主要负责人", "实际控制人"]] = Field(min_length=1)
    legal_basis: str = Field(min_length=4)


class MeasureSpec(_Strict):
    """One measure as written in the list."""

    code: str = Field(pattern=r"^[A-Z]{2,6}-\d{2}$")
    content: str = Field(min_length=4)
    kind: MeasureKind
    legal_basis: str = Field(min_length=4)
    initiating: list[str] = Field(min_length=1)
    implementing: list[str] = Field(min_length=1)
    lists: list[MeasureList] = Field(min_length=1)
    matters: list[str] = Field(min_length=1)
    mandatory: bool
    duration: str | None = None
    legal_representative: bool = False
    clean_record: bool = False
    reaches: ReachSpec | None = None
    subject_kinds: list[SubjectKind] = Field(
        default_factory=lambda: [SubjectKind.LEGAL_ENTITY, SubjectKind.NATURAL_PERSON], min_length=1
    )

    @field_validator("duration")
    @classmethod
    def _iso_duration(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_period(value)
            except ValueError:
                raise ValueError("write the duration as an ISO 8601 duration such as P3Y or P6M, or null") from None
        return value


class GreenChannelSpec(_Strict):
    """When a subject without a bad record counts as honest enough for the green channel (000 #5)."""

    clean_record_years: int = Field(ge=1, le=10)
    legal_basis: str = Field(min_length=4)


class MonitoringSpec(_Strict):
    """Time limits of the initiate-respond-execute-feed back loop (000 #31, #38; 003 §9), in days."""

    respond_within_days: int = Field(ge=1, le=90)
    feed_back_within_days: int = Field(ge=1, le=365)
    legal_basis: str = Field(min_length=4)


class CommitmentsSpec(_Strict):
    """When an approval may accept a written commitment instead of documents (告知承诺制), and when not."""

    matters: list[str] = Field(min_length=1)
    barred_for: str
    barred_lists: list[MeasureList] = Field(default_factory=list)
    legal_basis: str = Field(min_length=4)

    @field_validator("barred_for")
    @classmethod
    def _iso_duration(cls, value: str) -> str:
        try:
            parse_period(value)
        except ValueError:
            raise ValueError("write barred_for as an ISO 8601 duration such as P2Y") from None
        return value


class MeasuresSpec(_Strict):
    """The whole policies/measures.yaml."""

    version: Literal[1]
    matters: dict[str, str] = Field(min_length=1)
    green_channel: GreenChannelSpec
    monitoring: MonitoringSpec | None = None
    initiators: dict[str, list[str]] = Field(default_factory=dict)
    commitments: CommitmentsSpec | None = None
    measures: list[MeasureSpec] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Measure:
    """A compiled measure: what it does, on which lists and matters, on what legal basis, for how long."""

    code: str
    content: str
    kind: MeasureKind
    legal_basis: str
    initiating: tuple[str, ...]
    implementing: tuple[str, ...]
    lists: tuple[MeasureList, ...]
    matters: tuple[str, ...]
    mandatory: bool
    duration: Period | None
    legal_representative: bool
    clean_record: bool
    subject_kinds: frozenset[SubjectKind]
    reaches_roles: frozenset[str] = frozenset()
    reaches_basis: str | None = None

    @property
    def reaches_representatives(self) -> bool:
        """Answers whether the measure also applies to the persons who represent a seriously dishonest enterprise."""
        return bool(self.reaches_roles)


@dataclass(frozen=True, slots=True)
class Monitoring:
    """When a case is overdue: not acknowledged within `respond_within_days`, not fed back within the other."""

    respond_within_days: int = 3
    feed_back_within_days: int = 15
    legal_basis: str = ""


@dataclass(frozen=True, slots=True)
class Commitments:
    """告知承诺: the matters that admit it, how long a broken commitment bars it, and which lists bar it."""

    matters: frozenset[str] = frozenset()
    barred_for: Period | None = None
    barred_lists: frozenset[MeasureList] = frozenset()
    legal_basis: str = ""


@dataclass(frozen=True, slots=True)
class MeasuresList:
    """Every measure the hub may apply, by code in file order, and the matters they concern."""

    matters: dict[str, str]
    measures: dict[str, Measure]
    clean_record_years: int
    green_channel_basis: str
    monitoring: Monitoring = Monitoring()
    initiators: dict[str, frozenset[str]] = field(default_factory=dict)  # department key -> initiating roles
    commitments: Commitments = Commitments()

    def initiates(self, department: str, measure: Measure) -> bool:
        """Answers whether `department` is one of the measure's initiating departments (发起部门)."""
        return bool(self.initiators.get(department, frozenset()) & set(measure.initiating))

    def for_matter(self, matter: str) -> tuple[Measure, ...]:
        """Answers the measures concerning `matter`; BAD_USER_INPUT for a matter the list does not name."""
        if matter not in self.matters:
            raise HubError(
                ErrorCode.BAD_USER_INPUT,
                f"unknown matter '{matter[:40]}'",
                fix=f"use one of: {', '.join(self.matters)}",
            )
        return tuple(m for m in self.measures.values() if matter in m.matters)

    def get(self, code: str) -> Measure:
        """Answers the measure with `code`; BAD_USER_INPUT when the list has none (nothing outside it applies)."""
        found = self.measures.get(code)
        if found is None:
            raise HubError(
                ErrorCode.BAD_USER_INPUT,
                f"measure '{code[:40]}' is not in the measures list",
                fix="use a measure code returned by creditCheck or listed by the `measures` query",
            )
        return found
