"""GraphQL types of the query register: events and their connection, anomalies, integrity, the access log."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry

import hub.graphql.types  # noqa: F401 - registers Purpose as a GraphQL enum before the types below use it
from hub.audit import EventType, Outcome
from hub.audit.anomaly_types import Severity
from hub.audit.concealment import Concealment
from hub.graphql.permissions import needs
from hub.identity.scopes import Scope
from hub.policy.purposes import Purpose

strawberry.enum(EventType, name="AuditEventType", description="What kind of operation an event registers.")
strawberry.enum(Outcome, name="AuditOutcome", description="How a registered operation ended for the caller.")
strawberry.enum(Severity, name="AnomalySeverity", description="How urgently a privacy officer should look.")
strawberry.enum(
    Concealment,
    description="Whether the subject sees an access in its own log yet: never concealed, still concealed, or revealed.",
)


def purpose_of(value: str | None) -> Purpose | None:
    """Answers the Purpose a stored purpose names (None when absent or no longer known)."""
    return Purpose(value) if value is not None and value in Purpose.__members__ else None


@strawberry.enum(description="The form in which an item left the hub.")
class DisclosureForm(Enum):
    CLEAR = "CLEAR"
    MASKED = "MASKED"


@strawberry.type(description="Where a page ends and whether another follows (pass endCursor as `after`).")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.input(name="AuditFilter", description="Narrows the register; every field given must match.")
class AuditFilterInput:
    subject: strawberry.ID | None = strawberry.field(default=None, description="resident ID or USCC queried")
    client_id: str | None = None
    organisation: str | None = strawberry.field(default=None, description="the client organisation's USCC")
    department: str | None = None
    operator: str | None = None
    purpose: Purpose | None = None
    outcome: Outcome | None = None
    type: EventType | None = None
    since: datetime.datetime | None = strawberry.field(default=None, description="inclusive, with offset")
    until: datetime.datetime | None = strawberry.field(default=None, description="exclusive, with offset")
    case_number: str | None = strawberry.field(
        default=None, description="the case an operation named (X-Hub-Case) or closed (closeCase)"
    )
    event_id: strawberry.ID | None = strawberry.field(
        default=None, description="one event by its id: follows a receipt another hub lists or names"
    )


@strawberry.type(description="One subject an operation touched and the form each catalogue field left in.")
class AuditSubject:
    code: strawberry.ID
    fields_clear: list[str]
    fields_masked: list[str]
    fields_denied: list[str]
    concealed_until: datetime.date | None = strawberry.field(
        description="the subject's own access log shows this access from this day on (at the latest, when case-bound)"
    )
    concealment: Concealment = strawberry.field(description="whether the subject sees this access in its log now")


@strawberry.type(description="An event in another hub's register, linked to this one.")
class FederatedEvent:
    hub: str = strawberry.field(description="the other hub: its source name here, or its issuer URL")
    event_id: strawberry.ID


@strawberry.type(name="AuditEvent", description="One registered operation: who, why, about whom, what, how it ended.")
class AuditEventNode:
    event_id: strawberry.ID
    seq: int
    hash: str
    at: datetime.datetime
    type: EventType
    outcome: Outcome
    request_id: str | None
    client_id: str | None
    organisation: str | None = strawberry.field(description="the client organisation's USCC")
    organisation_name: str | None
    department: str | None
    operator: str | None
    purpose: Purpose | None
    legal_basis: str | None
    consent_ids: list[str]
    subjects: list[AuditSubject]
    error_codes: list[str]
    query_hash: str | None
    operation_name: str | None
    latency_ms: float | None
    case_number: str | None = strawberry.field(description="the case the operation named (X-Hub-Case) or closed")
    concealed_until_case_closes: bool = strawberry.field(
        description="subjects' access logs show this access once its department closes the case (or concealedUntil)"
    )
    case_closed_at: datetime.datetime | None = strawberry.field(
        description="when the case this access is concealed until was closed; null while it is open"
    )
    document_id: str | None = strawberry.field(
        default=None, description="the approved trusted document the operation ran (sha256:<hex>), if any"
    )
    receipt_before_fetch: bool = strawberry.field(
        default=False,
        description=(
            "written from the compiled document's plan while the sources answered: the subjects name every field "
            "the plan let out, whether or not a source held a value for it; outcome and codes are the plan's"
        ),
    )
    upstream: FederatedEvent | None = strawberry.field(
        default=None, description="asked by another hub: that hub (issuer) and its event this one answers"
    )
    remote_receipts: list[FederatedEvent] = strawberry.field(
        default_factory=list, description="the receipts other hubs handed this hub for their part of the operation"
    )


@strawberry.type
class AuditEventEdge:
    cursor: str
    node: AuditEventNode


@strawberry.type(description="A page of the register, newest first.")
class AuditEventConnection:
    edges: list[AuditEventEdge]
    page_info: PageInfo


@strawberry.type(description="A privacy officer's review of an anomaly; itself registered (AUDIT_REVIEW).")
class AnomalyReview:
    anomaly_id: strawberry.ID
    note: str
    reviewer: str = strawberry.field(description="The officer, as the register names them.")
    reviewed_at: datetime.datetime
    request_id: str = strawberry.field(description="The request id of the review's own register event.")


@strawberry.type(description="A finding of the register's anomaly rules, linking its events.")
class AuditAnomaly:
    id: strawberry.ID
    rule: str
    severity: Severity
    description: str
    scope: str = strawberry.field(description="department:<key>, client:<id> or subject:<keyed hash>")
    window_start: datetime.datetime
    window_end: datetime.datetime
    event_ids: list[strawberry.ID]
    review: AnomalyReview | None = strawberry.field(
        default=None, description="The newest privacy officer's review of this finding, if any (reviewAnomaly)."
    )

    @strawberry.field(
        description="The anomaly's events as the register holds them, newest first.",
        extensions=needs(Scope.AUDIT_READ),
    )
    async def events(self, info: strawberry.Info) -> list[AuditEventNode]:
        from hub.graphql.anomalies import anomaly_events  # the register's reader lives with the resolvers

        return await anomaly_events(info, self)


@strawberry.type(description="The outcome of verifying the register's hash chain against its signed checkpoints.")
class AuditIntegrity:
    verified: bool
    events_checked: int
    checkpoints_checked: int
    last_seq: int
    first_bad_event_id: strawberry.ID | None
    first_bad_seq: int | None
    reason: str | None
    detail: str | None
    checked_at: datetime.datetime


@strawberry.type(description="A catalogue item disclosed in an access, and its form.")
class AccessItem:
    field: str = strawberry.field(description="catalogue path, record_type.field")
    title: str | None
    form: DisclosureForm


@strawberry.type(description="One access to your record: who, when, why, and which items in which form.")
class AccessLogEntry:
    event_id: strawberry.ID
    at: datetime.datetime
    organisation: str | None = strawberry.field(description="the name of the organisation that queried")
    organisation_code: str | None = strawberry.field(description="its USCC")
    department: str | None
    department_title: str | None
    purpose: Purpose | None
    legal_basis: str | None
    items: list[AccessItem]


@strawberry.type
class AccessLogEdge:
    node: AccessLogEntry


@strawberry.type(description="A page of your access log, newest first.")
class AccessLogConnection:
    edges: list[AccessLogEdge]
    page_info: PageInfo
