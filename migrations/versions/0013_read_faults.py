"""items of pulled sources that failed the collection checks, noted as they are read

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

- `read_faults`: one row per item of a pulled (not hub-managed) source that a read found failing the
  collection checks (hub.collection.read_check): the item id, its source and record type, the failed checks'
  codes, and when it was first and last read. No subject code and no value. The quality report counts it per
  source and record type; `credit_hub_app` may read, insert and update.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_PG_GRANT = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'credit_hub_app') THEN
        GRANT SELECT, INSERT, UPDATE ON read_faults TO credit_hub_app;
    END IF;
END
$$
"""


def upgrade() -> None:
    """Creates the read faults table."""
    op.create_table(
        "read_faults",
        sa.Column("item_id", sa.String(200), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("codes", sa.String(200), nullable=False),
        sa.Column("first_seen_at", _TS, nullable=False),
        sa.Column("last_seen_at", _TS, nullable=False),
    )
    op.create_index("ix_read_faults_source_seen", "read_faults", ["source", "record_type", "last_seen_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GRANT)


def downgrade() -> None:
    """Drops the read faults table."""
    op.drop_table("read_faults")
