"""register indexes: the case number index holds only the events that name a case

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

Every receipt inserts its event into every index of the register. `ix_audit_events_case_number_seq`
serves the officer's `caseNumber` filter and a closure's count of concealed events, which ask
`case_number = ...`: only events naming a case can match, and most name none, so the index now holds
only those (both databases) and an ordinary receipt skips it.

The other indexes stay, each for a view (`bench/bench_audit_views.py` prints their plans): `event_id`
(unique: an event sent again after a lost connection is never registered twice; federation receipts
look it up), `at` (a time window away from the head), `org`, `department` and `client_id` with `seq`
(the officer's filters, newest first), `audit_subjects.seq` (verify's pages, pruning) and the primary
keys (the chain; a subject's access log). BRIN for `at` and `audit_subjects.seq` was measured and
left out: ranges not yet summarised (the newest, until autovacuum runs) are read in full by every
window and every verify page.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_NAMES_A_CASE = sa.text("case_number IS NOT NULL")


def upgrade() -> None:
    """Narrows the case number index to the events that name a case."""
    op.drop_index("ix_audit_events_case_number_seq", table_name="audit_events")
    op.create_index(
        "ix_audit_events_case_number_seq", "audit_events", ["case_number", "seq"],
        postgresql_where=_NAMES_A_CASE, sqlite_where=_NAMES_A_CASE,
    )  # fmt: skip


def downgrade() -> None:
    """Restores the case number index of revision 0013, over every event."""
    op.drop_index("ix_audit_events_case_number_seq", table_name="audit_events")
    op.create_index("ix_audit_events_case_number_seq", "audit_events", ["case_number", "seq"])
