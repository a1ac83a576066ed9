"""Which catalogue fields a GraphQL selection asks for, so the plan can decide before anything is fetched."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from hub.records.service import REGISTRATION, REPRESENTATION, VIEW_KEYS

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
LIST_FIELDS = {view_key: record_type for record_type, view_key in VIEW_KEYS.items()}
REGISTRATION_FIELDS = frozenset({"name", "status", "registered_on", "phone", "address"})
META_FIELDS = frozenset({"code", "kind", "sources", "__typename"})
ITEM_META = frozenset({"id", "source", "flags", "quality_flags", "__typename", "rights_status", "rights_status_on"})
LINKED_LISTS = {"listings": "listing", "court_dishonesty": "court_dishonesty"}


@functools.lru_cache(maxsize=1024)
def snake(name: str) -> str:
    """Answers the Python name of a GraphQL field name."""
    return _CAMEL.sub("_", name).lower()


@dataclass
class Requested:
    """Record type -> fields asked for, and those asked for enterprises a person represents."""

    fields: dict[str, set[str]] = field(default_factory=dict)
    linked: dict[str, set[str]] = field(default_factory=dict)

    def frozen(self) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
        """Answers both maps with frozen field sets, as the records service takes them."""
        return (
            {rt: frozenset(f) for rt, f in self.fields.items()},
            {rt: frozenset(f) for rt, f in self.linked.items()},
        )


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def _leaves(selections: Iterable[Selection], target: set[str], linked: dict[str, set[str]] | None) -> None:
    for child in _fields(selections):
        name = snake(child.name)
        if name in ITEM_META:
            continue
        if linked is not None and name in LINKED_LISTS:
            _leaves(child.selections, linked.setdefault(LINKED_LISTS[name], set()), None)
            continue
        target.add(name)


def requested_fields(subject_selections: Iterable[Selection]) -> Requested:
    """Answers the catalogue fields that a selection on `Subject` asks for."""
    found = Requested()
    for child in _fields(subject_selections):
        name = snake(child.name)
        if name in META_FIELDS:
            continue
        if name in REGISTRATION_FIELDS:
            found.fields.setdefault(REGISTRATION, set()).add(name)
        elif name == "legal_representative":
            bucket = found.fields.setdefault(REGISTRATION, set())
            bucket.update(
                f"legal_representative.{snake(leaf.name)}"
                for leaf in _fields(child.selections)
                if leaf.name != "__typename"
            )
        elif name in LIST_FIELDS:
            record_type = LIST_FIELDS[name]
            linked = found.linked if record_type == REPRESENTATION else None
            _leaves(child.selections, found.fields.setdefault(record_type, set()), linked)
    return found
