"""Time limits of objections and repairs, counted in working days of the official calendar.

Objections: 15 working days for the responsible department to verify and answer (001 (三)2 leaves the
limit to the platform; 15 is the hub's default). Repairs: 10 working days to decide (002 §12 asks for
timely repair). Public holidays are skipped and make-up working weekends (调休) count (hub.catalog.workdays). A
limit that runs into a year whose official calendar is not known counts Monday to Friday there: it is estimated.
"""

from __future__ import annotations

from datetime import date

from hub.catalog import workdays

OBJECTION_WORKING_DAYS = 15
REPAIR_WORKING_DAYS = 10


def add_working_days(start: date, days: int) -> date:
    """Answers the day `days` working days after `start` (holidays skipped, make-up weekends counted)."""
    return workdays.add_working_days(start, days)


def deadline_estimated(start: date, due: date) -> bool:
    """Answers whether a limit from `start` to `due` runs into a year of unknown official calendar (Monday to
    Friday stood in for its holidays)."""
    return not workdays.span_known(start, due)
