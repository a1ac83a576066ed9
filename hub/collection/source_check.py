"""The collection checks applied to what pulled sources hold: flagged, never fixed.

Licences and penalties that municipal platforms keep in their own databases are read page by page (newest
decision first, from a day on) and every row goes through the same catalogue checks a submitted row does:
required fields, code checksums, dates in order and not in the future, allowed values and lengths. What fails
is reported per source and record type with the item ids and reasons; the source's data is never changed here
(corrections are made at the source, 谁产生、谁负责).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from hub.catalog.model import Catalog
from hub.collection.check import RowChecker
from hub.collection.read_check import row_faults
from hub.federation.adapter import ITEM, SqlSource
from hub.federation.browse import KEY, Position, browse

PAGE = 500
SHOWN = 20  # flagged items listed per source and record type; every one is counted


@dataclass(frozen=True, slots=True)
class FlaggedItem:
    """One item of a pulled source that fails the checks, and why."""

    item_id: str
    reasons: tuple[tuple[str, str], ...]  # (field, reason code)


@dataclass(frozen=True, slots=True)
class SourceQuality:
    """What the checks found in one source's items of one record type."""

    source: str
    record_type: str
    rows: int
    flagged: int
    by_reason: tuple[tuple[str, int], ...]
    items: tuple[FlaggedItem, ...]


async def check_source(
    catalog: Catalog, source: SqlSource, record_type: str, since: date, today: date, limit: int
) -> SourceQuality | None:
    """Answers what the checks find in up to `limit` of a source's items decided from `since` (None: the source
    does not keep the record type, or it is not open to collection)."""
    rt = catalog.record_types.get(record_type)
    mapping = source.mapping.record_types.get(record_type)
    if rt is None or rt.collection is None or mapping is None or rt.collection.decided_on not in mapping.fields:
        return None
    fields = frozenset(name for name in rt.collection.fields if name in mapping.fields)
    checker = RowChecker(catalog, rt, rt.department, today)
    rows = flagged = 0
    reasons: Counter[str] = Counter()
    shown: list[FlaggedItem] = []
    after: Position | None = None
    by = rt.collection.decided_on
    while rows < limit:
        wanted = min(PAGE, limit - rows)
        page = await browse(
            source, record_type, fields, by=by, equals={}, since=since, region=None, after=after, limit=wanted
        )
        for row in page:
            rows += 1
            faults = row_faults(checker, row, fields, rows)
            if not faults:
                continue
            flagged += 1
            reasons.update(r.code.value for r in faults)
            if len(shown) < SHOWN:
                shown.append(FlaggedItem(str(row[ITEM]), tuple((r.field or "-", r.code.value) for r in faults)))
        if len(page) < wanted:
            break
        last = page[-1]
        after = Position(last[by], source.name, str(last[KEY]))
    ordered = tuple(sorted(reasons.items(), key=lambda pair: (-pair[1], pair[0])))
    return SourceQuality(source.name, record_type, rows, flagged, ordered, tuple(shown))


async def check_sources(
    catalog: Catalog, sources: list[SqlSource], since: date, today: date, limit: int = 20_000
) -> list[SourceQuality]:
    """Answers the checks of every pulled (not hub-managed) source's collectible record types."""
    found: list[SourceQuality] = []
    for source in sources:
        if source.mapping.managed:
            continue
        for record_type in source.mapping.record_types:
            result = await check_source(catalog, source, record_type, since, today, limit)
            if result is not None:
                found.append(result)
    return found
