"""rights and measures: objections, credit repairs, item overlay, source feedback queue, measure executions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

`item_marks` is the overlay that every read applies (hidden, corrected, objection open, clock
extension). `source_feedback` is the queue through which sources learn of upheld objections and
approved repairs ("corrections are made at the source"). On PostgreSQL the application role
`credit_hub_app` (made by 0002, when it could be) may read and write these tables but not delete.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_TABLES = ("objections", "credit_repairs", "item_marks", "source_feedback", "measure_executions")
_PG_GRANT = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'credit_hub_app') THEN
        GRANT SELECT, INSERT, UPDATE ON {tables} TO credit_hub_app;
    END IF;
END
$$
"""


def _subject_item() -> list[sa.Column[object]]:
    return [
        sa.Column("subject_code", sa.String(18), nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("record_type", sa.String(40), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "objections",
        sa.Column("id", sa.String(36), primary_key=True),
        *_subject_item(),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("corrections", sa.Text, nullable=True),
        sa.Column("decision_note", sa.Text, nullable=True),
        sa.Column("filed_at", _TS, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("suspended_days", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("uq_objections_item_id", "objections", ["item_id"], unique=True)
    op.create_index("ix_objections_subject_code", "objections", ["subject_code"])
    op.create_index("ix_objections_department_status", "objections", ["department", "status"])
    op.create_table(
        "credit_repairs",
        sa.Column("id", sa.String(36), primary_key=True),
        *_subject_item(),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decision_note", sa.Text, nullable=True),
        sa.Column("applied_at", _TS, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("published_at", _TS, nullable=True),
    )
    op.create_index("ix_credit_repairs_item_id", "credit_repairs", ["item_id"])
    op.create_index("ix_credit_repairs_subject_code", "credit_repairs", ["subject_code"])
    op.create_index("ix_credit_repairs_department_status", "credit_repairs", ["department", "status"])
    op.create_table(
        "item_marks",
        sa.Column("item_id", sa.String(200), primary_key=True),
        sa.Column("subject_code", sa.String(18), nullable=False),
        sa.Column("record_type", sa.String(40), nullable=False),
        sa.Column("hidden_by", sa.String(16), nullable=True),
        sa.Column("corrections", sa.Text, nullable=True),
        sa.Column("open_objection", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("extension_days", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_item_marks_subject_code", "item_marks", ["subject_code"])
    op.create_table(
        "source_feedback",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("delivered_at", _TS, nullable=True),
    )
    op.create_index("ix_source_feedback_source_delivered", "source_feedback", ["source", "delivered_at"])
    op.create_table(
        "measure_executions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("report_id", sa.String(36), nullable=False),
        sa.Column("measure_code", sa.String(40), nullable=False),
        sa.Column("subject_code", sa.String(18), nullable=False),
        sa.Column("matter", sa.String(40), nullable=False),
        sa.Column("executed", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("case_reference", sa.String(100), nullable=True),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("operator", sa.String(120), nullable=True),
        sa.Column("reported_at", _TS, nullable=False),
    )
    op.create_index("ix_measure_executions_measure_reported", "measure_executions", ["measure_code", "reported_at"])
    op.create_index("ix_measure_executions_department", "measure_executions", ["department"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GRANT.format(tables=", ".join(_TABLES)))


def downgrade() -> None:
    op.drop_index("ix_measure_executions_department", table_name="measure_executions")
    op.drop_index("ix_measure_executions_measure_reported", table_name="measure_executions")
    op.drop_table("measure_executions")
    op.drop_index("ix_source_feedback_source_delivered", table_name="source_feedback")
    op.drop_table("source_feedback")
    op.drop_index("ix_item_marks_subject_code", table_name="item_marks")
    op.drop_table("item_marks")
    for name in ("ix_credit_repairs_department_status", "ix_credit_repairs_subject_code", "ix_credit_repairs_item_id"):
        op.drop_index(name, table_name="credit_repairs")
    op.drop_table("credit_repairs")
    for name in ("ix_objections_department_status", "ix_objections_subject_code", "uq_objections_item_id"):
        op.drop_index(name, table_name="objections")
    op.drop_table("objections")
