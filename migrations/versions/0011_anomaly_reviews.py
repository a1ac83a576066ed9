"""anomaly reviews: a privacy officer's finding on an anomaly, with a note

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

- `anomaly_reviews`: one row per review of an anomaly (`auditAnomalies` id, stable for the same rule
  and events): the rule, the officer's note, the reviewer as the register names them, their client and
  department, the request id its own register event carries, a per-form submission id (unique: a
  form sent twice is one review) and when. `credit_hub_app` may read and insert, never change one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_PG_GRANT = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'credit_hub_app') THEN
        GRANT SELECT, INSERT ON anomaly_reviews TO credit_hub_app;
    END IF;
END
$$
"""


def upgrade() -> None:
    """Creates the anomaly reviews table."""
    op.create_table(
        "anomaly_reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("anomaly_id", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(120), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("department", sa.String(64), nullable=True),
        sa.Column("request_id", sa.String(128), nullable=False),
        sa.Column("submission", sa.String(64), nullable=False),
        sa.Column("reviewed_at", _TS, nullable=False),
        sa.UniqueConstraint("submission", name="uq_anomaly_reviews_submission"),
    )
    op.create_index("ix_anomaly_reviews_anomaly", "anomaly_reviews", ["anomaly_id", "reviewed_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GRANT)


def downgrade() -> None:
    """Drops the anomaly reviews table."""
    op.drop_table("anomaly_reviews")
