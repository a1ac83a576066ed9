"""What a credit check answers: entries, applied measures, green channel; plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from hub.identity.codes import SubjectKind
from hub.measures.model import MeasureKind, MeasureList


class Holder(StrEnum):
    """Whose entry a measure rests on: the subject's, its legal representative's, or an enterprise it represents."""

    SUBJECT = "SUBJECT"
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"
    REPRESENTED_ENTERPRISE = "REPRESENTED_ENTERPRISE"


class ListStatus(StrEnum):
    """The subject's most serious current list (a dishonest judgment debtor counts as black-listed)."""

    BLACK = "BLACK"
    KEY_ATTENTION = "KEY_ATTENTION"
    RED = "RED"
    NONE = "NONE"


class GreenReason(StrEnum):
    """Why a subject may use the approval green channel (000 #5)."""

    RED_LIST = "RED_LIST"
    CLEAN_RECORD = "CLEAN_RECORD"


@dataclass(frozen=True, slots=True)
class Through:
    """The enterprise through which an entry reaches a person, as the caller's policy shows it."""

    code: str | None
    name: str | None
    role: str | None


@dataclass(frozen=True, slots=True)
class Basis:
    """A current entry a measure may rest on; `ends_on` already holds any objection suspension."""

    item_id: str
    list: MeasureList
    starts_on: date | None
    ends_on: date | None
    extension_days: int
    suspended: bool
    holder: Holder = Holder.SUBJECT
    through: Through | None = None


@dataclass(frozen=True, slots=True)
class Standing:
    """What the check knows of a subject: current entries, its last bad record, and what it could not read."""

    code: str
    kind: SubjectKind
    bases: tuple[Basis, ...]
    last_bad_record: date | None
    registered_on: date | None
    incomplete: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AppliedMeasure:
    """A measure that applies, with the entry it rests on; suspended while every such entry is under objection."""

    code: str
    content: str
    kind: MeasureKind
    mandatory: bool
    suspended: bool
    legal_basis: str
    initiating_departments: tuple[str, ...]
    implementing_departments: tuple[str, ...]
    basis_item_id: str | None
    basis_item_ids: tuple[str, ...]
    basis_list: MeasureList | None
    via: Holder | None
    starts_on: date | None
    ends_on: date | None
    through: Through | None = None

    @property
    def implementing_department(self) -> str:
        """Answers the implementing departments as one line."""
        return "、".join(self.implementing_departments)


@dataclass(frozen=True, slots=True)
class GreenChannel:
    """Whether the approval green channel is open to the subject, and why."""

    eligible: bool
    reason: GreenReason | None
    legal_basis: str


class CommitmentBar(StrEnum):
    """Why a subject may not use 告知承诺 (a written commitment instead of documents) for a matter."""

    NOT_OFFERED = "NOT_OFFERED"
    BROKEN_COMMITMENT = "BROKEN_COMMITMENT"
    SERIOUS_DISHONESTY = "SERIOUS_DISHONESTY"
    INCOMPLETE = "INCOMPLETE"


@dataclass(frozen=True, slots=True)
class CommitmentOption:
    """Whether the approval may accept the subject's commitment for this matter (告知承诺制), and why not."""

    offered: bool
    eligible: bool
    barred_until: date | None
    reason: CommitmentBar | None
    basis_item_id: str | None
    legal_basis: str


NO_COMMITMENT = CommitmentOption(False, False, None, CommitmentBar.NOT_OFFERED, None, "")


@dataclass(frozen=True, slots=True)
class CreditCheck:
    """The answer to an approval system: list status, measures (mandatory first), green channel."""

    code: str
    kind: SubjectKind
    matter: str
    checked_on: date
    list_status: ListStatus
    entries: tuple[Basis, ...]
    measures: tuple[AppliedMeasure, ...]
    green_channel: GreenChannel
    incomplete: tuple[str, ...]
    commitment: CommitmentOption = NO_COMMITMENT

    @property
    def complete(self) -> bool:
        """Answers whether every record the check needs could be read."""
        return not self.incomplete
