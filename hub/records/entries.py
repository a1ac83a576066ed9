"""The console's alarm on list entries that failed the catalogue's entry checks (002 §6, §10) as they were read."""

from __future__ import annotations

from datetime import datetime

from hub.audit.anomaly_types import Anomaly, Severity
from hub.store.flagged import FlaggedEntryRepository

ALARM_RULE = "list_entry_flagged"


async def flagged_alarms(repository: FlaggedEntryRepository, since: datetime) -> list[Anomaly]:
    """Answers one anomaly per deciding department whose flagged list entries were read since `since`."""
    found: list[Anomaly] = []
    for count in await repository.counts(since):
        text = (
            f"department {count.department}: {count.entries} list entries failed the entry checks "
            f"({', '.join(count.flags)}) and lead to no measures"
        )
        scope = f"department:{count.department}"
        found.append(Anomaly(ALARM_RULE, Severity.MEDIUM, text, scope, count.first_seen, count.last_seen))
    return found
