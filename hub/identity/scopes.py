"""The OAuth scopes of CONTRACT.md: one enum, so a scope is never a repeated string literal."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    """A scope a token may carry; the value is the contract's name and never changes."""

    SUBJECT_READ = "subject:read"
    SUBJECT_BULK = "subject:bulk"
    CHECK_READ = "check:read"
    MEASURE_FEEDBACK = "measure:feedback"
    MEASURES_INITIATE = "measures:initiate"
    AUDIT_READ = "audit:read"
    OBJECTION_RESOLVE = "objection:resolve"
    REPAIR_DECIDE = "repair:decide"
    CATALOG_READ = "catalog:read"
    CASE_CLOSE = "case:close"
    FEEDBACK_READ = "feedback:read"
    DOCUMENTS_WRITE = "documents:write"
    DOCUMENTS_REVIEW = "documents:review"
    RECORDS_SUBMIT = "records:submit"
    SELF_READ = "self:read"
    SELF_CONSENT = "self:consent"
    SELF_OBJECTION = "self:objection"
    SELF_REPAIR = "self:repair"
    SELF_RECORD = "self:record"  # its own record alone, read through another hub that vouches for the subject


SELF_SCOPES: frozenset[str] = frozenset({Scope.SELF_READ, Scope.SELF_CONSENT, Scope.SELF_OBJECTION, Scope.SELF_REPAIR})
SUBJECT_SCOPES: frozenset[str] = SELF_SCOPES | {Scope.SELF_RECORD}  # every scope a token naming a subject may hold
CLIENT_SCOPES: frozenset[str] = frozenset(Scope) - SUBJECT_SCOPES
ALL_SCOPES: frozenset[str] = frozenset(Scope)
