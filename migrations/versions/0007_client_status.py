"""client status: active, disabled or suspended for review, with the reason and when it changed

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

- `clients.status`: `active`, `disabled` (by the operator, `credit-hub client disable`) or `suspended`
  (by the hub, after too many refused or not-found look-ups of natural persons). `disabled` stays,
  true whenever the status is not `active`, for readers that know only it.
- `clients.status_reason`, `clients.status_changed_at`: why and when the status last changed.
Every worker learns a change through the `credit_hub_clients` notification channel.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Adds the status columns; clients disabled before keep that status."""
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="active"))
        batch.add_column(sa.Column("status_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(sa.text("UPDATE clients SET status = 'disabled' WHERE disabled"))


def downgrade() -> None:
    """Drops the status columns (`disabled` keeps whether a client may be used)."""
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("status_changed_at")
        batch.drop_column("status_reason")
        batch.drop_column("status")
