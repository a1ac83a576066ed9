"""The public credit information catalogue as immutable objects: record types, fields, periods."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.catalog.collection import Collection, CollectionSpec
from hub.identity.codes import SubjectKind


class Sharing(StrEnum):
    """How far an item may travel: ordered from most open to never."""

    PUBLIC = "public"
    SHARED = "shared"
    RESTRICTED = "restricted"
    CONFIDENTIAL = "confidential"

    @property
    def rank(self) -> int:
        """Answers the order of openness (0 is public)."""
        return list(Sharing).index(self)


PD_CLASSES = frozenset(
    {
        "none",
        "person_name",
        "resident_id",
        "phone",
        "address",
        "bank_card",
        "email",
        "qq_number",
        "wechat_id",
        "license_plate",
        "passport",
        "free_text",
        "sensitive",
    }
)
KINDS = tuple(kind.value for kind in SubjectKind)
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    """One catalogue field as written in catalog.yaml."""

    pd_class: str | dict[Literal["LEGAL_ENTITY", "NATURAL_PERSON"], str]
    sharing: Sharing
    legal_basis: str | None = None
    title: str | None = None

    @field_validator("pd_class")
    @classmethod
    def _known_class(cls, value: str | dict[str, str]) -> str | dict[str, str]:
        for item in [value] if isinstance(value, str) else list(value.values()):
            if item not in PD_CLASSES:
                raise ValueError(f"unknown personal-data class '{item}'; use one of {sorted(PD_CLASSES)}")
        return value


class SeverityClassSpec(_Strict):
    """One class of acts (minor, general, serious) and its disclosure rules, as written in catalog.yaml."""

    title: str
    match: list[str] = Field(min_length=1)
    published: bool = True
    disclosure_period: str | None = None
    repair_after: str | None = None

    @field_validator("disclosure_period", "repair_after")
    @classmethod
    def _iso_duration(cls, value: str | None) -> str | None:
        if value is not None and not _DURATION.match(value):
            raise ValueError("write the period as an ISO 8601 duration such as P3Y, P6M or P90D")
        return value


class SeveritySpec(_Strict):
    """How an item's category decides its disclosure period (003 §13), as written in catalog.yaml."""

    field: str
    legal_basis: str
    default: str
    classes: dict[str, SeverityClassSpec] = Field(min_length=1)


class ExitSpec(_Strict):
    """Source values that end an item at once (an exit from a list), as written in catalog.yaml."""

    field: str
    values: list[str] = Field(min_length=1)
    legal_basis: str


class DomainSpec(_Strict):
    """One of the domains a black list may cover (002 §6) and the words that place a reason in it."""

    title: str
    match: list[str] = Field(min_length=1)


class EntryChecksSpec(_Strict):
    """What a list entry must satisfy before it may lead to measures (002 §6, §10), as written in catalog.yaml."""

    legal_basis: str
    list_field: str
    checked_lists: list[str] = Field(min_length=1)
    basis_field: str
    act_date_field: str
    adult_age: int = Field(ge=1, le=30)
    domain_field: str
    domain_lists: list[str] = Field(min_length=1)
    domains: dict[str, DomainSpec] = Field(min_length=1)
    lenient: list[str] = Field(default_factory=list)


class RecordTypeSpec(_Strict):
    """One record type as written in catalog.yaml."""

    title: str
    cardinality: Literal["one", "many"]
    subject_kinds: list[Literal["LEGAL_ENTITY", "NATURAL_PERSON"]] = Field(min_length=1)
    department: str
    legal_basis: str
    disclosure_period: str | None
    period_from: str | None = None
    period_until: str | None = None
    decided_by: str | None = None
    severity: SeveritySpec | None = None
    exits: ExitSpec | None = None
    entry_checks: EntryChecksSpec | None = None
    collection: CollectionSpec | None = None
    fields: dict[str, FieldSpec] = Field(min_length=1)

    @field_validator("disclosure_period")
    @classmethod
    def _iso_duration(cls, value: str | None) -> str | None:
        if value is not None and not _DURATION.match(value):
            raise ValueError("write the period as an ISO 8601 duration such as P3Y, P6M or P90D, or null")
        return value


class CatalogSpec(_Strict):
    """The whole catalog.yaml."""

    version: Literal[1]
    authorities: dict[str, list[str]] = Field(default_factory=dict)
    record_types: dict[str, RecordTypeSpec] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class CatalogField:
    """A field of a record type with its resolved classes."""

    record_type: str
    name: str
    pd_classes: dict[SubjectKind, str]
    sharing: Sharing
    legal_basis: str
    title: str

    @property
    def path(self) -> str:
        """Answers `record_type.field`, the name policies and audit use."""
        return f"{self.record_type}.{self.name}"

    def pd_class(self, kind: SubjectKind) -> str:
        """Answers the personal-data class of this field for a subject of `kind`."""
        return self.pd_classes[kind]

    @property
    def personal(self) -> bool:
        """Answers whether this field holds personal data for any kind of subject."""
        return any(value != "none" for value in self.pd_classes.values())


@dataclass(frozen=True, slots=True)
class Period:
    """A disclosure period: years, months and days counted from a date field."""

    years: int
    months: int
    days: int

    def ends(self, start: date) -> date:
        """Answers the last day an item dated `start` may still be shared."""
        month_index = start.month - 1 + self.months
        year = start.year + self.years + month_index // 12
        month = month_index % 12 + 1
        day = min(start.day, _days_in_month(year, month))
        return date.fromordinal(date(year, month, day).toordinal() + self.days)

    def last_day(self, start: date) -> date:
        """Answers the last day of a period that starts on `start` (the day before `ends`)."""
        return date.fromordinal(self.ends(start).toordinal() - 1)

    @property
    def text(self) -> str:
        """Answers the period as an ISO 8601 duration (P3Y, P1Y6M, P0D)."""
        parts = [f"{n}{unit}" for n, unit in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if n]
        return "P" + ("".join(parts) or "0D")


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def parse_period(text: str | None) -> Period | None:
    """Answers the Period an ISO 8601 duration names (None for no limit)."""
    if text is None:
        return None
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(text)
    years, months, days = (int(group or 0) for group in match.groups())
    return Period(years, months, days)


@dataclass(frozen=True, slots=True)
class SeverityClass:
    """A class of acts: whether its items are published, for how long, and how long before repair."""

    name: str
    title: str
    match: tuple[str, ...]
    published: bool
    period: Period | None
    repair_after: Period | None


@dataclass(frozen=True, slots=True)
class Severity:
    """Classes in ascending severity, read off one field of the item (for penalties: its category)."""

    field: str
    legal_basis: str
    classes: tuple[SeverityClass, ...]
    default: SeverityClass


@dataclass(frozen=True, slots=True)
class Exit:
    """Values of a field by which the source says the item has ended (a listing moved off its list)."""

    field: str
    values: frozenset[str]
    legal_basis: str


@dataclass(frozen=True, slots=True)
class Domain:
    """A domain a black list may cover and the words that place a listing's reason in it."""

    key: str
    title: str
    match: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EntryChecks:
    """The checks a list entry must pass before it may lead to measures (002 §6, §10)."""

    legal_basis: str
    list_field: str
    checked_lists: frozenset[str]
    basis_field: str
    act_date_field: str
    adult_age: int
    domain_field: str
    domain_lists: frozenset[str]
    domains: tuple[Domain, ...]
    lenient: tuple[str, ...]

    @property
    def fields(self) -> frozenset[str]:
        """Answers the fields the checks read."""
        return frozenset({self.list_field, self.basis_field, self.act_date_field, self.domain_field})


@dataclass(frozen=True, slots=True)
class RecordType:
    """A catalogue record type with its fields in declaration order."""

    name: str
    title: str
    many: bool
    subject_kinds: frozenset[SubjectKind]
    department: str
    legal_basis: str
    period: Period | None
    period_from: str | None
    period_until: str | None
    fields: dict[str, CatalogField]
    severity: Severity | None = None
    exits: Exit | None = None
    entry_checks: EntryChecks | None = None
    decided_by: str | None = None
    collection: Collection | None = None  # how departments submit items of this type (None: not submittable)

    @property
    def rule_fields(self) -> frozenset[str]:
        """Answers the fields the hub reads to decide whether and how an item may be shown (never shown for it)."""
        named = {self.period_from, self.period_until, self.severity and self.severity.field}
        named.add(self.exits.field if self.exits else None)
        named.add(self.decided_by if self.entry_checks else None)  # a flagged entry is noted under its decider
        found = {name for name in named if name}
        return frozenset(found | (self.entry_checks.fields if self.entry_checks else frozenset()))


@dataclass(frozen=True, slots=True)
class Catalog:
    """The whole catalogue: the single list of what the hub may collect, share or disclose."""

    record_types: dict[str, RecordType]
    authorities: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def field(self, path: str) -> CatalogField | None:
        """Answers the field at `record_type.field`, or None if the catalogue does not list it."""
        record_type, _, name = path.partition(".")
        found = self.record_types.get(record_type)
        return found.fields.get(name) if found else None

    def all_fields(self) -> list[CatalogField]:
        """Answers every field of every record type."""
        return [f for rt in self.record_types.values() for f in rt.fields.values()]
