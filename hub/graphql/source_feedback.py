"""Correction notices over GraphQL: a source's department pulls them and acknowledges them (feedback:read)."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry

from hub.errors import ErrorCode
from hub.graphql.audit_types import PageInfo
from hub.graphql.context import HubContext
from hub.graphql.permissions import HubInfo, needs
from hub.identity.scopes import Scope
from hub.privacy.disclose import Disclosure, Withheld
from hub.rights.notices import Notice, NoticeAction, NoticeKind

DEFAULT_PAGE = 50

strawberry.enum(NoticeKind, name="SourceFeedbackKind", description="What decided the correction.")
strawberry.enum(NoticeAction, name="SourceFeedbackAction", description="What the source is to do with the item.")


@strawberry.type(description="A corrected field; the value is withheld (FIELD_DENIED) unless your policy shows it.")
class SourceFeedbackCorrection:
    field: str
    value: str | None


@strawberry.type(description="A correction notice for the source that holds an item; pending until acknowledged.")
class SourceFeedback:
    id: strawberry.ID
    source: str = strawberry.field(description="The source system that holds the item.")
    item_id: strawberry.ID = strawberry.field(description="`<source>:<record type>:<the source's own key>`.")
    record_type: str
    kind: NoticeKind
    action: NoticeAction
    decision_id: strawberry.ID = strawberry.field(description="The objection or repair application decided.")
    decided_on: datetime.date
    corrections: list[SourceFeedbackCorrection]
    queued_at: datetime.datetime
    deliveries: int = strawberry.field(description="How often the notice was delivered, this delivery included.")
    acknowledged_at: datetime.datetime | None


@strawberry.type
class SourceFeedbackEdge:
    cursor: str
    node: SourceFeedback


@strawberry.type(description="Your department's pending notices, oldest first.")
class SourceFeedbackConnection:
    edges: list[SourceFeedbackEdge]
    page_info: PageInfo


def _node(notice: Notice) -> SourceFeedback:
    corrections: list[Any] = [
        {
            "field": c.field,
            "value": Withheld(ErrorCode.FIELD_DENIED, "your policy does not show this field in clear")
            if c.withheld
            else c.value,
        }
        for c in notice.corrections
    ]
    return SourceFeedback(
        id=strawberry.ID(notice.id), source=notice.source, item_id=strawberry.ID(notice.item_id),
        record_type=notice.record_type, kind=notice.kind, action=notice.action,
        decision_id=strawberry.ID(notice.decision_id), decided_on=datetime.date.fromisoformat(notice.decided_on),
        corrections=corrections, queued_at=notice.queued_at, deliveries=notice.deliveries,
        acknowledged_at=notice.acknowledged_at,
    )  # fmt: skip


def _register(context: HubContext, notices: list[Notice]) -> None:
    """Registers what left the hub: per subject, the corrected fields delivered in clear."""
    context.data_query = True
    for notice in notices:
        if notice.subject_code:
            shown = {f"{notice.record_type}.{c.field}" for c in notice.corrections if not c.withheld}
            withheld = {f"{notice.record_type}.{c.field}" for c in notice.corrections if c.withheld}
            context.disclosures.append(Disclosure(notice.subject_code, clear=shown, denied=withheld))


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@strawberry.type
class SourceFeedbackQuery:
    """A source department's pending correction notices."""

    @strawberry.field(
        description="Your department's correction notices not yet acknowledged, oldest first; every pull delivers "
        "them again until acknowledged (feedback:read).",
        extensions=needs(Scope.FEEDBACK_READ),
    )
    async def source_feedback(
        self, info: HubInfo, first: int | None = DEFAULT_PAGE, after: str | None = None
    ) -> SourceFeedbackConnection:
        service = info.context.services.credit.notices
        page = await service.pull(info.context.principal, DEFAULT_PAGE if first is None else first, after, _now())
        _register(info.context, page.notices)
        edges = [SourceFeedbackEdge(cursor=n.cursor, node=_node(n)) for n in page.notices]
        end = edges[-1].cursor if edges else None
        return SourceFeedbackConnection(
            edges=edges, page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=end)
        )


@strawberry.type
class SourceFeedbackMutation:
    """Acknowledging correction notices."""

    @strawberry.mutation(
        description="Acknowledge notices your source has applied; they are then no longer delivered. "
        "Idempotent: acknowledging again answers the same notices (feedback:read).",
        extensions=needs(Scope.FEEDBACK_READ),
    )
    async def acknowledge_source_feedback(self, info: HubInfo, ids: list[strawberry.ID]) -> list[SourceFeedback]:
        service = info.context.services.credit.notices
        notices = await service.acknowledge(info.context.principal, [str(i) for i in ids], _now())
        _register(info.context, notices)
        return [_node(notice) for notice in notices]
