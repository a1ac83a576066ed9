"""The collection checks on read: every item of a pulled source is checked as a submitted row is, never fixed.

An item a municipal platform keeps in its own database goes through hub.collection.check's RowChecker (required
fields, code checksums, dates in order and not in the future, allowed values, lengths) over the fields the read
fetched, and its free text through the personal-data detector. What fails comes back as `Fault`s; hub.privacy
decides which of them the caller may see. Results are kept in a bounded LRU per (source, record type, item,
content): a hot item costs a hash and a look-up, and the detector runs once per content, on at most the
field's longest allowed length.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from hub.catalog.collection import SUBJECT_FIELD, Collection
from hub.catalog.model import Catalog
from hub.collection.check import CheckedRow, Reason, Refusal, RowChecker
from hub.collection.rows import RawRow
from hub.collection.service import Detect
from hub.federation.adapter import ITEM, SUBJECT
from hub.privacy.disclose import CHECK_FAILED, Fault

PERSONAL_DATA = "PERSONAL_DATA"  # the detector found personal data in free text
CACHED = 20_000  # check results kept per process (a few hundred bytes each)
_NOT_FAULTS = frozenset({Reason.AUTHORITY})  # a pulled source is its own authority's
# Every code a read check answers (the metric's closed label set).
READ_CHECK_CODES = (*(r.value for r in Reason if r not in _NOT_FAULTS), PERSONAL_DATA, CHECK_FAILED)


def as_text(value: Any) -> str | None:
    """Answers a fetched value as a submitted file would write it (dates ISO, numbers as digits), or None."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float | int):
        return str(value)
    return str(value)


def row_faults(
    checker: RowChecker, row: Mapping[str, Any], fields: frozenset[str], line: int = 1, *, whole: bool = True
) -> list[Refusal]:
    """Answers the collection checks a fetched row fails over `fields`, leaving out what a pulled source cannot
    fail (its authority); not `whole` (a read that fetched only some fields): nothing about a field not fetched."""
    values: dict[str, str | None] = {name: as_text(row.get(name)) for name in fields}
    values[SUBJECT_FIELD] = as_text(row.get(SUBJECT))
    found = checker.check(RawRow(line, values))
    if isinstance(found, CheckedRow):
        return []
    return [r for r in found if r.code not in _NOT_FAULTS and (whole or r.field is None or r.field in values)]


class ReadChecks:
    """Checks the items reads take from pulled (not hub-managed) sources, with their results cached."""

    def __init__(
        self, catalog: Catalog, pulled: frozenset[str], detect: Detect | None = None, cached: int = CACHED
    ) -> None:
        self.catalog, self.pulled, self.detect, self.cached = catalog, pulled, detect, cached
        self._checkers: dict[str, RowChecker] = {}
        self._day: date | None = None
        self._results: OrderedDict[tuple[str, str, str, int], tuple[Fault, ...]] = OrderedDict()
        self.misses = 0  # checks run (not answered from the cache), for benchmarks

    def checks(self, source: str, record_type: str) -> bool:
        """Answers whether items of this source and record type are checked on read."""
        rt = self.catalog.record_types.get(record_type)
        return source in self.pulled and rt is not None and rt.collection is not None

    def __call__(self, source: str, record_type: str, row: Mapping[str, Any], today: date) -> tuple[Fault, ...]:
        """Answers the faults of one item read from `source` (none for a hub-managed source or a record type
        outside collection); a date is in the future against `today`."""
        if not self.checks(source, record_type):
            return ()
        if today != self._day:  # a date in the future yesterday may not be today
            self._results.clear()
            self._checkers.clear()
            self._day = today
        collection = self.catalog.record_types[record_type].collection
        assert collection is not None
        fields = frozenset(name for name in collection.fields if name in row)
        content = (*((name, row[name]) for name in sorted(fields)), row.get(SUBJECT))
        key = (source, record_type, str(row.get(ITEM)), hash(content))
        known = self._results.get(key)
        if known is not None:
            self._results.move_to_end(key)
            return known
        self.misses += 1
        found = self._check(record_type, collection, row, fields, today)
        self._results[key] = found
        if len(self._results) > self.cached:
            self._results.popitem(last=False)
        return found

    def _check(
        self, record_type: str, collection: Collection, row: Mapping[str, Any], fields: frozenset[str], today: date
    ) -> tuple[Fault, ...]:
        checker = self._checkers.get(record_type)
        if checker is None:
            rt = self.catalog.record_types[record_type]
            checker = self._checkers[record_type] = RowChecker(self.catalog, rt, rt.department, today)
        found: dict[Fault, None] = {}
        for refusal in row_faults(checker, row, fields, whole=False):
            if refusal.field is None or refusal.field == SUBJECT_FIELD:
                continue  # the subject's code is the one the read asked about: no field of the item to flag
            spec = collection.fields[refusal.field]
            about = (spec.not_before,) if refusal.code is Reason.DATE_ORDER and spec.not_before else ()
            found[Fault(refusal.field, refusal.code.value, about)] = None
        if self.detect is not None:
            texts = [
                (name, str(row[name])[: collection.fields[name].max_length])
                for name in sorted(fields)
                if collection.fields[name].free_text and row.get(name)
            ]
            if texts:
                kinds = self.detect([text for _, text in texts])
                found.update(
                    (Fault(name, PERSONAL_DATA), None) for (name, _), hit in zip(texts, kinds, strict=True) if hit
                )
        return tuple(found)
