"""The query register over GraphQL: privacy officers' review, anomalies and integrity; a subject's access log."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from datetime import UTC, timedelta

import strawberry

from hub.audit import AuditFilter
from hub.audit.concealment import concealment
from hub.audit.reader import AuditReader
from hub.audit.review import AccessEntry, AuditRecord, encode_cursor
from hub.errors import ErrorCode, HubError
from hub.graphql.audit_types import (
    AccessItem,
    AccessLogConnection,
    AccessLogEdge,
    AccessLogEntry,
    AuditEventConnection,
    AuditEventEdge,
    AuditEventNode,
    AuditFilterInput,
    AuditIntegrity,
    AuditSubject,
    DisclosureForm,
    FederatedEvent,
    PageInfo,
    purpose_of,
)
from hub.graphql.context import HubContext
from hub.graphql.permissions import HubInfo, needs
from hub.identity.case import canonical_case_number
from hub.identity.codes import parse_subject_code
from hub.identity.scopes import Scope
from hub.policy.purposes import Purpose

ANOMALY_WINDOW = timedelta(days=31)
DEFAULT_ANOMALY_SINCE = timedelta(hours=24)


def _reader(context: HubContext) -> AuditReader:
    return context.services.audit


def _officer(info: HubInfo) -> AuditReader:
    """Answers the register's reader for a privacy officer; the operation then counts as a data query."""
    context = info.context
    context.data_query = True  # register content leaves only with a stored receipt
    policy = context.services.policies.get(context.principal.department)
    if policy is not None and policy.operator_required and not context.operator:
        raise HubError(
            ErrorCode.FORBIDDEN,
            "your department must name the operator of every register review",
            fix="send the X-Hub-Operator header with the officer's name or staff number",
        )
    context.purpose = context.purpose or Purpose.AUDIT_REVIEW
    return _reader(context)


def _aware(value: datetime.datetime | None, name: str) -> datetime.datetime | None:
    if value is not None and value.tzinfo is None:
        raise HubError(ErrorCode.BAD_USER_INPUT, f"{name} needs a time zone offset", fix="e.g. 2026-01-31T08:00+08:00")
    return value.astimezone(UTC) if value is not None else None


def audit_filter(given: AuditFilterInput | None) -> AuditFilter:
    """Answers the register filter a GraphQL AuditFilter input stands for (subject code validated)."""
    if given is None:
        return AuditFilter()
    subject = parse_subject_code(str(given.subject)).value if given.subject else None
    return AuditFilter(
        subject_code=subject,
        client_id=given.client_id,
        org=given.organisation,
        department=given.department,
        operator=given.operator,
        purpose=given.purpose.value if given.purpose else None,
        outcome=given.outcome.value if given.outcome else None,
        type=given.type.value if given.type else None,
        since=_aware(given.since, "since"),
        until=_aware(given.until, "until"),
        case_number=canonical_case_number(given.case_number, place="filter.caseNumber") if given.case_number else None,
        event_id=str(given.event_id) if given.event_id else None,
    )


async def _node(reader: AuditReader, record: AuditRecord) -> AuditEventNode:
    event, closed_at, now = record.event, record.case_closed_at, reader.clock()
    return AuditEventNode(
        event_id=strawberry.ID(event.event_id), seq=record.seq, hash=record.hash, at=event.at, type=event.type,
        outcome=event.outcome, request_id=event.request_id, client_id=event.client_id, organisation=event.org,
        organisation_name=await reader.name_of(event.org, event.org_name), department=event.department,
        operator=event.operator, purpose=purpose_of(event.purpose), legal_basis=event.legal_basis,
        consent_ids=list(event.consent_ids), error_codes=list(event.error_codes), query_hash=event.query_hash,
        operation_name=event.operation_name, latency_ms=event.latency_ms, case_number=event.case_number,
        concealed_until_case_closes=event.concealed_until_case_closes, case_closed_at=closed_at,
        document_id=event.document_id, receipt_before_fetch=event.receipt_before_fetch,
        upstream=_linked(event.upstream),
        remote_receipts=[link for receipt in event.remote_receipts if (link := _linked(receipt)) is not None],
        subjects=[
            AuditSubject(
                code=strawberry.ID(s.code), fields_clear=list(s.fields_clear), fields_masked=list(s.fields_masked),
                fields_denied=list(s.fields_denied), concealed_until=s.concealed_until,
                concealment=concealment(event, s, closed_at, now),
            )
            for s in event.subjects
        ],
    )  # fmt: skip


def _linked(receipt: Mapping[str, str] | None) -> FederatedEvent | None:
    if not receipt or not receipt.get("event_id"):
        return None
    return FederatedEvent(hub=receipt.get("hub", ""), event_id=strawberry.ID(receipt["event_id"]))


def _end(edges: list[AuditEventEdge]) -> str | None:
    return edges[-1].cursor if edges else None


def _entry(context: HubContext, entry: AccessEntry, titles: dict[str, str]) -> AccessLogEntry:
    policy = context.services.policies.get(entry.department)
    items = [
        *(AccessItem(field=path, title=titles.get(path), form=DisclosureForm.CLEAR) for path in entry.fields_clear),
        *(AccessItem(field=path, title=titles.get(path), form=DisclosureForm.MASKED) for path in entry.fields_masked),
    ]
    return AccessLogEntry(
        event_id=strawberry.ID(entry.event_id), at=entry.at, organisation=entry.organisation,
        organisation_code=entry.org, department=entry.department, department_title=policy.title if policy else None,
        purpose=purpose_of(entry.purpose), legal_basis=entry.legal_basis, items=items,
    )  # fmt: skip


@strawberry.type
class AuditQuery:
    """The query register: review and integrity (audit:read); a subject's own access log."""

    @strawberry.field(
        description="The register, newest first, filtered; concealed accesses included (audit:read).",
        extensions=needs(Scope.AUDIT_READ),
    )
    async def audit_events(
        self, info: HubInfo, filter: AuditFilterInput | None = None, first: int | None = 50, after: str | None = None
    ) -> AuditEventConnection:
        reader = _officer(info)
        page = await reader.events(audit_filter(filter), 50 if first is None else first, after)
        edges = [AuditEventEdge(cursor=encode_cursor(item.seq), node=await _node(reader, item)) for item in page.items]
        more = page.next_cursor is not None
        return AuditEventConnection(edges=edges, page_info=PageInfo(has_next_page=more, end_cursor=_end(edges)))

    @strawberry.field(
        description="Whether the register's hash chain verifies; checked at most every 30 s (checkedAt).",
        extensions=needs(Scope.AUDIT_READ),
    )
    async def audit_integrity(self, info: HubInfo) -> AuditIntegrity:
        status = await _officer(info).integrity()
        report = status.report
        return AuditIntegrity(
            verified=report.verified, events_checked=report.events_checked,
            checkpoints_checked=report.checkpoints_checked, last_seq=report.last_seq,
            first_bad_event_id=strawberry.ID(report.first_bad_event_id) if report.first_bad_event_id else None,
            first_bad_seq=report.first_bad_seq, reason=report.reason, detail=report.detail,
            checked_at=status.checked_at,
        )  # fmt: skip

    @strawberry.field(
        description="Who accessed your record, when, why and which items in which form; newest first. `since` and "
        "`until` (exclusive, with an offset) bound the time, `organisation` (a USCC) names who accessed it.",
        extensions=needs(Scope.SELF_READ),
    )
    async def my_access_log(
        self,
        info: HubInfo,
        first: int | None = 20,
        after: str | None = None,
        since: datetime.datetime | None = None,
        until: datetime.datetime | None = None,
        organisation: str | None = None,
    ) -> AccessLogConnection:
        context = info.context
        context.data_query = True
        code = context.principal.self_code
        if code is None:
            raise HubError(ErrorCode.FORBIDDEN, "myAccessLog is for citizens and enterprises signed in as themselves")
        context.purpose = context.purpose or Purpose.SELF_ACCESS
        narrow = AuditFilter(since=_aware(since, "since"), until=_aware(until, "until"),
                             org=organisation.strip().upper()[:18] if organisation else None)  # fmt: skip
        page = await _reader(context).access_log(code, 20 if first is None else first, after, narrow)
        titles = {f.path: f.title for f in context.services.catalog.all_fields()}
        edges = [AccessLogEdge(node=_entry(context, entry, titles)) for entry in page.items]
        more = page.next_cursor is not None
        return AccessLogConnection(edges=edges, page_info=PageInfo(has_next_page=more, end_cursor=page.next_cursor))
