"""trusted documents: each client's registered operations, their disclosure profile and review status

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

- `trusted_documents`: per (client, `sha256:<hex>` document id) the document text, its disclosure
  profile under the client's department policy (JSON), its status (`pending`, `approved`, `rejected`,
  `suspended`), the reviewer's note, and who reviewed it when.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Creates the trusted documents table."""
    op.create_table(
        "trusted_documents",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("document_id", sa.String(71), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("client_id", "document_id", name="pk_trusted_documents"),
    )
    op.create_index("ix_trusted_documents_status", "trusted_documents", ["status"])


def downgrade() -> None:
    """Drops the trusted documents table."""
    op.drop_index("ix_trusted_documents_status", table_name="trusted_documents")
    op.drop_table("trusted_documents")
