"""How a rule applies to each catalogue field, the sharing ceiling, and the checks on every rule."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from hub.catalog.model import Catalog, CatalogField, RecordType, Sharing
from hub.catalog.yamlfile import Key, YamlDocument
from hub.errors import ConfigError
from hub.identity.codes import SubjectKind
from hub.policy.decision import MASKER_FOR_CLASS, Action, parse_decision
from hub.policy.model import PolicySpec, Rules, RuleSpec
from hub.policy.purposes import DepartmentKind, Purpose


@dataclass(frozen=True, slots=True)
class Entry:
    """One catalogue field under a rule: the decision text that applies to it and where it is written."""

    field: CatalogField
    text: str
    key: Key


def entries(rule: RuleSpec, record_type: RecordType, prefix: Key) -> Iterator[Entry]:
    """Answers each field of the record type with the decision the rule gives it."""
    for name, found in record_type.fields.items():
        if name in rule.fields:
            yield Entry(found, rule.fields[name], (*prefix, "fields", name))
        else:
            yield Entry(found, rule.default, (*prefix, "default"))


def rule_for(spec: PolicySpec, purpose: Purpose, record_type: str) -> RuleSpec | None:
    """Answers the rule for a record type under a purpose: its by_purpose override, else the base rule."""
    override = spec.by_purpose.get(purpose, {})
    return override[record_type] if record_type in override else spec.rules.get(record_type)


def ceiling(spec: PolicySpec, record_type: RecordType, field: CatalogField, action: Action) -> Sharing:
    """Answers the most restricted sharing level the department may see this field at with `action`."""
    if capped(spec, record_type, field):
        return Sharing.PUBLIC
    return spec.max_sharing if action is Action.ALLOW else spec.masked_ceiling


def shown_as(action: Action, masker: str | None, field: CatalogField, kind: SubjectKind) -> Action:
    """Answers how the value really leaves: `mask` of a field with nothing personal to mask shows it in clear."""
    if action is Action.MASK and masker is None and MASKER_FOR_CLASS[field.pd_class(kind)] is None:
        return Action.ALLOW
    return action


def capped(spec: PolicySpec, record_type: RecordType, field: CatalogField) -> bool:
    """Answers whether own_records_only limits this field to its public level."""
    foreign = record_type.department != spec.department
    return spec.row_scope.own_records_only and foreign and field.path not in spec.row_scope.exceptions


def rule_sets(spec: PolicySpec) -> Iterator[tuple[Key, Rules]]:
    """Answers the base rules and each purpose's overrides with the key path they are written at."""
    yield ("rules",), spec.rules
    for purpose, rules in spec.by_purpose.items():
        yield ("by_purpose", purpose.value), rules


def check_rules(document: YamlDocument, spec: PolicySpec, catalog: Catalog) -> None:
    """Answers nothing; raises ConfigError at the first rule the catalogue or the ceilings refuse."""
    for prefix, rules in rule_sets(spec):
        for rt_name, rule in rules.items():
            record_type = catalog.record_types.get(rt_name)
            if record_type is None:
                raise ConfigError(
                    f"unknown record type '{rt_name}'",
                    place=document.place((*prefix, rt_name)),
                    fix=f"use a record type of schema/catalog.yaml: {', '.join(catalog.record_types)}",
                )
            for name in rule.fields:
                if name not in record_type.fields:
                    raise ConfigError(
                        f"record type '{rt_name}' has no field '{name}' in the catalogue",
                        place=document.place((*prefix, rt_name, "fields", name)),
                        fix=f"use one of: {', '.join(record_type.fields)}",
                    )
            for entry in entries(rule, record_type, (*prefix, rt_name)):
                _check_entry(document, spec, record_type, entry)


def _check_entry(document: YamlDocument, spec: PolicySpec, record_type: RecordType, entry: Entry) -> None:
    written, masker = parse_decision(entry.text)
    if written is Action.DENY:
        return
    found, place = entry.field, document.place(entry.key)
    deny_it = f"write `{found.name}: deny` under {record_type.name}.fields"
    if found.sharing is Sharing.CONFIDENTIAL:
        raise ConfigError(
            f"'{found.path}' is confidential in the catalogue: no policy may allow or mask it",
            place=place,
            fix=deny_it,
        )
    for kind in sorted(record_type.subject_kinds):
        action = shown_as(written, masker, found, kind)
        top = ceiling(spec, record_type, found, action)
        if found.sharing.rank > top.rank:
            raise ConfigError(
                f"'{found.path}' is {found.sharing} in the catalogue, above the {top} level "
                f"'{spec.department}' may see {'in clear' if action is Action.ALLOW else 'masked'}"
                + (" (it holds no personal data, so `mask` shows it as it is)" if action is not written else "")
                + (" in another department's records (own_records_only)" if capped(spec, record_type, found) else ""),
                place=place,
                fix=deny_it,
            )
        if spec.kind is DepartmentKind.PUBLIC and action is Action.ALLOW and found.pd_class(kind) != "none":
            raise ConfigError(
                f"'{found.path}' holds personal data: the public may only see it masked",
                place=place,
                fix=f"write `{found.name}: mask` under {record_type.name}.fields",
            )
