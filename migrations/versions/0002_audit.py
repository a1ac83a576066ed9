"""audit register: events, subject index, signed checkpoints; append-only triggers and app role

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Tamper resistance (PostgreSQL):
- trigger `credit_hub_audit_guard` refuses UPDATE and DELETE on every audit table, and TRUNCATE by a
  statement trigger. Retention pruning alone may delete, and only in a transaction that has run
  `SET LOCAL credit_hub.audit_prune = 'on'` (done by `credit-hub audit prune`, nothing else).
- role `credit_hub_app` (NOLOGIN) holds only SELECT and INSERT on the audit tables. Let the serving
  process log in as a member of it, never as the table owner:
      CREATE ROLE hub_app LOGIN PASSWORD '...' IN ROLE credit_hub_app;
  so that even the prune escape is refused to it by rights (DELETE is not granted). Creating the
  role needs CREATEROLE; without it the migration carries on and says so (NOTICE).
SQLite: triggers refuse UPDATE and DELETE unless the one-row `audit_guard.prune` flag is 1, which the
prune transaction sets and clears before committing, so no other connection ever sees it raised.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_TABLES = ("audit_events", "audit_subjects", "audit_checkpoints")

_PG_GUARD = """
CREATE OR REPLACE FUNCTION credit_hub_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('credit_hub.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit register is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""

_PG_ROLE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'credit_hub_app') THEN
        CREATE ROLE credit_hub_app NOLOGIN;
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'credit_hub_app not created: this role lacks CREATEROLE';
    WHEN duplicate_object OR unique_violation THEN
        NULL;
END
$$
"""

_PG_GRANT = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'credit_hub_app') THEN
        REVOKE ALL ON audit_events, audit_subjects, audit_checkpoints FROM credit_hub_app;
        GRANT SELECT, INSERT ON audit_events, audit_subjects, audit_checkpoints TO credit_hub_app;
    END IF;
END
$$
"""


def _create_tables() -> None:
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("client_id", sa.Text, nullable=True),
        sa.Column("org", sa.Text, nullable=True),
        sa.Column("department", sa.Text, nullable=True),
        sa.Column("operator", sa.Text, nullable=True),
        sa.Column("purpose", sa.Text, nullable=True),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_org_seq", "audit_events", ["org", "seq"])
    op.create_index("ix_audit_events_department_seq", "audit_events", ["department", "seq"])
    op.create_index("ix_audit_events_client_seq", "audit_events", ["client_id", "seq"])
    op.create_table(
        "audit_subjects",
        sa.Column("subject_key", sa.String(64), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("concealed_until", sa.Date, nullable=True),
    )
    op.create_index("ix_audit_subjects_seq", "audit_subjects", ["seq"])
    op.create_table(
        "audit_checkpoints",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("public_key", sa.Text, nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
    )
    guard = op.create_table(
        "audit_guard",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("prune", sa.Integer, nullable=False, server_default="0"),
    )
    op.bulk_insert(guard, [{"id": 1, "prune": 0}])


def _postgres_guards() -> None:
    op.execute(_PG_GUARD)
    for table in _TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION credit_hub_audit_guard()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION credit_hub_audit_guard()"
        )
    op.execute(_PG_ROLE)
    op.execute(_PG_GRANT)


def _sqlite_guards() -> None:
    for table in _TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'audit register is append-only: UPDATE refused'); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "  # noqa: S608 (constant names)
            "WHEN (SELECT prune FROM audit_guard WHERE id = 1) IS NOT 1 "
            "BEGIN SELECT RAISE(ABORT, 'audit register is append-only: DELETE refused'); END"
        )


def upgrade() -> None:
    _create_tables()
    if op.get_bind().dialect.name == "postgresql":
        _postgres_guards()
    else:
        _sqlite_guards()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'credit_hub_app') THEN "
            "REVOKE ALL ON audit_events, audit_subjects, audit_checkpoints FROM credit_hub_app; "
            "END IF; END $$"
        )
    op.drop_table("audit_guard")
    op.drop_table("audit_checkpoints")
    op.drop_index("ix_audit_subjects_seq", table_name="audit_subjects")
    op.drop_table("audit_subjects")
    for name in ("ix_audit_events_client_seq", "ix_audit_events_department_seq"):
        op.drop_index(name, table_name="audit_events")
    op.drop_index("ix_audit_events_org_seq", table_name="audit_events")
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_table("audit_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS credit_hub_audit_guard()")
