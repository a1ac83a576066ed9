"""Department policies: loaded from policies/, compiled into decision tables, asked per field and plan."""

from hub.policy.cases import CaseFailure, check_cases
from hub.policy.decision import Action, Decision
from hub.policy.load import PolicySet, load_policies
from hub.policy.policy import ConsentRule, Limits, Plan, Policy
from hub.policy.purposes import DepartmentKind, Purpose

__all__ = [
    "Action",
    "CaseFailure",
    "ConsentRule",
    "Decision",
    "DepartmentKind",
    "Limits",
    "Plan",
    "Policy",
    "PolicySet",
    "Purpose",
    "check_cases",
    "load_policies",
]
