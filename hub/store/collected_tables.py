"""Tables of the hub-managed source database departments submit into (migrations/collected, not the hub's own)."""

from __future__ import annotations

import sqlalchemy as sa

VERSION_TABLE = "alembic_version_collected"
metadata = sa.MetaData()

items = sa.Table(
    "collected_items",
    metadata,
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
    sa.Index("ix_collected_items_subject", "record_type", "subject_code"),
    sa.Index("ix_collected_items_department", "department", "record_type", "decided_on"),
)

versions = sa.Table(
    "collected_versions",
    metadata,
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
    sa.Index("ix_collected_versions_submission", "submission_id"),
)

submissions = sa.Table(
    "collected_submissions",
    metadata,
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
    sa.Index("ix_collected_submissions_department", "department", "started_at"),
)

refusals = sa.Table(
    "collected_refusals",
    metadata,
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
    sa.Index("ix_collected_refusals_department", "department", "record_type"),
)
