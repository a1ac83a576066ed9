"""credit reports: every issued report's number, hash, signature and register entry

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

- `credit_reports`: per report number the SHA-256 of the PDF as issued, the detached JWS the hub signed it
  with, its edition (PUBLIC, DEPARTMENT, SELF), when and for which department it was issued, and the
  register's event id of the request that rendered it; `GET /reports/verify/{number}` reads it. The
  subject's code is not kept here: the register holds it under its own access rules.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Creates the credit reports table."""
    op.create_table(
        "credit_reports",
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("edition", sa.String(16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("department", sa.String(64), nullable=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_credit_reports"),
    )


def downgrade() -> None:
    """Drops the credit reports table."""
    op.drop_table("credit_reports")
