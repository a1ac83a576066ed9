"""Whether a subject may see an access in its own log yet: concealed until a date, or until a case closes.

The access log's SQL (hub.store.audit_reads) applies the same rule; this is its form for one event,
for privacy officers, who see every entry at once together with its state.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from hub.audit.events import AuditEvent, SubjectDisclosure

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


class Concealment(StrEnum):
    """Where an access stands in the subject's own log."""

    NONE = "none"  # never concealed: shown at once
    CONCEALED = "concealed"  # not shown to the subject yet
    REVEALED = "revealed"  # was concealed; its date has come or its case was closed


def local_date(now: datetime) -> date:
    """Answers the calendar date in China at `now` (when disclosure periods and concealments end)."""
    return now.astimezone(LOCAL_ZONE).date()


def case_bound(event: AuditEvent) -> bool:
    """Answers whether the event stays concealed from its subjects until the case it names closes."""
    return event.concealed_until_case_closes and event.case_number is not None


def concealment(
    event: AuditEvent, subject: SubjectDisclosure, case_closed_at: datetime | None, now: datetime
) -> Concealment:
    """Answers whether `subject` sees `event` in its access log at `now`, given when the event's case closed."""
    until = subject.concealed_until
    by_case = case_bound(event)
    if until is None and not by_case:
        return Concealment.NONE
    date_come = until is not None and until <= local_date(now)
    closed = by_case and case_closed_at is not None and case_closed_at <= now
    return Concealment.REVEALED if date_come or closed else Concealment.CONCEALED
