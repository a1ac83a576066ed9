"""What the generator decides about a subject, before any source's native schema is applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from hub.demo.places import District

SourceName = Literal["taiyuan", "datong", "tax", "court"]
SOURCES: tuple[SourceName, ...] = ("taiyuan", "datong", "tax", "court")
ListKind = Literal["RED", "BLACK", "KEY_ATTENTION"]
ListStatus = Literal["ACTIVE", "EXPIRED", "REMOVED"]


@dataclass(frozen=True, slots=True)
class Person:
    """A natural person: identity, contact and home."""

    code: str
    name: str
    male: bool
    born: date
    mobile: str
    address: str
    district: District


@dataclass(frozen=True, slots=True)
class Organisation:
    """An enterprise, individual business or social organisation and its legal representative."""

    code: str
    name: str
    category: str
    form: str
    district: District
    registered_on: date
    status: str
    phone: str
    address: str
    capital: Decimal
    representative: Person
    representative_since: date | None = None  # 任职日期; the registration date when not set

    @property
    def is_individual_business(self) -> bool:
        """Answers whether this is an individual business (个体工商户), run by an operator."""
        return self.category == "92"


Subject = Person | Organisation


@dataclass(frozen=True, slots=True)
class Penalty:
    """An administrative penalty decision."""

    serial: int
    number: str
    authority: str
    category: str
    case_name: str
    fact: str
    basis: str
    amount: Decimal
    confiscated: Decimal | None
    decided_on: date
    text: str
    published: bool = True


@dataclass(frozen=True, slots=True)
class Licence:
    """An administrative licence decision."""

    serial: int
    number: str
    title: str
    category: str
    certificate: str
    certificate_no: str
    authority: str
    decided_on: date
    valid_until: date | None
    content: str
    published: bool = True


@dataclass(frozen=True, slots=True)
class Listing:
    """An entry on the red, black or key-attention list."""

    serial: int
    list: ListKind
    department: str
    basis_document: str
    reason: str
    listed_on: date
    expires_on: date | None
    exit_conditions: str
    status: ListStatus


@dataclass(frozen=True, slots=True)
class TaxGrade:
    """A taxpayer credit grade for one year."""

    year: int
    grade: str
    score: int | None
    assessed_on: date
    office: str


@dataclass(frozen=True, slots=True)
class CourtCase:
    """An entry on the court's list of dishonest judgment debtors."""

    number: str
    court: str
    filed_on: date
    published_on: date
    basis_number: str
    obligation: str
    performance: str
    situation: str


@dataclass(frozen=True, slots=True)
class Report:
    """A whistle-blower report about the subject; the reporter's identity is confidential."""

    serial: int
    number: str
    received_on: date
    topic: str
    reporter_name: str
    reporter_phone: str


CommitmentResult = Literal["COMMITTED", "KEPT", "BROKEN"]


@dataclass(frozen=True, slots=True)
class Commitment:
    """A credit commitment (信用承诺): made to a department, then verified kept or broken."""

    serial: int
    matter: str
    kind: str
    content: str
    committed_on: date
    department: str
    deadline: date
    result: CommitmentResult
    verified_on: date | None


Item = Penalty | Licence | Listing | TaxGrade | CourtCase | Report | Commitment


@dataclass(frozen=True, slots=True)
class FormerRepresentative:
    """A person who represented an organisation for a period (法定代表人变更记录)."""

    person: Person
    since: date
    until: date


@dataclass(slots=True)
class SubjectFacts:
    """Everything generated for subject `index`: who it is, which persons datong keeps, and its items."""

    index: int
    subject: Subject
    home: SourceName
    persons: list[Person] = field(default_factory=list)
    items: list[tuple[SourceName, Item]] = field(default_factory=list)
    others: list[SubjectFacts] = field(default_factory=list)  # showcase subjects seeded along with this one
    former_representatives: list[FormerRepresentative] = field(default_factory=list)

    def sources(self) -> set[SourceName]:
        """Answers the sources that hold at least one published item or registration of this subject."""
        held: set[SourceName] = {self.home}
        held.update(source for source, item in self.items if getattr(item, "published", True))
        return held
