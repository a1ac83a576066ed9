"""The published red and black lists and repair results (001 (三)1 同时对外公示), browsed a page at a time.

Only what the caller's policy discloses for PUBLIC_DISCLOSURE leaves the hub, masked the same way as a
public look-up: an enterprise by name and USCC, a natural person by the masked name and resident ID. A
listing shows only while it is published (in its disclosure period, not exited, not repaired or revoked,
passing the catalogue's entry checks).
"""

from __future__ import annotations

import base64
import binascii
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from hub.catalog.model import Catalog
from hub.catalog.rules import entry_flags
from hub.errors import ErrorCode, HubError
from hub.federation.adapter import SOURCE, SUBJECT, Row, SqlSource
from hub.federation.browse import KEY, Position, browse
from hub.federation.fetch import Federation
from hub.identity.codes import SubjectCode, SubjectKind, parse_subject_code
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose
from hub.privacy.disclose import Disclosure, View
from hub.records.shape import Shaper
from hub.store.repairs import RepairRepository
from hub.store.rights_rows import ItemMark, RepairRow

LISTING = "listing"
REGISTRATION = "registration"
PUBLISHED_LISTS = frozenset({"RED", "BLACK"})
MAX_PAGE = 50
BATCH = 100
SCAN_LIMIT = 2000  # rows read from the sources for one page at most; the page then ends early
_NAMES = frozenset({"name", "legal_representative.name"})

OverlayLookup = Callable[[Sequence[str]], Awaitable[Mapping[str, ItemMark]]]


@dataclass
class PublicPage:
    """One page: the shaped entries (each with its `cursor`), where it ended, receipts per subject, and sources
    that did not answer."""

    items: list[View]
    end_cursor: str | None
    has_next_page: bool
    disclosures: list[Disclosure] = field(default_factory=list)
    failed_sources: list[str] = field(default_factory=list)


def _bad(message: str, fix: str) -> HubError:
    return HubError(ErrorCode.BAD_USER_INPUT, message, fix=fix)


def checked_region(region: str | None) -> str | None:
    """Answers a division-code prefix (2, 4 or 6 digits); BAD_USER_INPUT otherwise."""
    if region is None or region == "":
        return None
    if not region.isascii() or not region.isdigit() or len(region) not in (2, 4, 6):
        raise _bad("region must be a division code of 2, 4 or 6 digits", "e.g. 14 (Shanxi) or 1401 (Taiyuan)")
    return region


def checked_first(first: int) -> int:
    """Answers the page size; BAD_USER_INPUT outside 1..MAX_PAGE."""
    if not 1 <= first <= MAX_PAGE:
        raise _bad(f"first must be 1 to {MAX_PAGE}", "ask for a smaller page")
    return first


def encode_position(position: Position) -> str:
    """Answers the opaque cursor of a position."""
    text = f"{position.day.isoformat()}|{position.source}|{position.key}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_position(cursor: str) -> Position:
    """Answers the position of a cursor; BAD_USER_INPUT for one this hub did not hand out."""
    try:
        day, source, key = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 2)
        return Position(date.fromisoformat(day), source, key)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad("after is not a cursor of this list", "pass the endCursor of the previous page") from None


def subject_of(raw: object, region: str | None) -> SubjectCode | None:
    """Answers the row's subject code when it is valid and in the region, else None."""
    try:
        code = parse_subject_code(str(raw))
    except HubError:
        return None
    return code if region is None or code.division.startswith(region) else None


class PublicLists:
    """Browses the sources' lists for the public, through the same shaper and overlay as any read."""

    def __init__(
        self, catalog: Catalog, federation: Federation, shaper: Shaper, overlay: OverlayLookup,
        repairs: RepairRepository,
    ) -> None:  # fmt: skip
        self.catalog = catalog
        self.federation = federation
        self.shaper = shaper
        self.overlay = overlay
        self.repair_store = repairs

    async def repairs(
        self, policy: Policy, *, region: str | None, since: date | None, first: int, after: str | None,
        named: bool, today: date,
    ) -> PublicPage:  # fmt: skip
        """Answers a page of published credit repair results, newest first."""
        self._plans(policy, frozenset(), named)
        position = _repair_position(after) if after else None
        start = datetime.combine(since, datetime.min.time(), UTC) if since else None
        kept: list[tuple[RepairRow, SubjectCode]] = []
        while len(kept) <= first:
            batch = await self.repair_store.published(BATCH, position, start, region)
            for row in batch:
                code = subject_of(row.subject_code, region)
                if code is not None:
                    kept.append((row, code))
            if len(batch) < BATCH:
                break
            last = batch[-1]
            position = (last.published_at or last.applied_at, last.id)
        page = kept[:first]
        more = len(kept) > first
        end = _repair_cursor(page[-1][0]) if page else None
        shaped = await self._shaped_repairs(policy, page, named, today)
        shaped.end_cursor, shaped.has_next_page = end, more
        return shaped

    async def _shaped_repairs(
        self, policy: Policy, page: list[tuple[RepairRow, SubjectCode]], named: bool, today: date
    ) -> PublicPage:
        names = await self._names([code.value for _, code in page]) if named else {}
        disclosures = {code.value: Disclosure(code.value) for _, code in page}
        items: list[View] = []
        for row, code in page:
            item: View = {
                "code": self._shown_code(code), "kind": code.kind.value, "name": None, "id": row.id,
                "item_id": row.item_id, "record_type": row.record_type, "department": row.department,
                "repaired_on": (row.published_at or row.applied_at).date(), "cursor": _repair_cursor(row),
            }  # fmt: skip
            if named:
                item["name"] = self._name(policy, code, names.get(code.value, []), disclosures[code.value])
            items.append(item)
        return PublicPage(items, None, False, list(disclosures.values()))

    async def _names(self, codes: list[str]) -> dict[str, list[Row]]:
        unique = list(dict.fromkeys(codes))
        if not unique:
            return {}
        fetched = await self.federation.fetch(unique, {REGISTRATION: _NAMES})
        return {code: fetched.rows.get(code, {}).get(REGISTRATION, []) for code in unique}

    def _name(self, policy: Policy, code: SubjectCode, registration: list[Row], disclosure: Disclosure) -> object:
        plan = policy.plan(Purpose.PUBLIC_DISCLOSURE, code.kind, {REGISTRATION: _NAMES})
        known = [str(r[n]) for r in registration for n in _NAMES if r.get(n)]
        rules = self.shaper.disclose.rules(plan, code.kind, REGISTRATION, ["name"])
        return self.shaper.single(registration, rules, known, disclosure)["name"]

    def ordered_by(self) -> str:
        """Answers the listing field the lists are ordered by (the day it was listed)."""
        return self.catalog.record_types[LISTING].period_from or "listed_on"

    def _shown_code(self, code: SubjectCode) -> str:
        """Answers the code as the public sees it: an enterprise's in full, a person's masked."""
        if code.kind is SubjectKind.NATURAL_PERSON:
            return self.shaper.disclose.maskers["resident_id"](code.value)
        return code.value

    def _plans(self, policy: Policy, fields: frozenset[str], named: bool) -> None:
        """Answers nothing; PURPOSE_NOT_ALLOWED unless the caller may disclose to the public."""
        requested = {LISTING: fields, **({REGISTRATION: _NAMES} if named else {})}
        for kind in SubjectKind:
            policy.plan(Purpose.PUBLIC_DISCLOSURE, kind, requested)

    async def listings(
        self, policy: Policy, list_kind: str, *, region: str | None, since: date | None, first: int,
        after: str | None, fields: frozenset[str], named: bool, today: date,
    ) -> PublicPage:  # fmt: skip
        """Answers a page of the published `list_kind` list, newest listing first."""
        if list_kind not in PUBLISHED_LISTS:
            raise _bad(f"the {list_kind} list is not published", "ask for RED or BLACK")
        self._plans(policy, fields, named)
        rt = self.catalog.record_types[LISTING]
        read = fields | rt.rule_fields | {"list", "status"}
        sources = [s for s in self.federation.sources if LISTING in s.mapping.record_types]
        walk = _Walk(self, sources, read, list_kind, region, since, decode_position(after) if after else None)
        rows, more, end = await walk.page(first, today)
        page = await self._shaped(policy, rows, fields, named, today)
        page.end_cursor, page.has_next_page, page.failed_sources = end, more, walk.failed
        return page

    async def _shaped(
        self, policy: Policy, rows: list[Row], fields: frozenset[str], named: bool, today: date
    ) -> PublicPage:
        codes = [parse_subject_code(str(row[SUBJECT])) for row in rows]
        names = await self._names([code.value for code in codes]) if named else {}
        disclosures = {code.value: Disclosure(code.value) for code in codes}
        items: list[View] = []
        for row, code in zip(rows, codes, strict=True):
            registration = names.get(code.value, [])
            known = [str(r[n]) for r in registration for n in _NAMES if r.get(n)]
            plan = policy.plan(Purpose.PUBLIC_DISCLOSURE, code.kind, {LISTING: fields})
            rules = self.shaper.disclose.rules(plan, code.kind, LISTING, sorted(fields))
            disclosure = disclosures[code.value]
            [item] = self.shaper.items(LISTING, [row], rules, known, disclosure, today, code.value)
            position = Position(row[self.ordered_by()], str(row[SOURCE]), str(row[KEY]))
            item |= {"code": self._shown_code(code), "kind": code.kind.value, "name": None}
            item["cursor"] = encode_position(position)
            if named:
                item["name"] = self._name(policy, code, registration, disclosure)
            items.append(item)
        return PublicPage(items, None, False, list(disclosures.values()))


class _Walk:
    """Merges the sources' newest-first rows into one order (day, then source, then key, all descending)."""

    def __init__(
        self, lists: PublicLists, sources: list[SqlSource], fields: frozenset[str], list_kind: str,
        region: str | None, since: date | None, after: Position | None,
    ) -> None:  # fmt: skip
        self.lists, self.fields, self.list_kind = lists, fields, list_kind
        self.region, self.since = region, since
        self.buffers: dict[str, deque[Row]] = {s.name: deque() for s in sources}
        self.positions: dict[str, Position | None] = {s.name: after for s in sources}
        self.open = {s.name: s for s in sources}
        self.by = lists.ordered_by()
        self.read = 0
        self.failed: list[str] = []

    async def _refill(self, source: SqlSource, today: date) -> None:
        try:
            found = await browse(
                source, LISTING, self.fields, by=self.by, equals={"list": self.list_kind}, since=self.since,
                region=self.region, after=self.positions[source.name], limit=BATCH,
            )  # fmt: skip
        except Exception:  # a source's driver error: this page is partial, the others answer
            self.failed.append(source.name)
            del self.open[source.name]
            return
        self.read += len(found)
        if len(found) < BATCH:
            del self.open[source.name]
        if found:
            last = found[-1]
            self.positions[source.name] = Position(last[self.by], source.name, str(last[KEY]))
        self.buffers[source.name].extend(await self._published(found, today))

    async def _published(self, rows: list[Row], today: date) -> list[Row]:
        codes = {str(row[SUBJECT]): subject_of(row[SUBJECT], self.region) for row in rows}
        marks = await self.lists.overlay([c.value for c in codes.values() if c is not None])
        rt = self.lists.catalog.record_types[LISTING]
        shown = self.lists.shaper.overlaid(LISTING, [r for r in rows if codes[str(r[SUBJECT])]], marks)
        return [
            row
            for row in shown
            if row.get("list") == self.list_kind
            and row.get("status") in (None, "ACTIVE")
            and self.lists.shaper.disclose.in_period(rt, row, today)
            and not entry_flags(rt, row, str(row[SUBJECT]))
        ]

    async def page(self, first: int, today: date) -> tuple[list[Row], bool, str | None]:
        """Answers up to `first` rows, whether more follow, and the cursor after the last one."""
        kept: list[Row] = []
        last: Position | None = None
        while len(kept) <= first:
            for name in [n for n, buffer in self.buffers.items() if not buffer and n in self.open]:
                if self.read >= SCAN_LIMIT:
                    more = True
                    return kept[:first], more, encode_position(last) if last else None
                await self._refill(self.open[name], today)
            heads = [(buffer[0][self.by], name) for name, buffer in self.buffers.items() if buffer]
            if not heads:
                break
            _, name = max(heads)
            row = self.buffers[name].popleft()
            kept.append(row)
            if len(kept) <= first:
                last = Position(row[self.by], name, str(row[KEY]))
        more = len(kept) > first
        return kept[:first], more, encode_position(last) if last else None


def _repair_cursor(row: RepairRow) -> str:
    moment = row.published_at or row.applied_at
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{row.id}".encode()).decode()


def _repair_position(cursor: str) -> tuple[datetime, str]:
    try:
        moment, _, repair_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        at = datetime.fromisoformat(moment)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad("after is not a cursor of this list", "pass the endCursor of the previous page") from None
    if at.tzinfo is None or not repair_id:
        raise _bad("after is not a cursor of this list", "pass the endCursor of the previous page")
    return at, repair_id
