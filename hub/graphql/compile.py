"""Compiles a trusted document once: parsed, validated, measured, and its selection turned into a writer.

A document the compiler does not support answers None and runs through the generic executor; the
compiler supports what approval systems and banks send all day: one `subject` (or `subjects`) look-up, or one
`creditCheck` (or `creditChecks`), with its code (codes), matter and purpose as variables or literals, fields,
aliases, fragments and `__typename`; no directives.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from graphql import (
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    get_named_type,
    parse,
    print_ast,
    validate,
)
from graphql.language import get_location
from strawberry import Schema
from strawberry.permission import PermissionExtension
from strawberry.types.nodes import convert_selections

from hub.graphql.limits import Shape, count_repetition, measure
from hub.graphql.permissions import HasScope
from hub.graphql.schema import MAX_DIRECTIVES, MAX_DIRECTIVES_AT_ONE_PLACE, MAX_SAME_FIELD, MAX_TOKENS
from hub.graphql.selection import LIST_FIELDS, requested_fields
from hub.graphql.writer import Branch, Constant, Leaf, Leaves, Node
from hub.policy.purposes import Purpose

# The root fields compiled: the type each selects on, and its arguments with the variable type each takes (the
# first names the subjects).
ROOT_FIELDS: dict[str, tuple[str, dict[str, str]]] = {
    "subject": ("Subject", {"code": "ID!", "purpose": "Purpose!"}),
    "subjects": ("Subject", {"codes": "[ID!]!", "purpose": "Purpose!"}),
    "creditCheck": ("CreditCheck", {"code": "ID!", "matter": "String!", "purpose": "Purpose!"}),
    "creditChecks": ("CreditCheck", {"codes": "[ID!]!", "matter": "String!", "purpose": "Purpose!"}),
}
BULK_FIELDS = frozenset({"subjects", "creditChecks"})
# Scalars whose values of exactly this Python type graphql-core serializes unchanged: written as they are.
VERBATIM: dict[str, type] = {"String": str, "ID": str, "Boolean": bool}
CHECK_FIELDS = frozenset({"creditCheck", "creditChecks"})
_BACKREF = "strawberry-definition"


@dataclass(frozen=True, slots=True)
class Argument:
    """Where an argument's value comes from: a variable of the request, or a literal of the document."""

    variable: str | None
    literal: str | None


@dataclass(frozen=True, slots=True)
class CompiledDocument:
    """One trusted document, ready to run without parsing, validation or the generic executor."""

    text: str
    operation_name: str | None
    shape: Shape
    bulk: bool  # `subjects`, `creditChecks`: a list, each code's answer (or error) at its index
    check: bool  # `creditCheck`, `creditChecks`: the measures service answers, not the record view
    root_key: str
    root_location: dict[str, int]
    code: Argument
    purpose: Argument
    matter: Argument | None  # a credit check's matter
    requested: dict[str, frozenset[str]]
    linked: dict[str, frozenset[str]]
    children: tuple[Node, ...]
    textual: frozenset[str]  # the catalogue paths (record_type.field) the document reads as text
    scopes: tuple[Any, ...]  # the root field's permission: a token with any one of them may run it


def compile_document(schema: Schema, text: str) -> CompiledDocument | None:
    """Answers the compiled form of a valid document, or None when the generic executor must run it."""
    try:
        document = parse(text, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return None
    repetition = count_repetition(document)
    if (
        repetition.directives_at_one_place > MAX_DIRECTIVES_AT_ONE_PLACE
        or repetition.directives > MAX_DIRECTIVES
        or repetition.same_field > MAX_SAME_FIELD
        or repetition.directives  # @skip/@include: left to the executor
    ):
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if len(operations) != 1 or validate(schema._schema, document):
        return None
    [operation] = operations
    if operation.operation is not OperationType.QUERY:
        return None
    roots = operation.selection_set.selections
    if len(roots) != 1 or not isinstance(roots[0], FieldNode) or roots[0].name.value not in ROOT_FIELDS:
        return None
    root = roots[0]
    field_name = root.name.value
    arguments = _arguments(operation, root)
    if arguments is None or root.selection_set is None:
        return None
    scopes = _scopes(schema._schema, field_name)
    if scopes is None:
        return None
    selected = schema._schema.get_type(ROOT_FIELDS[field_name][0])
    assert isinstance(selected, GraphQLObjectType)
    textual: set[str] = set()
    children = _children(schema._schema, selected, root.selection_set, _Document(document, fragments), textual)
    if children is None:
        return None
    check = field_name in CHECK_FIELDS
    requested: dict[str, frozenset[str]] = {}
    linked: dict[str, frozenset[str]] = {}
    if check:  # the check reads what it needs whatever is selected; a planned receipt names any textual field
        textual = set(text_paths(schema._schema))
    else:
        info: Any = SimpleNamespace(fragments=fragments, variable_values={})
        [converted] = convert_selections(info, [root])
        requested, linked = requested_fields(converted.selections).frozen()
    name = operation.name.value if operation.name else None
    bulk = field_name in BULK_FIELDS
    code = arguments["codes" if bulk else "code"]
    one = {code.variable: ["one"]} if bulk and code.variable else {}
    return CompiledDocument(
        text=text,
        operation_name=name,
        shape=measure(document, name, one),  # for a list: as if of one subject (its cost grows with each)
        bulk=bulk,
        check=check,
        root_key=root.alias.value if root.alias else field_name,
        root_location=_location(document, root),
        code=code,
        purpose=arguments["purpose"],
        matter=arguments.get("matter"),
        requested=requested,
        linked=linked,
        children=children,
        textual=frozenset(textual),
        scopes=scopes,
    )


def _scopes(schema: GraphQLSchema, name: str) -> tuple[Any, ...] | None:
    """Answers the scopes of the root field's permission, or None when it has field extensions of another kind."""
    query = schema.query_type
    assert query is not None
    found: list[Any] = []
    for extension in query.fields[name].extensions[_BACKREF].extensions:
        if not isinstance(extension, PermissionExtension):
            return None
        for permission in extension.permissions:
            if not isinstance(permission, HasScope):
                return None
            found.extend(permission.scopes)
    return tuple(found)


def _arguments(operation: OperationDefinitionNode, root: FieldNode) -> dict[str, Argument] | None:
    """Answers where each argument comes from; None for defaults, other types or other arguments."""
    declared: dict[str, str] = {}
    for definition in operation.variable_definitions or ():
        if definition.default_value is not None or definition.directives:
            return None
        declared[definition.variable.name.value] = print_ast(definition.type)
    wanted = ROOT_FIELDS[root.name.value][1]
    found: dict[str, Argument] = {}
    for argument in root.arguments or ():
        value = argument.value
        name = argument.name.value
        if isinstance(value, VariableNode):
            if name not in wanted or declared.get(value.name.value) != wanted[name]:
                return None
            found[name] = Argument(value.name.value, None)
        elif (name in ("code", "matter") and isinstance(value, StringValueNode)) or (
            name == "purpose" and isinstance(value, EnumValueNode) and value.value in Purpose.__members__
        ):
            found[name] = Argument(None, value.value)
        else:
            return None
    if set(found) != set(wanted):
        return None
    return found


def _location(document: DocumentNode, node: FieldNode) -> dict[str, int]:
    assert node.loc is not None
    assert document.loc is not None
    where = get_location(document.loc.source, node.loc.start)
    return {"line": where.line, "column": where.column}


@dataclass(frozen=True, slots=True)
class _Document:
    """The parsed document and its fragments, by name."""

    node: DocumentNode
    fragments: dict[str, FragmentDefinitionNode]


def _flat(selections: SelectionSetNode, parent: str, document: _Document) -> list[FieldNode] | None:
    """Answers the fields of a selection with its fragments spread in place (as the executor collects them), or None
    for a fragment on another type (the executor decides those per value)."""
    found: list[FieldNode] = []
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            found.append(selection)
            continue
        if isinstance(selection, FragmentSpreadNode):
            fragment = document.fragments[selection.name.value]
            condition, inner = fragment.type_condition.name.value, fragment.selection_set
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else parent
            inner = selection.selection_set
        else:
            return None
        if condition != parent:
            return None
        spread = _flat(inner, parent, document)
        if spread is None:
            return None
        found.extend(spread)
    return found


def _children(
    schema: GraphQLSchema,
    parent: GraphQLObjectType,
    selections: SelectionSetNode,
    document: _Document,
    textual: set[str],
    prefix: str = "registration.",
) -> tuple[Node, ...] | None:
    """Answers the writer's nodes of a selection on `parent`, or None for anything the compiler leaves out."""
    nodes: list[Node] = []
    keys: set[str] = set()
    fields = _flat(selections, parent.name, document)
    if fields is None:
        return None
    for selection in fields:
        if selection.arguments or selection.directives:
            return None
        name = selection.name.value
        key = selection.alias.value if selection.alias else name
        if key in keys:
            return None  # a repeated response key is merged by the executor: left to it
        keys.add(key)
        if name == "__typename":
            nodes.append(Constant(key, parent.name))
            continue
        field = parent.fields[name]
        definition = field.extensions[_BACKREF]
        if definition.extensions or definition.base_resolver is not None:
            return None  # a field with a resolver or a permission of its own: the executor runs it
        attr = definition.python_name
        location = _location(document.node, selection)
        kind = field.type
        nullable = not isinstance(kind, GraphQLNonNull)
        inner = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
        named = get_named_type(kind)
        if isinstance(named, GraphQLScalarType | GraphQLEnumType):
            if selection.selection_set is not None:
                return None
            verbatim = VERBATIM.get(named.name)
            if named.name == "String":
                textual.add(f"{prefix}{attr}")
            if isinstance(inner, GraphQLList):
                if isinstance(inner.of_type, GraphQLList):
                    return None
                items_nullable = not isinstance(inner.of_type, GraphQLNonNull)
                nodes.append(Leaves(key, attr, named.serialize, nullable, items_nullable, location, verbatim))
            else:
                nodes.append(Leaf(key, attr, named.serialize, nullable, location, verbatim))
            continue
        if not isinstance(named, GraphQLObjectType) or selection.selection_set is None:
            return None
        is_list = isinstance(inner, GraphQLList)
        items_nullable = is_list and not isinstance(inner.of_type, GraphQLNonNull)
        inner_prefix = _prefix(parent.name, attr)
        children = _children(schema, named, selection.selection_set, document, textual, inner_prefix)
        if children is None:
            return None
        nodes.append(Branch(key, attr, nullable, is_list, items_nullable, location, children))
    return tuple(nodes)


def _prefix(parent: str, attr: str) -> str:
    """Answers the catalogue path prefix of the fields a nested selection reads (for `textual`)."""
    if parent != "Subject":
        return ""
    if attr == "legal_representative":
        return "registration.legal_representative."
    return f"{LIST_FIELDS[attr]}." if attr in LIST_FIELDS else ""


def text_paths(schema: GraphQLSchema) -> frozenset[str]:
    """Answers the catalogue paths (record_type.field) that `Subject` shows as text, whichever a document selects."""
    found: set[str] = set()

    def walk(parent: GraphQLObjectType, prefix: str, seen: frozenset[str]) -> None:
        for field in parent.fields.values():
            definition = field.extensions.get(_BACKREF)
            named = get_named_type(field.type)
            if definition is None:
                continue
            attr = definition.python_name
            if isinstance(named, GraphQLScalarType) and named.name == "String":
                found.add(f"{prefix}{attr}")
            elif isinstance(named, GraphQLObjectType) and named.name not in seen:
                walk(named, _prefix(parent.name, attr), seen | {named.name})

    subject = schema.get_type("Subject")
    assert isinstance(subject, GraphQLObjectType)
    walk(subject, "registration.", frozenset({"Subject"}))
    return frozenset(found)
