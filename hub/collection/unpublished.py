"""Decisions that pulled sources hold and departments never submitted: 双公示 publications still missing.

A licence or penalty in a pulled source (a municipal platform's or the department's own database) is known to the
platform. Its department is the one whose authorities (catalogue `authorities`) decided it, else the record
type's owner. When the collected source holds no item of the same key (authority and decision number, as a
submission would name it), the department never submitted it: it is missing its publication (AT_SOURCE).
Sources are read page by page, newest decision first, from `until` back to `since`, at most `limit` rows per source
and record type.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from hub.catalog.model import Catalog, RecordType
from hub.collection.check import item_key
from hub.federation.adapter import SqlSource
from hub.federation.browse import KEY, Position, browse
from hub.store.collected import AT_SOURCE, CollectedStore, MissingItem

PAGE = 500


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else ("" if value is None else str(value))


def deciding_department(catalog: Catalog, record_type: RecordType, authority: str) -> str:
    """Answers the department whose authority decided an item: by the words of its name, else the type's owner."""
    owner = next((key for key, words in catalog.authorities if any(word in authority for word in words)), None)
    return owner or record_type.department


async def _one(
    catalog: Catalog, store: CollectedStore, source: SqlSource, record_type: str,
    span: tuple[date, date], departments: frozenset[str] | None, limit: int,
) -> list[MissingItem]:  # fmt: skip
    rt = catalog.record_types[record_type]
    assert rt.collection is not None
    mapping = source.mapping.record_types[record_type]
    by, key_fields = rt.collection.decided_on, rt.collection.key
    decider = rt.decided_by
    fields = frozenset(name for name in (*key_fields, by, decider) if name is not None and name in mapping.fields)
    since, until = span
    found: list[MissingItem] = []
    after = Position(until + timedelta(days=1), "", "")  # a source named after "" reads the days before this one
    read = 0
    while read < limit:
        wanted = min(PAGE, limit - read)
        page = await browse(
            source, record_type, fields, by=by, equals={}, since=since, region=None, after=after, limit=wanted
        )
        read += len(page)
        candidates: dict[str, MissingItem] = {}
        for row in page:
            decided = row.get(by)
            if not isinstance(decided, date):
                continue
            department = deciding_department(catalog, rt, _text(row.get(decider)) if decider else "")
            if departments is not None and department not in departments:
                continue
            key = item_key(record_type, [_text(row.get(name)) for name in key_fields])
            candidates[key] = MissingItem(department, record_type, key, decided, AT_SOURCE)
        known = await store.known_keys(record_type, list(candidates)) if candidates else set()
        found += [item for key, item in candidates.items() if key not in known]
        if len(page) < wanted:
            break
        last = page[-1]
        after = Position(last[by], source.name, str(last[KEY]))
    return found


async def unpublished_at_sources(
    catalog: Catalog,
    store: CollectedStore,
    sources: Iterable[SqlSource],
    span: tuple[date, date],
    departments: frozenset[str] | None = None,
    limit: int = 20_000,
) -> list[MissingItem]:
    """Answers the decisions of `span` that pulled sources hold and the collected source has no item of."""
    found: list[MissingItem] = []
    for source in sources:
        if source.mapping.managed:
            continue
        for record_type, mapping in source.mapping.record_types.items():
            rt = catalog.record_types.get(record_type)
            if rt is None or rt.collection is None:
                continue
            needed: Sequence[str] = (*rt.collection.key, rt.collection.decided_on)
            if any(name not in mapping.fields for name in needed):
                continue
            found += await _one(catalog, store, source, record_type, span, departments, limit)
    return found
