"""Anomalies for privacy officers: the list, one anomaly with its events, and reviews (each one registered)."""

from __future__ import annotations

import datetime
import re
import uuid
from datetime import UTC, timedelta

import strawberry

from hub.audit import AuditFilter
from hub.audit.anomaly_types import Anomaly
from hub.errors import ErrorCode, HubError
from hub.graphql.audit import ANOMALY_WINDOW, DEFAULT_ANOMALY_SINCE, _aware, _node, _officer
from hub.graphql.audit_types import AnomalyReview, AuditAnomaly, AuditEventNode
from hub.graphql.permissions import HubInfo, needs
from hub.identity.scopes import Scope
from hub.records.entries import flagged_alarms
from hub.store.anomaly_reviews import AnomalyReview as StoredReview

EVENTS_PAGE = 200
EVENT_PAGES = 10  # an anomaly links at most a few thousand events; its page never reads the register further
MAX_NOTE = 2000
_SUBMISSION = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


async def found_anomalies(info: HubInfo, since: datetime.datetime | None) -> list[Anomaly]:
    """Answers the anomalies of the register's rules, unanswered feedback and flagged entries since `since`."""
    reader = _officer(info)
    now = datetime.datetime.now(UTC)
    start = _aware(since, "since") or now - DEFAULT_ANOMALY_SINCE
    if now - start > ANOMALY_WINDOW:
        raise HubError(ErrorCode.BAD_USER_INPUT, "since may lie at most 31 days back", fix="review a shorter span")
    services = info.context.services
    purposes = {key: [p.value for p in policy.purposes] for key, policy in services.policies.departments.items()}
    found = await reader.anomalies(start, purposes)
    found += await services.credit.notices.alarms(now, services.settings.feedback_alarm_hours)
    if services.flagged is not None:
        found += await flagged_alarms(services.flagged, start)
    return found


def _review(review: StoredReview) -> AnomalyReview:
    return AnomalyReview(
        anomaly_id=strawberry.ID(review.anomaly_id), note=review.note, reviewer=review.reviewer,
        reviewed_at=review.reviewed_at, request_id=review.request_id,
    )  # fmt: skip


async def _shown(info: HubInfo, found: list[Anomaly]) -> list[AuditAnomaly]:
    repository = info.context.services.anomaly_reviews
    reviews = await repository.latest([a.anomaly_id for a in found])
    return [
        AuditAnomaly(
            id=strawberry.ID(a.anomaly_id), rule=a.rule, severity=a.severity, description=a.description,
            scope=a.scope, window_start=a.window_start, window_end=a.window_end,
            event_ids=[strawberry.ID(e) for e in a.event_ids],
            review=_review(reviews[a.anomaly_id]) if a.anomaly_id in reviews else None,
        )
        for a in found
    ]  # fmt: skip


async def anomaly_events(info: HubInfo, anomaly: AuditAnomaly) -> list[AuditEventNode]:
    """Answers the events an anomaly links, read from the register for its window and scope."""
    reader = _officer(info)
    kind, _, value = anomaly.scope.partition(":")
    where = AuditFilter(
        since=anomaly.window_start,
        until=anomaly.window_end + timedelta(milliseconds=1),
        client_id=value if kind == "client" else None,
        department=value if kind == "department" else None,
    )
    wanted, found, after = {str(e) for e in anomaly.event_ids}, [], None
    for _ in range(EVENT_PAGES):
        page = await reader.events(where, EVENTS_PAGE, after)
        found += [await _node(reader, item) for item in page.items if item.event.event_id in wanted]
        if len(found) >= len(wanted) or page.next_cursor is None:
            break
        after = page.next_cursor
    return found


@strawberry.type
class AnomalyQuery:
    """The anomalies of the register (audit:read)."""

    @strawberry.field(
        description="Anomalies found by the register's rules since a time (default: 24 hours ago).",
        extensions=needs(Scope.AUDIT_READ),
    )
    async def audit_anomalies(self, info: HubInfo, since: datetime.datetime | None = None) -> list[AuditAnomaly]:
        return await _shown(info, await found_anomalies(info, since))

    @strawberry.field(
        description="One anomaly of auditAnomalies(since) by its id, with its events; null when gone.",
        extensions=needs(Scope.AUDIT_READ),
    )
    async def audit_anomaly(
        self, info: HubInfo, id: strawberry.ID, since: datetime.datetime | None = None
    ) -> AuditAnomaly | None:
        found = [a for a in await found_anomalies(info, since) if a.anomaly_id == str(id)]
        shown = await _shown(info, found)
        return shown[0] if shown else None


@strawberry.input(description="A privacy officer's finding on an anomaly.")
class ReviewAnomalyInput:
    anomaly_id: strawberry.ID = strawberry.field(description="An id from auditAnomalies(since).")
    note: str = strawberry.field(description=f"What the officer found and did; 1 to {MAX_NOTE} characters.")
    since: datetime.datetime | None = strawberry.field(default=None, description="As given to auditAnomalies.")
    submission_id: str | None = strawberry.field(
        default=None,
        description="One per form shown (8-64 of A-Z a-z 0-9 _ -): the same id sent again is the same review.",
    )


@strawberry.type
class AnomalyMutation:
    """Reviewing anomalies (audit:read): the review is kept and registered as an AUDIT_REVIEW event."""

    @strawberry.mutation(
        description="Mark an anomaly reviewed with a note; registered, naming the officer.",
        extensions=needs(Scope.AUDIT_READ),
    )
    async def review_anomaly(self, info: HubInfo, input: ReviewAnomalyInput) -> AnomalyReview:
        context = info.context
        _officer(info)
        if not context.operator:
            raise HubError(
                ErrorCode.FORBIDDEN,
                "a review names the officer who made it",
                fix="sign in to the console as yourself, or send the X-Hub-Operator header",
            )
        note = input.note.strip()
        if not note or len(note) > MAX_NOTE:
            raise HubError(
                ErrorCode.BAD_USER_INPUT,
                f"input.note has {len(note)} characters; a review's note has 1 to {MAX_NOTE}",
                fix="say in a few sentences what was found and done",
            )
        submission = input.submission_id or str(uuid.uuid4())
        if not _SUBMISSION.fullmatch(submission):
            raise HubError(
                ErrorCode.BAD_USER_INPUT,
                "input.submissionId must be 8 to 64 of A-Z, a-z, 0-9, _ and -",
                fix="send a random id per form shown, e.g. a UUID",
            )
        found = [a for a in await found_anomalies(info, input.since) if a.anomaly_id == str(input.anomaly_id)]
        if not found:
            raise HubError(
                ErrorCode.NOT_FOUND,
                f"no anomaly '{str(input.anomaly_id)[:40]}' among those found since the given time",
                fix="take the id from auditAnomalies with the same since",
            )
        repository = context.services.anomaly_reviews
        principal = context.principal
        review = StoredReview(
            anomaly_id=found[0].anomaly_id, rule=found[0].rule, note=note, reviewer=context.operator,
            reviewed_at=datetime.datetime.now(UTC), request_id=context.request_id, client_id=principal.client_id,
            department=principal.department,
        )  # fmt: skip
        return _review(await repository.add(review, submission))
