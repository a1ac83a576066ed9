"""Time limits of objections and repairs, counted in working days (Monday to Friday).

Objections: 15 working days for the responsible department to verify and answer (001 (三)2 leaves the
limit to the platform; 15 is the hub's default). Repairs: 10 working days to decide (002 §12 asks for
timely repair). Public holidays and adjusted working weekends (调休) are not modelled: a limit that
spans a holiday is reached a little early, which only ever flags an objection as overdue sooner.
"""

from __future__ import annotations

from datetime import date, timedelta

OBJECTION_WORKING_DAYS = 15
REPAIR_WORKING_DAYS = 10


def add_working_days(start: date, days: int) -> date:
    """Answers the day `days` working days after `start` (weekends skipped)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day
