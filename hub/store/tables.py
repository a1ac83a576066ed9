"""The hub's own tables (clients, keys, consents, audit, rights); the credit data stays in the sources."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

# --- identity: OAuth clients, signing keys, revoked tokens ---------------------------------------
clients = Table(
    "clients",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("org", String(18), nullable=False),
    Column("department", String(64), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("secret_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("algorithm", String(16), nullable=False),
    Column("private_jwk", Text, nullable=False),
    Column("public_jwk", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("retired_at", DateTime(timezone=True), nullable=True),
)

revoked_tokens = Table(
    "revoked_tokens",
    metadata,
    Column("jti", String(64), primary_key=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=False),
)

# --- privacy: consents ---------------------------------------------------------------------------
consents = Table(
    "consents",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_code", String(18), nullable=False),
    Column("grantee_org", String(18), nullable=False),
    Column("purpose", String(40), nullable=False),
    Column("record_types", Text, nullable=False),
    Column("sensitive_categories", Text, nullable=False, default=""),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_consents_subject_grantee", "subject_code", "grantee_org"),
)

# --- audit: the query register (hash chain, subject index, signed checkpoints) -------------------
# Append-only: migration 0002 adds triggers refusing UPDATE/DELETE/TRUNCATE (see hub/audit).
audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("type", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("client_id", Text, nullable=True),
    Column("org", Text, nullable=True),
    Column("department", Text, nullable=True),
    Column("operator", Text, nullable=True),
    Column("purpose", Text, nullable=True),
    Column("outcome", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_events_at", "at"),
    Index("ix_audit_events_org_seq", "org", "seq"),
    Index("ix_audit_events_department_seq", "department", "seq"),
    Index("ix_audit_events_client_seq", "client_id", "seq"),
)

audit_subjects = Table(
    "audit_subjects",
    metadata,
    Column("subject_key", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("concealed_until", Date, nullable=True),
    Index("ix_audit_subjects_seq", "seq"),
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("public_key", Text, nullable=False),
    Column("signature", Text, nullable=False),
)

# SQLite only: a one-row flag the append-only triggers consult; the prune transaction raises it.
audit_guard = Table(
    "audit_guard",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("prune", Integer, nullable=False, default=0),
)

# --- rights and measures: objections, credit repairs, the item overlay, source feedback, executions ------
# `item_marks` is the overlay every read applies (one indexed lookup by subject codes per request):
# hidden (revoked by an upheld objection, or repaired), corrected values, an open objection (measures
# resting on the item are suspended), and the days a rejected objection suspended the punishment clock.
objections = Table(
    "objections",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_code", String(18), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("record_type", String(40), nullable=False),
    Column("source", String(40), nullable=False),
    Column("department", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("outcome", String(16), nullable=True),
    Column("corrections", Text, nullable=True),
    Column("decision_note", Text, nullable=True),
    Column("filed_at", DateTime(timezone=True), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", String(64), nullable=True),
    Column("suspended_days", Integer, nullable=False, default=0),
    Index("uq_objections_item_id", "item_id", unique=True),
    Index("ix_objections_subject_code", "subject_code"),
    Index("ix_objections_department_status", "department", "status"),
)

credit_repairs = Table(
    "credit_repairs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_code", String(18), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("record_type", String(40), nullable=False),
    Column("source", String(40), nullable=False),
    Column("department", String(64), nullable=False),
    Column("evidence", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("decision_note", Text, nullable=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", String(64), nullable=True),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Index("ix_credit_repairs_item_id", "item_id"),
    Index("ix_credit_repairs_subject_code", "subject_code"),
    Index("ix_credit_repairs_department_status", "department", "status"),
)

item_marks = Table(
    "item_marks",
    metadata,
    Column("item_id", String(200), primary_key=True),
    Column("subject_code", String(18), nullable=False),
    Column("record_type", String(40), nullable=False),
    Column("hidden_by", String(16), nullable=True),
    Column("corrections", Text, nullable=True),
    Column("open_objection", Boolean, nullable=False, default=False),
    Column("extension_days", Integer, nullable=False, default=0),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_item_marks_subject_code", "subject_code"),
)

source_feedback = Table(
    "source_feedback",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(40), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    Index("ix_source_feedback_source_delivered", "source", "delivered_at"),
)

measure_executions = Table(
    "measure_executions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("report_id", String(36), nullable=False),
    Column("measure_code", String(40), nullable=False),
    Column("subject_code", String(18), nullable=False),
    Column("matter", String(40), nullable=False),
    Column("executed", Boolean, nullable=False),
    Column("reason", String(40), nullable=True),
    Column("note", Text, nullable=True),
    Column("case_reference", String(100), nullable=True),
    Column("department", String(64), nullable=False),
    Column("client_id", String(64), nullable=True),
    Column("operator", String(120), nullable=True),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Index("ix_measure_executions_measure_reported", "measure_code", "reported_at"),
    Index("ix_measure_executions_department", "department"),
)
