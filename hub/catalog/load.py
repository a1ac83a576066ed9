"""Reads and validates schema/catalog.yaml into a Catalog, naming file:line on any error."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hub.catalog.collection import CollectedField, Collection
from hub.catalog.model import (
    Catalog,
    CatalogField,
    CatalogSpec,
    Domain,
    EntryChecks,
    EntryChecksSpec,
    Exit,
    Period,
    RecordType,
    RecordTypeSpec,
    Severity,
    SeverityClass,
    parse_period,
)
from hub.catalog.yamlfile import YamlDocument, load_yaml
from hub.errors import ConfigError
from hub.identity.codes import SubjectKind

_FIX = "see the header of schema/catalog.yaml for the allowed keys and values"


def load_catalog(path: Path) -> Catalog:
    """Answers the catalogue in `path`, or raises ConfigError at the offending line."""
    document = load_yaml(path)
    spec = document.validate(CatalogSpec, _FIX)
    record_types: dict[str, RecordType] = {}
    for rt_name, rt in spec.record_types.items():
        for attr in ("period_from", "period_until", "decided_by"):
            named = getattr(rt, attr)
            if named is not None and named not in rt.fields:
                raise ConfigError(
                    f"record type '{rt_name}': {attr} names '{named}', which is not one of its fields",
                    place=document.place(("record_types", rt_name, attr)),
                    fix=f"name one of: {', '.join(rt.fields)}",
                )
        if rt.disclosure_period is not None and rt.period_from is None:
            raise ConfigError(
                f"record type '{rt_name}' has a disclosure period but no period_from",
                place=document.place(("record_types", rt_name, "disclosure_period")),
                fix="name the date field the period counts from in period_from",
            )
        kinds = frozenset(SubjectKind(kind) for kind in rt.subject_kinds)
        fields: dict[str, CatalogField] = {}
        for field_name, spec_field in rt.fields.items():
            classes = (
                dict.fromkeys(SubjectKind, spec_field.pd_class)
                if isinstance(spec_field.pd_class, str)
                else {SubjectKind(k): v for k, v in spec_field.pd_class.items()}
            )
            missing = [kind.value for kind in kinds if kind not in classes]
            if missing:
                raise ConfigError(
                    f"field '{rt_name}.{field_name}' has no pd_class for {', '.join(missing)}",
                    place=document.place(("record_types", rt_name, "fields", field_name)),
                    fix="give a pd_class for every subject kind the record type applies to",
                )
            fields[field_name] = CatalogField(
                record_type=rt_name,
                name=field_name,
                pd_classes=classes,
                sharing=spec_field.sharing,
                legal_basis=spec_field.legal_basis or rt.legal_basis,
                title=spec_field.title or field_name,
            )
        record_types[rt_name] = RecordType(
            name=rt_name,
            title=rt.title,
            many=rt.cardinality == "many",
            subject_kinds=kinds,
            department=rt.department,
            legal_basis=rt.legal_basis,
            period=parse_period(rt.disclosure_period),
            period_from=rt.period_from,
            period_until=rt.period_until,
            fields=fields,
            severity=_severity(document, rt_name, rt),
            exits=_exits(document, rt_name, rt),
            entry_checks=_entry_checks(document, rt_name, rt),
            decided_by=rt.decided_by,
            collection=_collection(document, rt_name, rt),
        )
    authorities = tuple((key, tuple(words)) for key, words in spec.authorities.items())
    return Catalog(record_types=record_types, authorities=authorities)


def _collection(document: YamlDocument, rt_name: str, rt: RecordTypeSpec) -> Collection | None:
    """Answers how items of the record type are submitted, refusing a block naming unknown fields at its line."""
    spec = rt.collection
    if spec is None:
        return None
    for index, name in enumerate(spec.key):
        _field_named(document, rt_name, rt, ("collection", "key", str(index)), name)
    _field_named(document, rt_name, rt, ("collection", "decided_on"), spec.decided_on)
    fields: dict[str, CollectedField] = {}
    for name, one in spec.fields.items():
        _field_named(document, rt_name, rt, ("collection", "fields", name), name)
        if one.not_before is not None:
            _field_named(document, rt_name, rt, ("collection", "fields", name, "not_before"), one.not_before)
        pd_class = rt.fields[name].pd_class
        free_text = "free_text" in (set(pd_class.values()) if isinstance(pd_class, dict) else {pd_class})
        fields[name] = CollectedField(
            name, one.type, one.required, one.max_length, frozenset(one.values) if one.values else None,
            one.not_before, tuple(one.aliases), free_text,
        )  # fmt: skip
    for name in (*spec.key, spec.decided_on):
        if name not in fields or not fields[name].required:
            raise ConfigError(
                f"record type '{rt_name}': collection names '{name}' in key or decided_on but not as a required field",
                place=document.place(("record_types", rt_name, "collection", "fields")),
                fix=f"add '{name}: {{required: true}}' under collection.fields",
            )
    return Collection(
        rt_name, tuple(spec.key), spec.decided_on, spec.deadline_working_days, spec.legal_basis,
        tuple(spec.subject_aliases), fields,
    )  # fmt: skip


_PROBE = date(2001, 1, 1)  # any day: periods are compared by where they end from one start


def _longer(first: Period, second: Period) -> bool:
    return first.ends(_PROBE) > second.ends(_PROBE)


def _field_named(document: YamlDocument, rt_name: str, rt: RecordTypeSpec, key: tuple[str, ...], name: str) -> None:
    if name not in rt.fields:
        raise ConfigError(
            f"record type '{rt_name}': {'.'.join(key)} names '{name}', which is not one of its fields",
            place=document.place(("record_types", rt_name, *key)),
            fix=f"name one of: {', '.join(rt.fields)}",
        )


def _severity(document: YamlDocument, rt_name: str, rt: RecordTypeSpec) -> Severity | None:
    """Answers the record type's severity classes, refusing an inconsistent set at its line."""
    spec = rt.severity
    if spec is None:
        return None
    _field_named(document, rt_name, rt, ("severity", "field"), spec.field)
    ceiling = parse_period(rt.disclosure_period)
    if ceiling is None:
        raise ConfigError(
            f"record type '{rt_name}' has severity classes but no disclosure_period",
            place=document.place(("record_types", rt_name, "severity")),
            fix="set disclosure_period to the longest period any class may have",
        )
    classes: list[SeverityClass] = []
    seen: dict[str, str] = {}
    longest: SeverityClass | None = None
    for name, cls in spec.classes.items():
        where = ("record_types", rt_name, "severity", "classes", name)
        period, repair_after = parse_period(cls.disclosure_period), parse_period(cls.repair_after)
        problem, fix = _class_problem(cls.published, period, repair_after, ceiling, longest)
        if problem:
            raise ConfigError(f"severity class '{rt_name}.{name}' {problem}", place=document.place(where), fix=fix)
        for word in cls.match:
            if word in seen:
                raise ConfigError(
                    f"severity class '{rt_name}.{name}' matches '{word}', which class '{seen[word]}' matches too",
                    place=document.place((*where, "match")),
                    fix="a category word belongs to one class only",
                )
            seen[word] = name
        found = SeverityClass(name, cls.title, tuple(cls.match), cls.published, period, repair_after)
        classes.append(found)
        longest = found if found.period is not None else longest
    by_name = {cls.name: cls for cls in classes}
    if spec.default not in by_name:
        raise ConfigError(
            f"record type '{rt_name}': severity.default names '{spec.default}', which is not one of its classes",
            place=document.place(("record_types", rt_name, "severity", "default")),
            fix=f"name one of: {', '.join(by_name)}",
        )
    return Severity(spec.field, spec.legal_basis, tuple(classes), by_name[spec.default])


def _class_problem(
    published: bool, period: Period | None, repair_after: Period | None, ceiling: Period, longest: SeverityClass | None
) -> tuple[str, str]:
    """Answers what is inconsistent in one class (and the fix), or empty strings."""
    if not published:
        if period is not None or repair_after is not None:
            return "is not published, so it takes no disclosure_period or repair_after", "remove both, or publish it"
        return "", ""
    if period is None:
        return "is published but has no disclosure_period", "set disclosure_period (an ISO 8601 duration)"
    if _longer(period, ceiling):
        return (
            f"is published for {period.text}, longer than the record type's disclosure_period {ceiling.text}",
            "shorten the class's period or raise the record type's",
        )
    if repair_after is not None and _longer(repair_after, period):
        return (
            f"may be repaired only after {repair_after.text}, past its disclosure period {period.text}",
            "repair_after is a minimum period and must not exceed disclosure_period",
        )
    if longest is not None and longest.period is not None and _longer(longest.period, period):
        return (
            f"is listed after the less serious class '{longest.name}' but published for less "
            f"({period.text} < {longest.period.text})",
            "list classes from least to most serious, each published at least as long as the one before",
        )
    return "", ""


def _exits(document: YamlDocument, rt_name: str, rt: RecordTypeSpec) -> Exit | None:
    if rt.exits is None:
        return None
    _field_named(document, rt_name, rt, ("exits", "field"), rt.exits.field)
    return Exit(rt.exits.field, frozenset(rt.exits.values), rt.exits.legal_basis)


def _entry_checks(document: YamlDocument, rt_name: str, rt: RecordTypeSpec) -> EntryChecks | None:
    spec: EntryChecksSpec | None = rt.entry_checks
    if spec is None:
        return None
    for key in ("list_field", "basis_field", "act_date_field", "domain_field"):
        _field_named(document, rt_name, rt, ("entry_checks", key), getattr(spec, key))
    unchecked = sorted(set(spec.domain_lists) - set(spec.checked_lists))
    if unchecked:
        raise ConfigError(
            f"record type '{rt_name}': entry_checks.domain_lists names '{unchecked[0]}', which is not checked",
            place=document.place(("record_types", rt_name, "entry_checks", "domain_lists")),
            fix="add it to checked_lists, or remove it from domain_lists",
        )
    domains = tuple(Domain(key, d.title, tuple(d.match)) for key, d in spec.domains.items())
    return EntryChecks(
        spec.legal_basis, spec.list_field, frozenset(spec.checked_lists), spec.basis_field, spec.act_date_field,
        spec.adult_age, spec.domain_field, frozenset(spec.domain_lists), domains, tuple(spec.lenient),
    )  # fmt: skip
