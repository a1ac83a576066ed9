"""Collection in GraphQL: single submissions, an item's versions, 双公示 timeliness and the quality report."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from enum import Enum
from typing import cast

import strawberry
from strawberry.scalars import JSON

from hub.collection.check import submittable
from hub.collection.quality import QualityRow
from hub.collection.rows import ACTION, REASON, RawRow
from hub.collection.service import CollectionService, SubmissionResult, authorise_submitter
from hub.collection.source_check import check_sources
from hub.collection.timeliness import TimelinessRow
from hub.errors import ErrorCode, HubError
from hub.graphql.context import HubContext
from hub.graphql.permissions import HubInfo, needs, require
from hub.identity.scopes import Scope

READ_ALL = Scope.AUDIT_READ  # privacy officers see every department; a submitting department sees its own
READ_OWN = Scope.RECORDS_SUBMIT


@strawberry.enum(description="What a submission does to its item.")
class SubmitAction(Enum):
    SUBMIT = "submit"
    CORRECT = "correct"
    WITHDRAW = "withdraw"


@strawberry.type(description="A refused row: its number, the field at fault, the reason and the fix.")
class SubmissionRefusal:
    row: int
    field: str | None
    code: str = strawberry.field(description="REQUIRED, INVALID_CODE, BAD_DATE, FUTURE_DATE, DUPLICATE, …")
    reason: str
    fix: str


@strawberry.type(description="What became of a submission.")
class SubmissionAnswer:
    accepted: int
    unchanged: int
    refused: list[SubmissionRefusal]
    submission_id: strawberry.ID
    item_id: strawberry.ID | None = strawberry.field(description="the item as the record shows it (accepted)")


@strawberry.type(description="One version of a collected item: a submission, a correction or a withdrawal.")
class CollectedVersion:
    version: int
    action: str = strawberry.field(description="SUBMIT, CORRECT or WITHDRAW")
    reason: str | None
    fields: JSON = strawberry.field(description="the item's fields as this version submitted them")
    department: str
    at: datetime.datetime
    personal_data: list[str] = strawberry.field(description="kinds of personal data the detector found in free text")


@strawberry.type(description="双公示 timeliness of one department's items of one record type (and month).")
class PublicationTimeliness:
    department: str
    record_type: str
    month: str | None = strawberry.field(description="YYYY-MM of the decisions (null: the whole span)")
    items: int
    on_time: int = strawberry.field(description="published within the deadline (7 working days)")
    late: int
    on_time_rate: float | None
    median_lag: float | None = strawberry.field(description="working days from decision to the platform")
    max_lag: int | None
    missing: int = strawberry.field(
        description="decisions the platform knows and publishes no item of: refused and not accepted since, or "
        "held by a pulled source and never submitted (missingRefused + missingAtSource)"
    )
    missing_overdue: int = strawberry.field(description="of those, past their deadline")
    missing_refused: int = strawberry.field(description="refused and not accepted since")
    missing_at_source: int = strawberry.field(
        description="held by a pulled source, decided by one of the department's authorities, never submitted"
    )
    withdrawn: int = strawberry.field(description="withdrawn and not published again (apart from missing)")
    estimated: int = strawberry.field(
        description="items whose lag crosses a year of unknown official calendar, counted Monday to Friday"
    )


@strawberry.type(description="The 双公示 timeliness report.")
class TimelinessReport:
    since: datetime.date
    until: datetime.date
    rows: list[PublicationTimeliness]
    months: list[PublicationTimeliness]
    unknown_calendar_years: list[int] = strawberry.field(
        description="years of the span whose official holidays are not loaded: lags there count Monday to Friday"
    )


@strawberry.type(description="An item of a pulled source that fails the collection checks (flagged, never fixed).")
class FlaggedSourceItem:
    item_id: strawberry.ID
    reasons: list[str] = strawberry.field(description="field:REASON_CODE for each fault")


@strawberry.type(description="What the collection checks find in one pulled source's items of one record type.")
class SourceQualityReport:
    source: str
    record_type: str
    rows: int
    flagged: int
    by_reason: list[NamedCount]
    items: list[FlaggedSourceItem] = strawberry.field(description="the first flagged items; `flagged` counts all")


@strawberry.type(
    description="What reads found in one pulled source's items of one record type: the items answered with "
    "quality flags since a day (each counted once however often it was read), by check code."
)
class ReadQualityReport:
    source: str
    record_type: str
    items: int = strawberry.field(description="items read that fail at least one collection check")
    by_code: list[NamedCount] = strawberry.field(description="items per failed check code, most first")
    first_seen: datetime.datetime
    last_seen: datetime.datetime


@strawberry.type(description="A count under a name (a reason code, a field, a kind of personal data).")
class NamedCount:
    name: str
    count: int


@strawberry.type(description="A field and the share of current items that fill it.")
class FieldCompleteness:
    field: str
    share: float


@strawberry.type(description="The quality of one department's submissions of one record type.")
class CollectionQuality:
    department: str
    record_type: str
    submissions: int
    rows: int
    accepted: int
    unchanged: int
    refused: int
    refused_by_reason: list[NamedCount]
    corrections: int
    withdrawals: int
    items: int
    completeness: list[FieldCompleteness]
    personal_data: list[NamedCount]


def _service(context: HubContext) -> CollectionService:
    if context.services.collection is None:
        raise HubError(ErrorCode.NOT_FOUND, "this hub keeps no collected source")
    return context.services.collection


def _departments(context: HubContext, department: str | None) -> frozenset[str] | None:
    """Answers the departments the caller may see (None: all), narrowed to `department` when given."""
    principal = context.principal
    if principal.has(READ_ALL):
        return frozenset({department}) if department else None
    require(context, READ_OWN)
    own = principal.department or ""
    if department and department != own:
        raise HubError(
            ErrorCode.FORBIDDEN,
            "you may see only your own department's submissions",
            fix=f"leave department out or pass '{own}'",
        )
    return frozenset({own})


def _timeliness(row: TimelinessRow) -> PublicationTimeliness:
    return PublicationTimeliness(
        department=row.department,
        record_type=row.record_type,
        month=row.month,
        items=row.items,
        on_time=row.on_time,
        late=row.late,
        on_time_rate=row.on_time_rate,
        median_lag=row.median_lag,
        max_lag=row.max_lag,
        missing=row.missing,
        missing_overdue=row.missing_overdue,
        missing_refused=row.missing_refused,
        missing_at_source=row.missing_at_source,
        withdrawn=row.withdrawn,
        estimated=row.estimated,
    )


def _quality(row: QualityRow) -> CollectionQuality:
    return CollectionQuality(
        department=row.department,
        record_type=row.record_type,
        submissions=row.submissions,
        rows=row.rows,
        accepted=row.accepted,
        unchanged=row.unchanged,
        refused=row.refused,
        refused_by_reason=[NamedCount(name=n, count=c) for n, c in row.refused_by_reason],
        corrections=row.corrections,
        withdrawals=row.withdrawals,
        items=row.items,
        completeness=[FieldCompleteness(field=f, share=s) for f, s in row.completeness],
        personal_data=[NamedCount(name=n, count=c) for n, c in row.personal_data],
    )


@strawberry.type
class CollectionQuery:
    """Submitted items' history, 双公示 timeliness and quality (audit:read: all departments; records:submit: own)."""

    @strawberry.field(
        description="Every version of a collected item, oldest first: nothing is overwritten.",
        extensions=needs(READ_OWN, READ_ALL),
    )
    async def collected_item_history(self, info: HubInfo, id: strawberry.ID) -> list[CollectedVersion]:
        context = info.context
        versions = await _service(context).history(str(id), _departments(context, None))
        return [
            CollectedVersion(
                version=v.version,
                action=v.action,
                reason=v.reason,
                fields=cast(JSON, v.payload),
                department=v.department,
                at=v.at,
                personal_data=list(v.personal_data),
            )
            for v in versions
        ]

    @strawberry.field(
        description="双公示 timeliness per department and record type, and per month (default: "
        "decisions of the last 12 months).",
        extensions=needs(READ_OWN, READ_ALL),
    )
    async def publication_timeliness(
        self,
        info: HubInfo,
        since: datetime.date | None = None,
        until: datetime.date | None = None,
        department: str | None = None,
    ) -> TimelinessReport:
        context = info.context
        departments = _departments(context, department)
        today = context.services.today()
        end = until or today
        start = since or end.replace(day=1) - datetime.timedelta(days=335)
        report = await _service(context).timeliness(
            start.replace(day=1) if since is None else start, end, today, departments
        )
        return TimelinessReport(
            since=report.since,
            until=report.until,
            rows=[_timeliness(r) for r in report.rows],
            months=[_timeliness(r) for r in report.months],
            unknown_calendar_years=list(report.unknown_years),
        )

    @strawberry.field(
        description="The collection checks run over the pulled sources' licences and penalties decided from `since` "
        "(default: 90 days ago), up to `limit` items per source and record type: flagged, never fixed.",
        extensions=needs(READ_ALL),
    )
    async def source_quality(
        self, info: HubInfo, since: datetime.date | None = None, limit: int = 5000
    ) -> list[SourceQualityReport]:
        services = info.context.services
        today = services.today()
        if not 1 <= limit <= 20_000:
            raise HubError(ErrorCode.BAD_USER_INPUT, "limit is from 1 to 20000", fix="ask for fewer items")
        found = await check_sources(
            services.catalog, services.federation.sources, since or today - datetime.timedelta(days=90), today, limit
        )
        return [
            SourceQualityReport(
                source=q.source,
                record_type=q.record_type,
                rows=q.rows,
                flagged=q.flagged,
                by_reason=[NamedCount(name=n, count=c) for n, c in q.by_reason],
                items=[
                    FlaggedSourceItem(item_id=strawberry.ID(i.item_id), reasons=[f"{f}:{c}" for f, c in i.reasons])
                    for i in q.items
                ],
            )
            for q in found
        ]

    @strawberry.field(
        description="What reads found: the pulled sources' items answered with quality flags (failing the "
        "collection checks) read since `since` (default: 90 days ago), per source and record type.",
        extensions=needs(READ_ALL),
    )
    async def read_quality(self, info: HubInfo, since: datetime.date | None = None) -> list[ReadQualityReport]:
        services = info.context.services
        start = since or services.today() - datetime.timedelta(days=90)
        found = await services.read_faults.counts(datetime.datetime.combine(start, datetime.time(), datetime.UTC))
        return [
            ReadQualityReport(
                source=q.source,
                record_type=q.record_type,
                items=q.items,
                by_code=[NamedCount(name=n, count=c) for n, c in q.by_code],
                first_seen=q.first_seen,
                last_seen=q.last_seen,
            )
            for q in found
        ]

    @strawberry.field(
        description="The quality report of collection per department and record type.",
        extensions=needs(READ_OWN, READ_ALL),
    )
    async def collection_quality(self, info: HubInfo, department: str | None = None) -> list[CollectionQuality]:
        context = info.context
        return [_quality(row) for row in await _service(context).quality(_departments(context, department))]


async def _one(fields: dict[str, object], code: str, action: SubmitAction, reason: str | None) -> AsyncIterator[RawRow]:
    values: dict[str, str | None] = {k: None if v is None else str(v) for k, v in fields.items()}
    values["subject_code"] = code
    values[ACTION] = action.value
    values[REASON] = reason
    yield RawRow(1, values)


@strawberry.type
class CollectionMutation:
    """Submitting one item (records:submit): a licence, a penalty or any record type open to collection."""

    @strawberry.mutation(
        description="Submit, correct or withdraw one item, checked as a file's row is.",
        extensions=needs(READ_OWN),
    )
    async def submit_record(
        self,
        info: HubInfo,
        record_type: str,
        subject_code: strawberry.ID,
        fields: JSON,
        action: SubmitAction = SubmitAction.SUBMIT,
        reason: str | None = None,
    ) -> SubmissionAnswer:
        context = info.context
        policy = context.services.policies.get(context.principal.department or "")
        who = authorise_submitter(context.principal, bool(policy and policy.operator_required), context.operator)
        service = _service(context)
        rt = submittable(context.services.catalog, record_type, who.department)
        assert rt.collection is not None
        if not isinstance(fields, dict):
            raise HubError(
                ErrorCode.BAD_USER_INPUT,
                "fields is a JSON object of the record type's fields",
                fix=f'e.g. {{"{rt.collection.key[-1]}": "…"}}',
            )
        known = rt.collection.column_names()
        unknown = [name for name in fields if str(name).casefold() not in known]
        if unknown:
            raise HubError(
                ErrorCode.BAD_USER_INPUT,
                f"'{unknown[0]}' is not a field of {record_type}",
                fix=f"use: {', '.join(rt.collection.fields)}",
            )
        canonical = {known[str(name).casefold()]: value for name, value in fields.items()}
        result: SubmissionResult = await service.submit(
            who, record_type, _one(canonical, str(subject_code), action, reason), keep_items=True
        )
        return SubmissionAnswer(
            accepted=result.accepted,
            unchanged=result.unchanged,
            submission_id=strawberry.ID(result.submission_id),
            refused=[
                SubmissionRefusal(row=r.row, field=r.field, code=r.code.value, reason=r.reason, fix=r.fix)
                for r in result.refused
            ],
            item_id=strawberry.ID(result.items[0]) if result.items else None,
        )
