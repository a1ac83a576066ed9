"""The collection checks on read: every item of a pulled source is checked as a submitted row is, never fixed.

An item a municipal platform keeps in its own database goes through hub.collection.check's RowChecker (required
fields, code checksums, dates in order and not in the future, allowed values, lengths) over the fields the read
fetched. What fails comes back as `Fault`s; hub.privacy decides which of them the caller may see. Results are
kept in a bounded LRU per (source, record type, item, content): a hot item costs a hash and a look-up. Free text
goes through the personal-data detector as a submission's does after landing: in the background, from a bounded
queue, once per text (at most the field's longest allowed length); what it finds is counted for the quality
report and never flagged to a caller (the text is masked for those who may not read it), so the answer to a
read never depends on whether the detector has finished.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date
from typing import Any

from hub.catalog.collection import SUBJECT_FIELD
from hub.catalog.model import Catalog
from hub.collection.check import CheckedRow, Reason, Refusal, RowChecker
from hub.collection.rows import RawRow
from hub.collection.service import Detect
from hub.federation.adapter import ITEM, SUBJECT
from hub.privacy.disclose import CHECK_FAILED, PERSONAL_DATA, Fault

log = logging.getLogger(__name__)
CACHED = 20_000  # check results (and free texts' detector results) kept per process, a few hundred bytes each
PENDING = 1_000  # items whose free text waits for the detector; more are left for a later read
SCAN_BATCH = 32
_Key = tuple[str, str, str, int]  # source, record type, item id, hash of the content read
_NOT_FAULTS = frozenset({Reason.AUTHORITY})  # a pulled source is its own authority's
# Every code a read check answers (the metric's closed label set).
READ_CHECK_CODES = (*(r.value for r in Reason if r not in _NOT_FAULTS), PERSONAL_DATA, CHECK_FAILED)


def as_text(value: Any) -> str | None:
    """Answers a fetched value as a submitted file would write it (dates ISO, numbers as digits), or None."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def row_faults(
    checker: RowChecker, row: Mapping[str, Any], fields: frozenset[str], line: int = 1, *, whole: bool = True
) -> list[Refusal]:
    """Answers the collection checks a fetched row fails over `fields`, leaving out what a pulled source cannot
    fail (its authority); not `whole` (a read that fetched only some fields): nothing about a field not fetched,
    nor about the subject's code, which is the one the read asked about."""
    values: dict[str, str | None] = {name: as_text(row.get(name)) for name in fields}
    if whole:
        values[SUBJECT_FIELD] = as_text(row.get(SUBJECT))
    found = checker.check(RawRow(line, values))
    if isinstance(found, CheckedRow):
        return []
    return [r for r in found if r.code not in _NOT_FAULTS and (whole or r.field in values)]


class ReadChecks:
    """Checks the items reads take from pulled (not hub-managed) sources, with their results cached; free text
    goes through the detector in the background (`run_detector`), never on the read path."""

    def __init__(
        self,
        catalog: Catalog,
        pulled: frozenset[str],
        detect: Detect | None = None,
        cached: int = CACHED,
        pending: int = PENDING,
    ) -> None:
        self.catalog, self.pulled, self.detect, self.cached, self.pending = catalog, pulled, detect, cached, pending
        self._fields = {
            name: tuple(sorted(rt.collection.fields)) for name, rt in catalog.record_types.items() if rt.collection
        }
        self._checkers: dict[str, RowChecker] = {}
        self._day: date | None = None
        self._results: OrderedDict[_Key, tuple[Fault, ...]] = OrderedDict()
        self._detected: OrderedDict[int, bool] = OrderedDict()  # hash of a free text -> it holds personal data
        self._waiting: dict[_Key, list[tuple[str, str]]] = {}  # item -> (field, text) for the detector
        self._wake = asyncio.Event()
        self.misses = 0  # checks run (not answered from the cache), for benchmarks
        self.dropped = 0  # free texts left unscanned because the detector's queue was full

    def __call__(self, source: str, record_type: str, row: Mapping[str, Any], today: date) -> tuple[Fault, ...]:
        """Answers the faults of one item read from `source` (none for a hub-managed source or a record type
        outside collection); a date is in the future against `today`. Personal data in free text is among them
        once the detector has read the text (hub.privacy.disclose never shows it to the caller: it is counted)."""
        if source not in self.pulled or record_type not in self._fields:
            return ()
        if today != self._day:  # a date in the future yesterday may not be today
            self._results.clear()
            self._waiting.clear()
            self._checkers.clear()
            self._day = today
        fields = tuple(name for name in self._fields[record_type] if name in row)
        key = (source, record_type, str(row.get(ITEM)), hash((fields, *(row[n] for n in fields), row.get(SUBJECT))))
        known = self._results.get(key)
        if known is not None:
            self._results.move_to_end(key)
            return known
        self.misses += 1
        found = self._check(key, record_type, row, frozenset(fields), today)
        self._results[key] = found
        if len(self._results) > self.cached:
            self._results.popitem(last=False)
        return found

    def _check(
        self, key: _Key, record_type: str, row: Mapping[str, Any], fields: frozenset[str], today: date
    ) -> tuple[Fault, ...]:
        collection = self.catalog.record_types[record_type].collection
        assert collection is not None
        checker = self._checkers.get(record_type)
        if checker is None:
            rt = self.catalog.record_types[record_type]
            checker = self._checkers[record_type] = RowChecker(self.catalog, rt, rt.department, today)
        found: dict[Fault, None] = {}
        for refusal in row_faults(checker, row, fields, whole=False):
            assert refusal.field is not None
            spec = collection.fields[refusal.field]
            about = (spec.not_before,) if refusal.code is Reason.DATE_ORDER and spec.not_before else ()
            found[Fault(refusal.field, refusal.code.value, about)] = None
        if self.detect is not None:
            unread: list[tuple[str, str]] = []
            for name in sorted(fields):
                if not collection.fields[name].free_text or not row.get(name):
                    continue
                text = str(row[name])[: collection.fields[name].max_length]
                holds = self._detected.get(hash(text))
                if holds is None:
                    unread.append((name, text))
                elif holds:
                    found[Fault(name, PERSONAL_DATA)] = None
            if unread:
                self._wait(key, unread)
        return tuple(found)

    def _wait(self, key: _Key, texts: list[tuple[str, str]]) -> None:
        if len(self._waiting) >= self.pending:
            self.dropped += len(texts)  # read again later, the item is queued again once it leaves the cache
            return
        self._waiting[key] = texts
        self._wake.set()

    async def scan_pending(self, batch: int = SCAN_BATCH) -> int:
        """Answers how many items' free texts the detector read now (in a worker thread); their cached faults
        gain PERSONAL_DATA where it found any."""
        if self.detect is None or not self._waiting:
            return 0
        keys = list(itertools.islice(self._waiting, batch))
        items = [(key, self._waiting.pop(key)) for key in keys]
        texts = [text for _, found in items for _, text in found]
        kinds = await asyncio.to_thread(self.detect, texts)
        hits = iter(kinds)
        for key, found in items:
            holding = []
            for name, text in found:
                holds = bool(next(hits))
                self._detected[hash(text)] = holds
                if holds:
                    holding.append(Fault(name, PERSONAL_DATA))
            known = self._results.get(key)
            if holding and known is not None:
                self._results[key] = tuple(dict.fromkeys((*known, *holding)))
        while len(self._detected) > self.cached:
            self._detected.popitem(last=False)
        return len(items)

    async def run_detector(self) -> None:
        """Answers nothing; reads queued free texts for ever (a background task of the serving hub), a batch at a
        time, so that no read waits on the detector."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.scan_pending()
            except Exception:  # a failed scan leaves those items unscanned while their results stay cached
                log.warning("the personal-data scan of items read failed", exc_info=True)
            if self._waiting:
                self._wake.set()  # the next batch, after the reads that came in meanwhile
