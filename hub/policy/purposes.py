"""Why a caller asks (Purpose) and which kinds of department may state which purpose."""

from __future__ import annotations

from enum import StrEnum


class Purpose(StrEnum):
    """The purposes a data query must state (CONTRACT.md); the GraphQL `Purpose` enum."""

    ADMINISTRATIVE_APPROVAL = "ADMINISTRATIVE_APPROVAL"
    SUPERVISION = "SUPERVISION"
    LAW_ENFORCEMENT = "LAW_ENFORCEMENT"
    CREDIT_LENDING = "CREDIT_LENDING"
    POST_LOAN_MONITORING = "POST_LOAN_MONITORING"
    PUBLIC_DISCLOSURE = "PUBLIC_DISCLOSURE"
    SELF_ACCESS = "SELF_ACCESS"
    AUDIT_REVIEW = "AUDIT_REVIEW"


class DepartmentKind(StrEnum):
    """What sort of body a department is; bounds the purposes it may state."""

    GOVERNMENT = "government"
    FINANCIAL = "financial"
    PUBLIC = "public"
    AUDIT = "audit"


# SELF_ACCESS belongs to citizens and enterprises reading their own record, never to a department.
PURPOSES_BY_KIND: dict[DepartmentKind, frozenset[Purpose]] = {
    DepartmentKind.GOVERNMENT: frozenset(
        {Purpose.ADMINISTRATIVE_APPROVAL, Purpose.SUPERVISION, Purpose.LAW_ENFORCEMENT}
    ),
    DepartmentKind.FINANCIAL: frozenset({Purpose.CREDIT_LENDING, Purpose.POST_LOAN_MONITORING}),
    DepartmentKind.PUBLIC: frozenset({Purpose.PUBLIC_DISCLOSURE}),
    DepartmentKind.AUDIT: frozenset({Purpose.AUDIT_REVIEW}),
}
