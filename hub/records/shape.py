"""Turns fetched rows into the caller's view under a plan's decisions, counting what was disclosed how."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hub.catalog.model import Catalog, RecordType
from hub.catalog.rules import deciding_department, entry_flags, shown_on
from hub.errors import ErrorCode
from hub.federation.adapter import ITEM, SOURCE, Row
from hub.identity.codes import SubjectKind
from hub.policy.decision import Action
from hub.policy.policy import Plan
from hub.records.view import Disclosure, View, Withheld
from hub.store.flagged import FlaggedEntry
from hub.store.rights_rows import ItemMark

Masker = Callable[[str], str]
Redact = Callable[[str, Sequence[str]], str]

DENIED = "FIELD_DENIED"
# An item's rights status: REPAIRED or REVOKED (hub.store.rights_rows), and the day; the subject's own record only.
RIGHTS_STATUS = "rights_status"
RIGHTS_STATUS_ON = "rights_status_on"
_OWN_HISTORY_ONLY = Withheld(
    ErrorCode.FIELD_DENIED, "only the subject itself sees whether an item was repaired or revoked"
)
FLAGS = "flags"
FLAGGED = "FLAGGED"


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one field's value reaches the caller: kept, transformed, or withheld."""

    name: str
    path: str
    action: Action
    transform: Masker | None
    free_text: bool
    withheld: Withheld | None


class Shaper:
    """Applies decisions, masking and disclosure periods; knows nothing of GraphQL or SQL."""

    def __init__(self, catalog: Catalog, maskers: Mapping[str, Masker], redact: Redact) -> None:
        self.catalog = catalog
        self.maskers = maskers
        self.redact = redact

    def rules(self, plan: Plan, kind: SubjectKind, record_type: str, fields: Sequence[str]) -> tuple[FieldRule, ...]:
        """Answers the rule for each requested field of a record type under a plan (worked out once per plan)."""
        # The rules hold this shaper's maskers: shapers with other maskers keep rules of their own.
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

    def in_period(self, rt: RecordType, row: Row, today: date) -> bool:
        """Answers whether an item may still be shared on `today` (002 §12): in its disclosure period, which the
        act's class decides (003 §13), not exited from its list, and of a class that is published at all."""
        return shown_on(rt, row, today)

    def overlaid(
        self, record_type: str, rows: Sequence[Row], marks: Mapping[str, ItemMark], *, keep_hidden: bool = False
    ) -> Sequence[Row]:
        """Answers rows under the rights overlay: revoked and repaired items gone (kept, marked with the date, for
        `keep_hidden`: the subject's own record), corrections applied, and a rejected objection's suspension added
        to the item's end date."""
        if not marks:
            return rows
        until = self.catalog.record_types[record_type].period_until
        shown: list[Row] = []
        for row in rows:
            mark = marks.get(row[ITEM])
            if mark is None:
                shown.append(row)
                continue
            if mark.hidden and not keep_hidden:
                continue
            changed = dict(row)
            changed.update((name, value) for name, value in mark.corrections.items() if name in row)
            end = changed.get(until) if until else None
            if mark.extension_days and until and isinstance(end, date):
                changed[until] = end + timedelta(days=mark.extension_days)
            if mark.hidden:
                changed[RIGHTS_STATUS] = mark.hidden_by
                changed[RIGHTS_STATUS_ON] = mark.hidden_at.date() if mark.hidden_at else None
            shown.append(changed)
        return shown

    def items(
        self,
        record_type: str,
        rows: Sequence[Row],
        rules: Sequence[FieldRule],
        known_names: Sequence[str],
        disclosure: Disclosure,
        today: date,
        subject: str = "",
        *,
        history: bool = False,
    ) -> list[View]:
        """Answers the items of a many-valued record type that are in period, newest first; a list entry that
        fails the catalogue's entry checks carries its `flags` and the status FLAGGED (never punished on); with
        `history` (the subject's own record), whether each item was repaired or revoked, and when."""
        rt = self.catalog.record_types[record_type]
        live = [row for row in rows if self.in_period(rt, row, today)]
        if rt.period_from is not None:
            live.sort(key=lambda row: row.get(rt.period_from or "") or date.min, reverse=True)
        shaped: list[View] = []
        for row in live:
            item: View = {"id": row[ITEM], "source": row[SOURCE]}
            if history:
                item[RIGHTS_STATUS], item[RIGHTS_STATUS_ON] = row.get(RIGHTS_STATUS), row.get(RIGHTS_STATUS_ON)
            else:
                item[RIGHTS_STATUS] = item[RIGHTS_STATUS_ON] = _OWN_HISTORY_ONLY
            for rule in rules:
                item[rule.name] = self.value(rule, row.get(rule.name), known_names, disclosure)
            if rt.entry_checks is not None:
                item[FLAGS] = entry_flags(rt, row, subject)
                if item[FLAGS]:
                    department = deciding_department(self.catalog, record_type, row)
                    codes = tuple(flag.code for flag in item[FLAGS])
                    disclosure.flagged.append(FlaggedEntry(row[ITEM], row[SOURCE], department, codes))
                if item[FLAGS] and "status" in item and not isinstance(item["status"], Withheld):
                    item["status"] = FLAGGED
            shaped.append(item)
        return shaped

    def single(
        self, rows: Sequence[Row], rules: Sequence[FieldRule], known_names: Sequence[str], disclosure: Disclosure
    ) -> View:
        """Answers a one-valued record type merged over sources: the first source with a value wins."""
        merged: View = {}
        for rule in rules:
            raw = next((row[rule.name] for row in rows if row.get(rule.name) not in (None, "")), None)
            merged[rule.name] = self.value(rule, raw, known_names, disclosure)
        return merged
