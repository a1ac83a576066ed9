"""A compiled department policy: decision table lookups, plans and row scope; no I/O, no YAML."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hub.catalog.model import Sharing
from hub.errors import ErrorCode, HubError
from hub.identity.case import CASE_EXAMPLE
from hub.identity.codes import SubjectCode, SubjectKind
from hub.policy.decision import NOT_IN_CATALOGUE, OUTSIDE_PURPOSE, Action, Decision, deny
from hub.policy.purposes import DepartmentKind, Purpose

_OUTSIDE_PURPOSE = deny(OUTSIDE_PURPOSE)
_NOT_IN_CATALOGUE = deny(NOT_IN_CATALOGUE)

Table = Mapping[tuple[Purpose, SubjectKind, str], Decision]
# Plans are pure functions of the request's shape, and clients repeat a few shapes: keep this many.
PLANS_KEPT = 512


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on one request of the department."""

    subjects_per_request: int
    depth: int
    aliases: int
    cost: int


@dataclass(frozen=True, slots=True)
class ConsentRule:
    """Whether natural persons' records need consent, and which record types that protects."""

    natural_persons: bool
    record_types: frozenset[str]

    def needed(self, kind: SubjectKind, record_type: str) -> bool:
        """Answers whether reading `record_type` about a subject of `kind` needs the subject's consent."""
        return self.natural_persons and kind is SubjectKind.NATURAL_PERSON and record_type in self.record_types


@dataclass(frozen=True, slots=True)
class Plan:
    """What one query may see: per requested field a decision, what to fetch, what needs consent (shared: read only)."""

    decisions: dict[str, Decision]
    fetch: dict[str, frozenset[str]]
    consent_record_types: frozenset[str]
    # What consumers derive from the plan alone (the shaper's field rules), kept with the shared plan.
    derived: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Policy:
    """One department's compiled policy."""

    department: str
    title: str
    kind: DepartmentKind
    purposes: frozenset[Purpose]
    operator_required: bool
    consent: ConsentRule
    divisions: tuple[str, ...]
    own_records_only: bool
    exceptions: frozenset[str]
    max_sharing: Sharing
    max_sharing_masked: Sharing
    limits: Limits
    table: Table = field(repr=False, compare=False)
    conceal_access_days: Mapping[Purpose, int] = field(default_factory=dict, compare=False)
    conceal_until_case_closes: frozenset[Purpose] = field(default=frozenset(), compare=False)
    # Repaired and revoked items stay in view, marked (the built-in self-access policy only).
    sees_own_history: bool = field(default=False, compare=False)
    natural_persons: bool = True
    scopes: frozenset[str] = frozenset()  # the most a client of the department may hold
    documents_required: bool = False  # only trusted documents run (`documents: required`)
    _plans: dict[tuple[object, ...], Plan] = field(default_factory=dict, init=False, repr=False, compare=False)

    def decide(self, purpose: Purpose, kind: SubjectKind, field_path: str) -> Decision:
        """Answers the decision for one `record_type.field` about a subject of `kind` under `purpose`."""
        found = self.table.get((purpose, kind, field_path))
        if found is not None:
            return found
        return _NOT_IN_CATALOGUE if purpose in self.purposes else _OUTSIDE_PURPOSE

    def plan(self, purpose: Purpose, kind: SubjectKind, requested: Mapping[str, Iterable[str]]) -> Plan:
        """Answers the plan for the requested fields (record type → names); refuses a foreign purpose."""
        if purpose not in self.purposes:
            raise HubError(
                ErrorCode.PURPOSE_NOT_ALLOWED,
                f"department '{self.department}' may not query for purpose {purpose}",
                fix=f"state one of: {', '.join(sorted(self.purposes))}",
            )
        key = (purpose, kind, *((rt, frozenset(names)) for rt, names in requested.items()))
        known = self._plans.get(key)
        if known is None:
            if len(self._plans) >= PLANS_KEPT:
                self._plans.clear()
            known = self._plans[key] = self._new_plan(purpose, kind, requested)
        return known

    def _new_plan(self, purpose: Purpose, kind: SubjectKind, requested: Mapping[str, Iterable[str]]) -> Plan:
        decisions: dict[str, Decision] = {}
        fetch: dict[str, set[str]] = {}
        for record_type, names in requested.items():
            for name in names:
                path = f"{record_type}.{name}"
                decision = self.decide(purpose, kind, path)
                decisions[path] = decision
                if decision.action is not Action.DENY:
                    fetch.setdefault(record_type, set()).add(name)
        consent = frozenset(rt for rt in fetch if self.consent.needed(kind, rt))
        return Plan(decisions, {rt: frozenset(names) for rt, names in fetch.items()}, consent)

    def concealed_until(self, purpose: Purpose, today: date) -> date | None:
        """Answers the first day the subject may see an access made for `purpose` today (None: at once)."""
        days = self.conceal_access_days.get(purpose)
        return today + timedelta(days=days) if days else None

    def conceals_until_case_closes(self, purpose: Purpose) -> bool:
        """Answers whether an access for `purpose` stays concealed until the case it names closes."""
        return purpose in self.conceal_until_case_closes

    def require_case(self, purpose: Purpose, case_number: str | None) -> None:
        """Answers nothing; refuses (BAD_USER_INPUT) a case-bound purpose stated without naming the case."""
        if case_number is None and self.conceals_until_case_closes(purpose):
            raise HubError(
                ErrorCode.BAD_USER_INPUT,
                f"department '{self.department}' conceals {purpose} queries until their case closes, "
                "and this request names no case",
                fix=f"send the X-Hub-Case header with the case number, e.g. {CASE_EXAMPLE} (percent-encoded)",
            )

    def in_scope(self, code: SubjectCode) -> bool:
        """Answers whether the department may look the subject up at all (see `out_of_scope`)."""
        return self.out_of_scope(code) is None

    def out_of_scope(self, code: SubjectCode) -> str | None:
        """Answers why the department may not look the subject up, from its code alone, or None when it may.

        Decided on the code only, before anything is looked up, so the answer is the same whether or not
        the subject is on record.
        """
        if code.kind is SubjectKind.NATURAL_PERSON and not self.natural_persons:
            return f"department '{self.department}' may not look up natural persons"
        if self.divisions and not code.division.startswith(self.divisions):
            return "the subject is outside the department's jurisdiction"
        return None
