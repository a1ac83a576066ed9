"""The privacy step of a read: each field's rule (kept, masked, redacted or withheld) and disclosure periods."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hub.catalog.model import Catalog, RecordType
from hub.catalog.rules import shown_on
from hub.errors import ErrorCode
from hub.identity.codes import SubjectKind
from hub.policy.decision import Action
from hub.policy.policy import Plan
from hub.store.flagged import FlaggedEntry
from hub.store.read_faults import ReadFault

Masker = Callable[[str], str]
CHECK_FAILED = "CHECK_FAILED"  # the flag of a masked field: it fails a check, which one is not said
PERSONAL_DATA = "PERSONAL_DATA"  # the detector found personal data in free text: counted, never flagged
Redact = Callable[[str, Sequence[str]], str]
View = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Withheld:
    """A value the caller does not get; the GraphQL layer turns it into null plus an error at its path."""

    code: ErrorCode
    message: str


@dataclass(frozen=True, slots=True)
class Fault:
    """A collection check an item read from a pulled source fails: the field, the check's code, and the other
    fields the check compared it with (a date before another date speaks about both)."""

    field: str
    code: str
    about: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QualityFlag:
    """A fault as the caller sees it: the catalogue field and the check's code (CHECK_FAILED for a masked field)."""

    field: str
    code: str


@dataclass
class Disclosure:
    """Per subject: which catalogue fields left the hub in clear, masked, or were withheld."""

    code: str
    clear: set[str] = field(default_factory=set)
    masked: set[str] = field(default_factory=set)
    denied: set[str] = field(default_factory=set)
    consent_ids: set[str] = field(default_factory=set)
    flagged: list[FlaggedEntry] = field(default_factory=list)  # list entries that failed the entry checks
    faults: list[ReadFault] = field(default_factory=list)  # pulled items that failed the collection checks


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one field's value reaches the caller: kept, transformed, or withheld."""

    name: str
    path: str
    action: Action
    transform: Masker | None
    free_text: bool
    withheld: Withheld | None


class Discloser:
    """Applies a plan's decisions, masking and disclosure periods to values; knows nothing of GraphQL or SQL."""

    def __init__(self, catalog: Catalog, maskers: Mapping[str, Masker], redact: Redact) -> None:
        self.catalog = catalog
        self.maskers = maskers
        self.redact = redact

    def rules(self, plan: Plan, kind: SubjectKind, record_type: str, fields: Sequence[str]) -> tuple[FieldRule, ...]:
        """Answers the rule for each requested field of a record type under a plan (worked out once per plan)."""
        # The rules hold this discloser's maskers: disclosers with other maskers keep rules of their own.
        key = ("rules", id(self.maskers), kind, record_type, tuple(fields))
        known: tuple[FieldRule, ...] | None = plan.derived.get(key)
        if known is None:
            known = plan.derived[key] = tuple(self._rules(plan, kind, record_type, fields))
        return known

    def _rules(self, plan: Plan, kind: SubjectKind, record_type: str, fields: Sequence[str]) -> list[FieldRule]:
        rt = self.catalog.record_types[record_type]
        found: list[FieldRule] = []
        for name in fields:
            path = f"{record_type}.{name}"
            decision = plan.decisions.get(path)
            catalog_field = rt.fields.get(name)
            if decision is None or catalog_field is None or decision.action is Action.DENY:
                reason = decision.reason if decision else "not in the catalogue"
                found.append(FieldRule(name, path, Action.DENY, None, False, Withheld(ErrorCode.FIELD_DENIED, reason)))
                continue
            operator = decision.masker or catalog_field.pd_class(kind)
            if decision.action is Action.ALLOW or operator == "none":
                found.append(FieldRule(name, path, Action.ALLOW, None, False, None))
            elif operator == "free_text":
                found.append(FieldRule(name, path, Action.MASK, None, True, None))
            else:
                found.append(FieldRule(name, path, Action.MASK, self.maskers[operator], False, None))
        return found

    def value(self, rule: FieldRule, raw: Any, known_names: Sequence[str], disclosure: Disclosure) -> Any:
        """Answers what the caller gets for one value under `rule`, noting the form in `disclosure`."""
        if rule.withheld is not None:
            disclosure.denied.add(rule.path)
            return rule.withheld
        if raw is None or rule.action is Action.ALLOW or not isinstance(raw, str):
            if raw is not None:
                disclosure.clear.add(rule.path)
            return raw
        disclosure.masked.add(rule.path)
        if rule.free_text:
            return self.redact(raw, known_names)
        assert rule.transform is not None
        return rule.transform(raw)

    @staticmethod
    def flags(rules: Sequence[FieldRule], faults: Sequence[Fault]) -> tuple[QualityFlag, ...]:
        """Answers the flags the caller gets of an item's faults: none about a field it may not see (nor about a
        field the check compared it with), the check's code for fields it sees in clear, and only CHECK_FAILED
        when any field the fault speaks about reaches it masked (the code would tell about the hidden value).
        Personal data in free text is counted, not flagged: the detector reads it in the background, and a
        read's answer must not depend on whether it has finished."""
        if not faults:
            return ()
        actions = {rule.name: rule.action for rule in rules}
        shown: dict[QualityFlag, None] = {}
        for fault in faults:
            if fault.code == PERSONAL_DATA:
                continue
            seen = [actions.get(name, Action.DENY) for name in (fault.field, *fault.about)]
            if Action.DENY in seen:
                continue
            code = CHECK_FAILED if Action.MASK in seen else fault.code
            shown[QualityFlag(fault.field, code)] = None
        return tuple(shown)

    def in_period(self, rt: RecordType, row: Mapping[str, Any], today: date) -> bool:
        """Answers whether an item may still be shared on `today` (002 §12): in its disclosure period, which the
        act's class decides (003 §13), not exited from its list, and of a class that is published at all."""
        return shown_on(rt, row, today)
