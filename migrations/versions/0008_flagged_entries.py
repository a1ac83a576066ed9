"""list entries that failed the catalogue's entry checks, noted as they are read

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

- `flagged_entries`: one row per list entry the read path found failing the catalogue's `entry_checks`
  (002 §6, §10): the item id, its source, the department that decided it, the failed checks' codes, and
  when it was first and last read. No subject code and no reason text. The console raises a
  `list_entry_flagged` anomaly per department from it; `credit_hub_app` may read, insert and update.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_PG_GRANT = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'credit_hub_app') THEN
        GRANT SELECT, INSERT, UPDATE ON flagged_entries TO credit_hub_app;
    END IF;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "flagged_entries",
        sa.Column("item_id", sa.String(200), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("flags", sa.String(200), nullable=False),
        sa.Column("first_seen_at", _TS, nullable=False),
        sa.Column("last_seen_at", _TS, nullable=False),
    )
    op.create_index("ix_flagged_entries_department_seen", "flagged_entries", ["department", "last_seen_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GRANT)


def downgrade() -> None:
    op.drop_table("flagged_entries")
