"""A trusted document's disclosure profile: what it can disclose, in which form, about whom, for which purpose."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
    validate,
)
from strawberry import Schema
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection, convert_selections

from hub.errors import ErrorCode, HubError
from hub.graphql.limits import measure
from hub.graphql.selection import requested_fields
from hub.identity.codes import SubjectKind
from hub.measures.facts import LINKED, REPRESENTATION, REQUESTED
from hub.policy.decision import Action
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose

MAX_TOKENS = 4000  # as an operation sent as text (hub.graphql.schema)
FORMS = {Action.ALLOW: "clear", Action.MASK: "masked", Action.DENY: "denied"}
_OPENNESS = {"denied": 0, "masked": 1, "clear": 2}
RECORD_READS = frozenset({"subject", "subjects"})
CHECKS = frozenset({"creditCheck", "creditChecks"})


@dataclass(frozen=True, slots=True, order=True)
class ProfileEntry:
    """One field the document can disclose under one purpose about one kind of subject, and in which form."""

    purpose: str
    subject_kind: str
    field: str
    form: str  # clear | masked | denied
    consent: bool  # the subject's consent is needed for it


@dataclass(frozen=True, slots=True)
class Profile:
    """A document's root fields and, per purpose it may state and subject kind, each field's form."""

    operations: tuple[str, ...]
    entries: tuple[ProfileEntry, ...]

    def to_json(self) -> str:
        """Answers the profile as stored: canonical JSON."""
        entries = [[e.purpose, e.subject_kind, e.field, e.form, e.consent] for e in self.entries]
        return json.dumps({"operations": list(self.operations), "entries": entries}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Profile:
        """Answers the profile stored as `text`."""
        data = json.loads(text)
        return cls(tuple(data["operations"]), tuple(ProfileEntry(*entry) for entry in data["entries"]))

    def grown_from(self, before: Profile) -> bool:
        """Answers whether this profile discloses anything `before` did not: a field, a clearer form, less consent."""
        if not set(self.operations) <= set(before.operations):
            return True
        known = {(e.purpose, e.subject_kind, e.field): e for e in before.entries}
        for entry in self.entries:
            if entry.form == "denied":
                continue
            old = known.get((entry.purpose, entry.subject_kind, entry.field))
            if old is None or _OPENNESS[entry.form] > _OPENNESS[old.form] or (old.consent and not entry.consent):
                return True
        return False


def analyse(schema: Schema, text: str, policy: Policy) -> Profile:
    """Answers the disclosure profile of a document under `policy`, or BAD_USER_INPUT with its GraphQL errors."""
    document = _valid_document(schema, text)
    _within_limits(document, policy)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    info: Any = SimpleNamespace(fragments=fragments, variable_values={})
    operations: set[str] = set()
    entries: set[ProfileEntry] = set()
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        nodes: Any = definition.selection_set.selections
        for root in _fields(convert_selections(info, nodes)):
            operations.add(root.name)
            for purpose in _purposes(root, policy):
                entries.update(_entries(root, purpose, policy))
    return Profile(tuple(sorted(operations)), tuple(sorted(entries)))


def _valid_document(schema: Schema, text: str) -> DocumentNode:
    try:
        document = parse(text, max_tokens=MAX_TOKENS)
    except GraphQLSyntaxError as error:
        raise _invalid([error]) from None
    errors = validate(schema._schema, document)
    if errors:
        raise _invalid(errors)
    return document


def _within_limits(document: DocumentNode, policy: Policy) -> None:
    """Answers nothing; refuses (QUERY_TOO_COMPLEX) a document deeper or with more aliases than the policy allows."""
    for operation in (d for d in document.definitions if isinstance(d, OperationDefinitionNode)):
        shape = measure(document, operation.name.value if operation.name else None, {})
        for label, value, bound in (
            ("depth", shape.depth, policy.limits.depth),
            ("aliases", shape.aliases, policy.limits.aliases),
        ):
            if value > bound:
                raise HubError(
                    ErrorCode.QUERY_TOO_COMPLEX,
                    f"the document's {label} is {value}; the policy of department '{policy.department}' allows {bound}",
                    fix="ask for fewer fields, or split the operation into documents of their own",
                )


def _invalid(errors: list[GraphQLError]) -> HubError:
    messages = [error.message for error in errors]
    return HubError(
        ErrorCode.BAD_USER_INPUT,
        "the document is not valid against the hub's schema: " + "; ".join(messages),
        fix="correct the operation (schema/hub.graphql is the schema) and register it again",
        extra={"graphqlErrors": messages},
    )


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def _purposes(root: SelectedField, policy: Policy) -> list[Purpose]:
    """Answers the purposes a root field may state: the one written in it, or any of the policy's (a variable)."""
    if root.name not in RECORD_READS | CHECKS:
        return []
    stated = root.arguments.get("purpose")
    allowed = sorted(policy.purposes)
    return allowed if stated is None else [p for p in allowed if p.name == stated]


def _entries(root: SelectedField, purpose: Purpose, policy: Policy) -> Iterable[ProfileEntry]:
    kinds = [k for k in SubjectKind if k is SubjectKind.LEGAL_ENTITY or policy.natural_persons]
    for kind in kinds:
        direct: Mapping[str, Iterable[str]]
        linked: Mapping[str, Iterable[str]]
        if root.name in RECORD_READS:
            found = requested_fields(root.selections)
            direct, linked = found.fields, found.linked
        else:
            person = kind is SubjectKind.NATURAL_PERSON
            direct, linked = ({**REQUESTED, **REPRESENTATION}, LINKED) if person else (REQUESTED, {})
        yield from _decided(policy, purpose, kind, kind, direct, "")
        if kind is SubjectKind.NATURAL_PERSON:
            yield from _decided(policy, purpose, kind, SubjectKind.LEGAL_ENTITY, linked, "represented.")


def _decided(
    policy: Policy, purpose: Purpose, kind: SubjectKind, decided_as: SubjectKind,
    requested: Mapping[str, Iterable[str]], prefix: str,
) -> Iterable[ProfileEntry]:  # fmt: skip
    for record_type, names in requested.items():
        for name in names:
            action = policy.decide(purpose, decided_as, f"{record_type}.{name}").action
            form = FORMS[action]
            consent = form != "denied" and policy.consent.needed(decided_as, record_type)
            yield ProfileEntry(purpose.value, kind.value, f"{prefix}{record_type}.{name}", form, consent)
