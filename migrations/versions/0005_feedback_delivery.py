"""source feedback delivered until acknowledged; the day an item was repaired or revoked

Revision ID: 0005_feedback
Revises: 0004
Create Date: 2026-12-06

- `source_feedback` gains the department a notice is for (the department that decided the objection
  or repair: it corrects the item at its source), the subject it concerns (for the query register,
  never sent), how often it was delivered, and when and by whom it was acknowledged. A notice stays
  pending, and is delivered again on every pull, until acknowledged. `delivered_at` is the last
  delivery. Notices queued before this revision take the department and subject of their objection
  or repair.
- `item_marks.hidden_at`: when an item was revoked or repaired, so the subject's own record can show it
  marked with the date (earlier marks take their last change).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_feedback"
down_revision = "0004"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_BACKFILL = (
    "UPDATE source_feedback SET department = (SELECT o.department FROM objections o "
    "WHERE o.item_id = source_feedback.item_id), subject_code = (SELECT o.subject_code FROM objections o "
    "WHERE o.item_id = source_feedback.item_id) WHERE kind = 'OBJECTION_UPHELD'",
    "UPDATE source_feedback SET department = (SELECT r.department FROM credit_repairs r "
    "WHERE r.item_id = source_feedback.item_id AND r.status = 'APPROVED'), subject_code = (SELECT r.subject_code "
    "FROM credit_repairs r WHERE r.item_id = source_feedback.item_id AND r.status = 'APPROVED') "
    "WHERE kind = 'REPAIR_APPROVED'",
    "UPDATE item_marks SET hidden_at = updated_at WHERE hidden_by IS NOT NULL",
)


def upgrade() -> None:
    with op.batch_alter_table("source_feedback") as table:
        table.add_column(sa.Column("department", sa.String(64), nullable=True))
        table.add_column(sa.Column("subject_code", sa.String(18), nullable=True))
        table.add_column(sa.Column("deliveries", sa.Integer, nullable=False, server_default="0"))
        table.add_column(sa.Column("acknowledged_at", _TS, nullable=True))
        table.add_column(sa.Column("acknowledged_by", sa.String(64), nullable=True))
    with op.batch_alter_table("item_marks") as table:
        table.add_column(sa.Column("hidden_at", _TS, nullable=True))
    for statement in _BACKFILL:
        op.execute(statement)
    op.create_index(
        "ix_source_feedback_department_pending", "source_feedback", ["department", "acknowledged_at", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_source_feedback_department_pending", table_name="source_feedback")
    with op.batch_alter_table("item_marks") as table:
        table.drop_column("hidden_at")
    with op.batch_alter_table("source_feedback") as table:
        for name in ("acknowledged_by", "acknowledged_at", "deliveries", "subject_code", "department"):
            table.drop_column(name)
