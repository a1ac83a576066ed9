"""Time limits of objections and repairs, counted in working days of the official calendar.

Objections: 15 working days for the responsible department to verify and answer (001 (三)2 leaves the
limit to the platform; 15 is the hub's default). Repairs: 10 working days to decide (002 §12 asks for
timely repair). Public holidays are skipped and make-up working weekends (调休) count (hub.catalog.workdays).
"""

from __future__ import annotations

from datetime import date

from hub.catalog import workdays

OBJECTION_WORKING_DAYS = 15
REPAIR_WORKING_DAYS = 10


def add_working_days(start: date, days: int) -> date:
    """Answers the day `days` working days after `start` (holidays skipped, make-up weekends counted)."""
    return workdays.add_working_days(start, days)
