"""GraphQL object types of a credit record; values come from the records service's views as they are."""

from __future__ import annotations

import builtins
import datetime
from decimal import Decimal
from enum import Enum

import strawberry

from hub.federation.fetch import SourceKind
from hub.identity.codes import SubjectKind
from hub.policy.purposes import Purpose

strawberry.enum(Purpose, description="Why the caller asks; checked against its department's policy.")
strawberry.enum(SubjectKind, description="An organisation or a natural person.")
strawberry.enum(SourceKind, description="DATABASE: a database the hub reads; HUB: another Credit Hub it asks.")


@strawberry.enum(description="Which list a listing belongs to.")
class ListKind(Enum):
    RED = "RED"
    BLACK = "BLACK"
    KEY_ATTENTION = "KEY_ATTENTION"


@strawberry.enum(description="What became of an item of your own record: repaired (信用修复) or revoked on objection.")
class ItemRightsStatus(Enum):
    REPAIRED = "REPAIRED"
    REVOKED = "REVOKED"


RIGHTS_STATUS = (
    "Your own record only (myRecord): REPAIRED or REVOKED, an item no one else sees any more; null for a current "
    "item. FIELD_DENIED for anyone but the subject."
)
RIGHTS_STATUS_ON = "The day the item was repaired or revoked (myRecord only; FIELD_DENIED for anyone else)."


@strawberry.type(description="The legal representative of an organisation.")
class LegalRepresentative:
    name: str | None
    id_number: str | None


QUALITY_FLAGS = (
    "The collection checks this item fails, as read from a pulled source (answered as the source holds it, "
    "never fixed; empty: none, or a hub-managed source checked on submission). Only fields you see are flagged."
)


@strawberry.type(description="A collection check an item read from a pulled source fails.")
class QualityFlag:
    field: str = strawberry.field(description="The catalogue field, e.g. decided_on.")
    code: str = strawberry.field(
        description="The check's code as a submission's refusal names it (REQUIRED, TOO_LONG, NOT_ALLOWED, "
        "BAD_DATE, FUTURE_DATE, DATE_ORDER, BAD_NUMBER, INVALID_CODE), PERSONAL_DATA for personal data in free "
        "text, or CHECK_FAILED for a field you see masked (which check is not said)."
    )


@strawberry.type(description="An administrative licence (行政许可).")
class Licence:
    id: strawberry.ID
    source: str
    decision_number: str | None
    title: str | None
    category: str | None
    authority: str | None
    decided_on: datetime.date | None
    valid_until: datetime.date | None
    content: str | None
    quality_flags: builtins.list[QualityFlag] = strawberry.field(description=QUALITY_FLAGS)
    rights_status: ItemRightsStatus | None = strawberry.field(description=RIGHTS_STATUS)
    rights_status_on: datetime.date | None = strawberry.field(description=RIGHTS_STATUS_ON)


@strawberry.type(description="An administrative penalty (行政处罚).")
class Penalty:
    id: strawberry.ID
    source: str
    decision_number: str | None
    category: str | None
    authority: str | None
    decided_on: datetime.date | None
    amount: Decimal | None
    legal_basis: str | None
    decision_text: str | None
    disclosure_until: datetime.date | None = strawberry.field(
        description="The source's own end of publication (公示截止期), where it keeps one."
    )
    quality_flags: builtins.list[QualityFlag] = strawberry.field(description=QUALITY_FLAGS)
    rights_status: ItemRightsStatus | None = strawberry.field(description=RIGHTS_STATUS)
    rights_status_on: datetime.date | None = strawberry.field(description=RIGHTS_STATUS_ON)


@strawberry.type(description="A check a list entry failed (002 §6, §10); such an entry leads to no measures.")
class EntryFlag:
    code: str = strawberry.field(description="NO_BASIS_DOCUMENT, OUTSIDE_BLACK_LIST_DOMAINS, MINOR or LENIENT_CASE.")
    reason: str


@strawberry.type(description="An entry on the red, black or key-attention list.")
class Listing:
    id: strawberry.ID
    source: str
    list: ListKind | None
    reason: str | None
    department: str | None
    basis_document: str | None
    listed_on: datetime.date | None
    expires_on: datetime.date | None
    exit_conditions: str | None
    status: str | None = strawberry.field(
        description="ACTIVE as the source says, or FLAGGED when the entry fails the catalogue's entry checks."
    )
    flags: builtins.list[EntryFlag] = strawberry.field(
        default_factory=list,
        description="The entry checks this entry fails (empty: none); a flagged entry is never punished on.",
    )
    rights_status: ItemRightsStatus | None = strawberry.field(description=RIGHTS_STATUS)
    rights_status_on: datetime.date | None = strawberry.field(description=RIGHTS_STATUS_ON)


@strawberry.type(description="A case on the court's list of dishonest judgment debtors (失信被执行人).")
class CourtDishonesty:
    id: strawberry.ID
    source: str
    case_number: str | None
    court: str | None
    filed_on: datetime.date | None
    published_on: datetime.date | None
    obligation: str | None
    performance: str | None
    rights_status: ItemRightsStatus | None = strawberry.field(description=RIGHTS_STATUS)
    rights_status_on: datetime.date | None = strawberry.field(description=RIGHTS_STATUS_ON)


@strawberry.type(description="A taxpayer credit grade (纳税信用等级) for one year.")
class TaxCredit:
    id: strawberry.ID
    source: str
    year: int | None
    grade: str | None
    assessed_on: datetime.date | None
    rights_status: ItemRightsStatus | None = strawberry.field(description=RIGHTS_STATUS)
    rights_status_on: datetime.date | None = strawberry.field(description=RIGHTS_STATUS_ON)


@strawberry.type(
    description="A credit commitment (信用承诺): made to a department, then verified kept or broken (COMMITTED → "
    "KEPT | BROKEN); a broken one is a dishonesty item measures may rest on (BROKEN_COMMITMENT)."
)
class Commitment:
    id: strawberry.ID
    source: str
    matter: str | None = strawberry.field(description="承诺事项: what the commitment was made for.")
    content: str | None = strawberry.field(description="承诺内容: what the subject promised.")
    committed_on: datetime.date | None
    department: str | None = strawberry.field(description="受理部门: the department it was made to.")
    deadline: datetime.date | None = strawberry.field(description="履约期限: the day by which it must be met.")
    verification_result: str | None = strawberry.field(description="COMMITTED (not yet verified), KEPT or BROKEN.")
    verified_on: datetime.date | None
    quality_flags: builtins.list[QualityFlag] = strawberry.field(description=QUALITY_FLAGS)
    rights_status: ItemRightsStatus | None = strawberry.field(description=RIGHTS_STATUS)
    rights_status_on: datetime.date | None = strawberry.field(description=RIGHTS_STATUS_ON)


@strawberry.type(description="A whistle-blower report; the reporter's identity is confidential.")
class Report:
    id: strawberry.ID
    source: str
    received_on: datetime.date | None
    topic: str | None
    reporter_name: str | None
    reporter_phone: str | None


@strawberry.type(description="An enterprise a natural person represents, with its serious dishonesty.")
class RepresentedEnterprise:
    id: strawberry.ID
    source: str
    enterprise_code: str | None
    enterprise_name: str | None
    role: str | None
    since: datetime.date | None = strawberry.field(description="Representative since (任职日期), when the source says.")
    until: datetime.date | None = strawberry.field(description="Representative until (离任日期); null while in office.")
    listings: list[Listing] | None
    court_dishonesty: list[CourtDishonesty] | None


@strawberry.type(description="How a source answered this request.")
class SourceStatus:
    name: str
    title: str
    status: str
    elapsed_ms: float
    breaker: str = strawberry.field(description="The source's circuit breaker: CLOSED, OPEN or HALF_OPEN.")
    kind: SourceKind = strawberry.field(description="A database, or another hub asked as the original caller.")


@strawberry.type(description="One subject's credit record, merged over all sources, as the caller may see it.")
class Subject:
    code: strawberry.ID
    kind: SubjectKind
    name: str | None
    status: str | None
    registered_on: datetime.date | None
    legal_representative: LegalRepresentative | None
    phone: str | None
    address: str | None
    licences: list[Licence] | None
    penalties: list[Penalty] | None
    listings: list[Listing] | None
    court_dishonesty: list[CourtDishonesty] | None
    tax_credit: list[TaxCredit] | None
    reports: list[Report] | None
    commitments: list[Commitment] | None
    represented_enterprises: list[RepresentedEnterprise] | None
    sources: list[SourceStatus]


@strawberry.type(description="A field of the public credit information catalogue.")
class CatalogItem:
    record_type: str
    field: str
    title: str
    personal_data_class: str
    sharing: str
    legal_basis: str
    department: str
    disclosure_period: str | None


@strawberry.type(description="The caller: organisation, department, scopes and allowed purposes.")
class Viewer:
    subject: str
    client_id: str | None
    organisation: str | None
    department: str | None
    scopes: list[str]
    purposes: list[Purpose]
