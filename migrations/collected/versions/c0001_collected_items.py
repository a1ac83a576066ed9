"""collected items: what departments submit, each item's versions, each submission and its refusals

Revision ID: c0001
Revises:
Create Date: 2026-12-06

- `collected_items`: the current state of each submitted item (one row per record type and item key), its
  fields as JSON, ACTIVE or WITHDRAWN, when it was decided and when it first reached the platform.
- `collected_versions`: every accepted submission, correction and withdrawal, with its reason (nothing is
  overwritten without a trace); personal data the detector found in free text is noted here.
- `collected_submissions`: one row per file or single submission, with its counts.
- `collected_refusals`: each refused row's field and reason (quality), and the item it was for when known.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Creates the collected items, their versions, the submissions and the refusals."""
    op.create_table(
        "collected_items",
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("item_key", sa.String(40), nullable=False),
        sa.Column("subject_code", sa.String(18), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lag_working_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("record_type", "item_key", name="pk_collected_items"),
    )
    op.create_index("ix_collected_items_subject", "collected_items", ["record_type", "subject_code"])
    op.create_index("ix_collected_items_department", "collected_items", ["department", "record_type", "decided_on"])
    op.create_table(
        "collected_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("item_key", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("submission_id", sa.String(36), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("personal_data", sa.Text(), nullable=True),
        sa.UniqueConstraint("record_type", "item_key", "version", name="uq_collected_versions_item_version"),
    )
    op.create_index("ix_collected_versions_submission", "collected_versions", ["submission_id"])
    op.create_table(
        "collected_submissions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("source_name", sa.String(200), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("accepted", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("unchanged", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("refused", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_collected_submissions_department", "collected_submissions", ["department", "started_at"])
    op.create_table(
        "collected_refusals",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.String(36), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(64), nullable=True),
        sa.Column("reason_code", sa.String(32), nullable=False),
        sa.Column("item_key", sa.String(40), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_collected_refusals_department", "collected_refusals", ["department", "record_type"])


def downgrade() -> None:
    """Drops the collected tables."""
    for table in ("collected_refusals", "collected_submissions", "collected_versions", "collected_items"):
        op.drop_table(table)
