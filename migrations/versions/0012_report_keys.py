"""report keys: the public key of every signing key that signed a credit report, kept as long as reports are

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

Token-signing keys rotate (every `signing_key_days`) and a retired key is deleted once its tokens have expired;
a report must verify for as long as anyone holds it. `report_keys` keeps the public half (never the private) of
each key that signed a report, published at `/reports/keys.json`. `credit_hub_app` may read and insert.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_PG_GRANT = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'credit_hub_app') THEN
        GRANT SELECT, INSERT ON report_keys TO credit_hub_app;
    END IF;
END
$$
"""


def upgrade() -> None:
    """Creates the report keys table with the public half of every key still stored (any may have signed a report)."""
    op.create_table(
        "report_keys",
        sa.Column("kid", sa.String(64), primary_key=True),
        sa.Column("public_jwk", sa.Text(), nullable=False),
        sa.Column("first_signed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO report_keys (kid, public_jwk, first_signed_at) "
        "SELECT kid, public_jwk, created_at FROM signing_keys"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GRANT)


def downgrade() -> None:
    """Drops the report keys table."""
    op.drop_table("report_keys")
