"""Turns fetched rows into the caller's view; the privacy step of each value is hub.privacy.disclose."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from hub.catalog.model import Catalog
from hub.catalog.rules import deciding_department, entry_flags
from hub.errors import ErrorCode
from hub.federation.adapter import ITEM, SOURCE, Row
from hub.federation.remote_query import PERIODS_APPLIED, Refusal
from hub.privacy.disclose import Discloser, Disclosure, Fault, FieldRule, View, Withheld
from hub.store.flagged import FlaggedEntry
from hub.store.read_faults import ReadFault
from hub.store.rights_rows import ItemMark

DENIED = "FIELD_DENIED"
# An item's rights status: REPAIRED or REVOKED (hub.store.rights_rows), and the day; the subject's own record only.
RIGHTS_STATUS = "rights_status"
RIGHTS_STATUS_ON = "rights_status_on"
_OWN_HISTORY_ONLY = Withheld(
    ErrorCode.FIELD_DENIED, "only the subject itself sees whether an item was repaired or revoked"
)
FLAGS = "flags"
QUALITY_FLAGS = "quality_flags"
# The collection checks of one item read (hub.collection.read_check): source, record type, row, today -> faults.
ItemCheck = Callable[[str, str, Row, date], tuple[Fault, ...]]
FLAGGED = "FLAGGED"
_UNREADABLE = "***"  # what a masker answers for a value it cannot read


class Shaper:
    """Strings the items of a read together: the rights overlay, periods and field rules of hub.privacy, order,
    and list entry checks; knows nothing of GraphQL or SQL."""

    def __init__(self, catalog: Catalog, disclose: Discloser, check: ItemCheck | None = None) -> None:
        self.catalog = catalog
        self.disclose = disclose
        self.check = check

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
        fails the catalogue's entry checks carries its `flags` and the status FLAGGED (never punished on); an item
        of a pulled source that fails the collection checks is answered as it is, with the `quality_flags` the
        caller may see (hub.privacy.disclose); with `history` (the subject's own record), whether each item was
        repaired or revoked, and when."""
        rt = self.catalog.record_types[record_type]
        live = [row for row in rows if row.get(PERIODS_APPLIED) or self.disclose.in_period(rt, row, today)]
        if rt.period_from is not None:
            live.sort(key=lambda row: _day(row.get(rt.period_from or "")), reverse=True)
        shaped: list[View] = []
        for row in live:
            item: View = {"id": row[ITEM], "source": row[SOURCE]}
            if history:
                item[RIGHTS_STATUS], item[RIGHTS_STATUS_ON] = row.get(RIGHTS_STATUS), row.get(RIGHTS_STATUS_ON)
            else:
                item[RIGHTS_STATUS] = item[RIGHTS_STATUS_ON] = _OWN_HISTORY_ONLY
            for rule in rules:
                item[rule.name] = self.value(rule, row.get(rule.name), known_names, disclosure)
            faults = self.check(row[SOURCE], record_type, row, today) if self.check is not None else ()
            item[QUALITY_FLAGS] = self.disclose.flags(rules, faults)
            if faults:
                codes = tuple(dict.fromkeys(fault.code for fault in faults))
                disclosure.faults.append(ReadFault(row[ITEM], row[SOURCE], record_type, codes))
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

    def value(self, rule: FieldRule, raw: Any, known_names: Sequence[str], disclosure: Disclosure) -> Any:
        """Answers what the caller gets for one value (hub.privacy.disclose), where another hub may have refused or
        masked it already: refused by either hub is refused; a value it masked stays masked."""
        if isinstance(raw, Refusal) and rule.withheld is None:
            disclosure.denied.add(rule.path)
            return Withheld(raw.code, raw.message)
        shown = self.disclose.value(rule, raw, known_names, disclosure)
        if shown == _UNREADABLE and isinstance(raw, str) and raw.count("*") >= 3:
            return raw
        return shown


def _day(value: Any) -> date:
    """Answers a sort key for an item's date: the date, or the earliest day when absent or refused."""
    return value if isinstance(value, date) else date.min
