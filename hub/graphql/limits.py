"""Measures an operation before it runs: depth, aliases, subject look-ups, cost, introspection."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    value_from_ast_untyped,
)

SUBJECT_FIELDS = frozenset({"subject", "creditCheck", "myRecord", "evaluation", "creditReport"})
BULK_FIELDS = frozenset({"subjects", "creditChecks"})
# mutations that check subjects named in their input: field -> the input's list of codes
INPUT_CODES = {"initiateMeasures": "targets"}


@dataclass(frozen=True, slots=True)
class Shape:
    """What one operation asks for, measured on its document."""

    depth: int
    aliases: int
    subject_lookups: int
    cost: int
    introspection: bool
    root_fields: tuple[str, ...] = ()


def coerced_variables(operation: OperationDefinitionNode | None, given: Mapping[str, Any]) -> dict[str, Any]:
    """Answers each variable the operation declares as it will run: the value given, else its default."""
    found: dict[str, Any] = {}
    for definition in (operation.variable_definitions or ()) if operation else ():
        name = definition.variable.name.value
        if name in given:
            found[name] = given[name]
        elif definition.default_value is not None:
            found[name] = value_from_ast_untyped(definition.default_value)
    return found


def _values_count(value: ValueNode, variables: Mapping[str, Any]) -> int:
    """Answers how many codes a `codes` argument holds once coerced (a lone value becomes a list of one)."""
    if isinstance(value, ListValueNode):
        return len(value.values)
    if isinstance(value, VariableNode):
        given = variables.get(value.name.value)
        if isinstance(given, list | tuple):
            return len(given)
        return 0 if given is None else 1
    return 1


def _codes_count(field: FieldNode, variables: Mapping[str, Any]) -> int:
    for argument in field.arguments or ():
        if argument.name.value == "codes":
            return _values_count(argument.value, variables)
    return 1


def _input_codes_count(field: FieldNode, key: str, variables: Mapping[str, Any]) -> int:
    """Answers how many codes a mutation's `input` names under `key` (a literal object or a variable)."""
    for argument in field.arguments or ():
        if argument.name.value != "input":
            continue
        value = argument.value
        if isinstance(value, ObjectValueNode):
            named = next((f.value for f in value.fields if f.name.value == key), None)
            return _values_count(named, variables) if named is not None else 0
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            codes = given.get(key) if isinstance(given, dict) else None
            return len(codes) if isinstance(codes, list | tuple) else int(codes is not None)
    return 0


class _Walker:
    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode], variables: Mapping[str, Any]) -> None:
        self.fragments = fragments
        self.variables = variables
        self.aliases = 0
        self.lookups = 0
        self.introspection = False

    def walk(self, selections: SelectionSetNode | None, depth: int, seen: frozenset[str]) -> tuple[int, int]:
        """Answers (deepest depth, cost) of a selection set."""
        if selections is None:
            return depth, 0
        deepest, cost = depth, 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                name = node.name.value
                if name in ("__schema", "__type"):
                    self.introspection = True
                if node.alias is not None:
                    self.aliases += 1
                below, inner = self.walk(node.selection_set, depth + 1, seen)
                deepest = max(deepest, below)
                factor = 1
                if depth == 0 and name in SUBJECT_FIELDS:
                    self.lookups += 1
                if depth == 0 and name in INPUT_CODES:
                    self.lookups += _input_codes_count(node, INPUT_CODES[name], self.variables)
                if depth == 0 and name in BULK_FIELDS:
                    factor = _codes_count(node, self.variables)
                    self.lookups += factor
                cost += factor * (1 + inner)
            else:
                if isinstance(node, FragmentSpreadNode):
                    fragment = self.fragments.get(node.name.value)
                    if fragment is None or node.name.value in seen:
                        continue
                    inner_set = fragment.selection_set
                    seen = seen | {node.name.value}
                elif isinstance(node, InlineFragmentNode):
                    inner_set = node.selection_set
                else:
                    continue
                below, inner = self.walk(inner_set, depth, seen)
                deepest, cost = max(deepest, below), cost + inner
        return deepest, cost


def measure(document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None) -> Shape:
    """Answers the shape of the operation that will run (the named one, or the only one)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = next((o for o in operations if o.name and o.name.value == operation_name), None)
    if chosen is None and operations:
        chosen = operations[0]
    walker = _Walker(fragments, coerced_variables(chosen, variables or {}))
    depth, cost = walker.walk(chosen.selection_set if chosen else None, 0, frozenset())
    roots = tuple(dict.fromkeys(_root_fields(chosen.selection_set if chosen else None, fragments, frozenset())))
    return Shape(depth, walker.aliases, walker.lookups, cost, walker.introspection, roots)


def _root_fields(
    selections: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode], seen: frozenset[str]
) -> list[str]:
    """Answers the names (not aliases) of an operation's top-level fields, through fragments."""
    found: list[str] = []
    for node in selections.selections if selections else ():
        if isinstance(node, FieldNode):
            found.append(node.name.value)
        elif isinstance(node, InlineFragmentNode):
            found.extend(_root_fields(node.selection_set, fragments, seen))
        elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen and node.name.value in fragments:
            inner = fragments[node.name.value].selection_set
            found.extend(_root_fields(inner, fragments, seen | {node.name.value}))
    return found


@dataclass(frozen=True, slots=True)
class Repetition:
    """What a document repeats: directives at one place and in all, and one field within one selection."""

    directives_at_one_place: int
    directives: int
    same_field: int


def count_repetition(document: DocumentNode) -> Repetition:
    """Answers the repetition in a whole document (every operation and fragment), cheaply, before validation."""
    at_one_place = directives = same_field = 0
    pending: list[Node] = list(document.definitions)
    while pending:
        node = pending.pop()
        found = getattr(node, "directives", None) or ()
        at_one_place, directives = max(at_one_place, len(found)), directives + len(found)
        pending.extend(getattr(node, "variable_definitions", None) or ())
        selection_set = getattr(node, "selection_set", None)
        if selection_set is None:
            continue
        keys = Counter((f.alias or f.name).value for f in selection_set.selections if isinstance(f, FieldNode))
        same_field = max(same_field, *keys.values(), 0)
        pending.extend(selection_set.selections)
    return Repetition(at_one_place, directives, same_field)
