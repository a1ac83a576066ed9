"""joint reward and punishment: verified feedback, and the cases of the initiate-respond-execute loop

Revision ID: 0006
Revises: 0005_feedback
Create Date: 2026-12-06

- `measure_executions.verified`: true for an outcome accepted after the subject was checked again for
  the matter (every report from this revision on); rows stored before it were never checked and read
  false, so `measureStatistics` leaves them out.
- `measure_cases`: one row per (initiation, target subject, measure, implementing department): the
  initiating department names targets and measures (发起), the implementing department acknowledges
  (响应) and reports what it did (执行, 反馈; 000 #31, #38; 003 §9). `stage` and the timestamps of each
  step; `credit_hub_app` may read, insert and update.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005_feedback"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_PG_GRANT = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'credit_hub_app') THEN
        GRANT SELECT, INSERT, UPDATE ON measure_cases TO credit_hub_app;
    END IF;
END
$$
"""


def upgrade() -> None:
    with op.batch_alter_table("measure_executions") as batch:
        batch.add_column(sa.Column("verified", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "measure_cases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("initiative_id", sa.String(36), nullable=False),
        sa.Column("initiating_department", sa.String(64), nullable=False),
        sa.Column("implementing_department", sa.String(64), nullable=False),
        sa.Column("subject_code", sa.String(18), nullable=False),
        sa.Column("measure_code", sa.String(40), nullable=False),
        sa.Column("matter", sa.String(40), nullable=False),
        sa.Column("reference", sa.String(100), nullable=True),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("initiated_at", _TS, nullable=False),
        sa.Column("responded_at", _TS, nullable=True),
        sa.Column("fed_back_at", _TS, nullable=True),
        sa.Column("executed", sa.Boolean, nullable=True),
        sa.Column("report_id", sa.String(36), nullable=True),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("operator", sa.String(120), nullable=True),
    )
    op.create_index("ix_measure_cases_implementing_stage", "measure_cases", ["implementing_department", "stage"])
    op.create_index("ix_measure_cases_initiating", "measure_cases", ["initiating_department", "initiated_at"])
    op.create_index("ix_measure_cases_subject_measure", "measure_cases", ["subject_code", "measure_code"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GRANT)


def downgrade() -> None:
    op.drop_table("measure_cases")
    with op.batch_alter_table("measure_executions") as batch:
        batch.drop_column("verified")
