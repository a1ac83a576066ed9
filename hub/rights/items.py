"""Credit items a subject may dispute or repair: parsing their ids and finding them in the subject's own record."""

from __future__ import annotations

from dataclasses import dataclass

from hub.catalog.model import Catalog, Sharing
from hub.catalog.rules import deciding_department
from hub.errors import ErrorCode, HubError
from hub.federation.adapter import ITEM, Row
from hub.federation.fetch import Federation
from hub.identity.principal import Principal

# Items with an id in a record view that a subject may dispute (registration has no item id; whistle-blower
# reports are not shown to their subject).
DISPUTABLE = frozenset({"licence", "penalty", "listing", "court_dishonesty", "tax_credit"})
_ID_FIX = "use an item `id` from your own record, such as a listing's id (`<source>:<record type>:<key>`)"


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A parsed item id: the source that holds it, its record type, and the source's own key."""

    item_id: str
    source: str
    record_type: str
    key: str


def self_code(principal: Principal, action: str) -> str:
    """Answers the caller's own subject code; FORBIDDEN unless the token is a citizen's or enterprise's own."""
    if principal.self_code is None:
        raise HubError(
            ErrorCode.FORBIDDEN,
            f"only the subject itself may {action}",
            fix="sign in as the citizen or enterprise (a self token with the self scopes)",
        )
    return principal.self_code


def text(value: str, name: str, low: int, high: int) -> str:
    """Answers `value` trimmed; BAD_USER_INPUT when shorter than `low` or longer than `high` characters."""
    trimmed = value.strip()
    if not low <= len(trimmed) <= high:
        raise HubError(ErrorCode.BAD_USER_INPUT, f"{name} must be {low} to {high} characters", fix=f"write a {name}")
    return trimmed


class ItemFinder:
    """Parses item ids against the configured sources and reads an item from its subject's own rows."""

    def __init__(self, catalog: Catalog, federation: Federation) -> None:
        self.catalog = catalog
        self.federation = federation
        self._provided = {s.name: frozenset(s.mapping.record_types) for s in federation.sources}

    def parse(self, item_id: str) -> ItemRef:
        """Answers the parts of an item id; BAD_USER_INPUT for a malformed id or an item nobody may dispute."""
        source, _, rest = item_id.strip().partition(":")
        record_type, _, key = rest.partition(":")
        if not key or record_type not in self._provided.get(source, frozenset()):
            raise HubError(ErrorCode.BAD_USER_INPUT, "the item id names no item of a configured source", fix=_ID_FIX)
        if record_type not in DISPUTABLE:
            raise HubError(
                ErrorCode.BAD_USER_INPUT,
                f"{record_type} items cannot be disputed or repaired here",
                fix=f"pick an item of: {', '.join(sorted(DISPUTABLE))}",
            )
        return ItemRef(item_id.strip(), source, record_type, key)

    def department(self, record_type: str, row: Row) -> str:
        """Answers the department that answers for an item: the one that decided it (谁决定、谁负责), as the
        source names it; the catalogue's department for the record type only when the source does not say."""
        return deciding_department(self.catalog, record_type, row)

    def fields(self, record_type: str) -> frozenset[str]:
        """Answers the fields of a record type that may ever leave the source (not confidential)."""
        fields = self.catalog.record_types[record_type].fields.values()
        return frozenset(f.name for f in fields if f.sharing is not Sharing.CONFIDENTIAL)

    async def own_item(self, code: str, ref: ItemRef) -> Row:
        """Answers the item's row among the subject's own; NOT_FOUND when the subject has no such item."""
        fetched = await self.federation.fetch([code], {ref.record_type: self.fields(ref.record_type)})
        outcome = fetched.outcomes.get(ref.source)
        if outcome is not None and outcome.failed:
            raise HubError(
                ErrorCode.SOURCE_UNAVAILABLE,
                f"source '{ref.source}' did not answer ({outcome.status})",
                fix="try again in a minute",
            )
        for row in fetched.rows.get(code, {}).get(ref.record_type, []):
            if row[ITEM] == ref.item_id:
                return row
        # Deliberately the same answer for an unknown item and for another subject's: no one learns of
        # other subjects' items by probing ids.
        raise HubError(
            ErrorCode.NOT_FOUND,
            f"your record has no {ref.record_type} item with this id",
            fix=f"{_ID_FIX}; items of other subjects cannot be disputed",
        )
