"""Writes a record view as the response's `data` without GraphQL's executor: the selection is compiled once.

Each node holds what graphql-core would work out for that field on every request (its response key, the
attribute it reads, the leaf type's serializer, its location in the document), so that writing a view is a
walk over plain dicts. Values, errors and their order are those of the generic executor (DFS order of the
selection); a value the executor would complain about in a way the writer does not reproduce raises
`Unwritable`, and the caller answers through the generic path instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hub.privacy.disclose import Withheld

Serialize = Callable[[Any], Any]
Error = dict[str, Any]


class Unwritable(Exception):
    """A value the compiled writer does not reproduce exactly (the generic executor answers instead)."""


@dataclass(frozen=True, slots=True)
class Leaf:
    """A scalar or enum field: its response key, the attribute it reads, its serializer and location."""

    key: str
    attr: str
    serialize: Serialize
    nullable: bool
    location: dict[str, int]
    verbatim: type | None = None  # values of this exact type are written as they are (hub.graphql.compile.VERBATIM)


@dataclass(frozen=True, slots=True)
class Leaves:
    """A list of scalars or enum values: as a Leaf, and whether an item may be null."""

    key: str
    attr: str
    serialize: Serialize
    nullable: bool
    items_nullable: bool
    location: dict[str, int]
    verbatim: type | None = None


@dataclass(frozen=True, slots=True)
class Constant:
    """A field whose value the document alone decides (`__typename`)."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class Branch:
    """An object field, or a list of objects: its response key, attribute, children and location."""

    key: str
    attr: str
    nullable: bool
    is_list: bool
    items_nullable: bool
    location: dict[str, int]
    children: tuple[Node, ...]


Node = Leaf | Leaves | Constant | Branch


def _read(source: Any, attr: str) -> Any:
    return source.get(attr) if type(source) is dict else getattr(source, attr)


def _withheld(value: Withheld, node: Leaf | Leaves | Branch, path: list[str | int], errors: list[Error]) -> None:
    if not node.nullable:
        raise Unwritable(f"a withheld value at the non-null field {node.key}")
    errors.append(
        {
            "message": value.message,
            "locations": [node.location],
            "path": [*path, node.key],
            "extensions": {"code": value.code.value},
        }
    )


def write_object(source: Any, children: tuple[Node, ...], path: list[str | int], errors: list[Error]) -> dict[str, Any]:
    """Answers the response object of `source` for the selection `children`; errors are appended in order."""
    out: dict[str, Any] = {}
    for node in children:
        if type(node) is Constant:
            out[node.key] = node.value
            continue
        value = _read(source, node.attr)  # type: ignore[union-attr]
        if value is None:
            if not node.nullable:  # type: ignore[union-attr]
                raise Unwritable(f"null at the non-null field {node.key}")
            out[node.key] = None
        elif type(value) is Withheld:
            _withheld(value, node, path, errors)  # type: ignore[arg-type]
            out[node.key] = None
        elif type(node) is Leaf:
            out[node.key] = value if type(value) is node.verbatim else _serialized(node, value)
        elif type(node) is Leaves:
            out[node.key] = _leaves(value, node)
        else:
            out[node.key] = _branch(value, node, path, errors)  # type: ignore[arg-type]
    return out


def _leaves(value: Any, node: Leaves) -> list[Any]:
    if type(value) is not list and type(value) is not tuple:
        raise Unwritable(f"{node.key}: not a list")
    items: list[Any] = []
    for item in value:
        if item is None:
            if not node.items_nullable:
                raise Unwritable(f"null item in {node.key}")
            items.append(None)
        else:
            items.append(item if type(item) is node.verbatim else _serialized(node, item))
    return items


def _serialized(node: Leaf | Leaves, value: Any) -> Any:
    try:
        found = node.serialize(value)
    except Exception as exc:  # graphql-core answers such a value with an error of its own wording
        raise Unwritable(f"{node.key}: {type(exc).__name__}") from None
    if found is None:
        raise Unwritable(f"{node.key}: not serializable")
    return found


def _branch(value: Any, node: Branch, path: list[str | int], errors: list[Error]) -> Any:
    here = [*path, node.key]
    if not node.is_list:
        if type(value) is not dict and not hasattr(value, "__dict__") and not hasattr(value, "__slots__"):
            raise Unwritable(f"{node.key}: not an object")
        return write_object(value, node.children, here, errors)
    if type(value) is not list and type(value) is not tuple:
        raise Unwritable(f"{node.key}: not a list")
    items: list[Any] = []
    for index, item in enumerate(value):
        if item is None:
            if not node.items_nullable:
                raise Unwritable(f"null item in {node.key}")
            items.append(None)
            continue
        items.append(write_object(item, node.children, [*here, index], errors))
    return items
