"""Reads and validates schema/catalog.yaml into a Catalog, naming file:line on any error."""

from __future__ import annotations

from pathlib import Path

from hub.catalog.model import (
    Catalog,
    CatalogField,
    CatalogSpec,
    RecordType,
    parse_period,
)
from hub.catalog.yamlfile import load_yaml
from hub.errors import ConfigError
from hub.identity.codes import SubjectKind

_FIX = "see the header of schema/catalog.yaml for the allowed keys and values"


def load_catalog(path: Path) -> Catalog:
    """Answers the catalogue in `path`, or raises ConfigError at the offending line."""
    document = load_yaml(path)
    spec = document.validate(CatalogSpec, _FIX)
    record_types: dict[str, RecordType] = {}
    for rt_name, rt in spec.record_types.items():
        for attr in ("period_from", "period_until"):
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
        )
    return Catalog(record_types=record_types)
