"""Source mappings (schema/sources/*.yaml): a source's native tables and columns -> catalogue fields."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.catalog.model import Catalog
from hub.catalog.yamlfile import load_yaml
from hub.errors import ConfigError
from hub.federation.hub_mapping import HubSourceMap, is_hub_mapping, load_hub_map

_FIX = "see docs/sources.md for the mapping format"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldMapSpec(_Strict):
    """How one canonical field is read: a column (with an optional date format or code table) or a constant."""

    column: str | None = None
    const: str | int | None = None
    format: str | None = None
    values: dict[str, str] | None = None
    key: str | None = None  # the member of a JSON column holding the field (a hub-managed source's items)

    @model_validator(mode="after")
    def _column_or_const(self) -> FieldMapSpec:
        if (self.column is None) == (self.const is None):
            raise ValueError("give exactly one of 'column' or 'const'")
        return self


class RecordTypeMapSpec(_Strict):
    """Where one record type lives in a source."""

    table: str
    subject_key: str
    item_key: str
    filter: dict[str, str | int] = Field(default_factory=dict)
    fields: dict[str, str | FieldMapSpec] = Field(min_length=1)


class SourceMapSpec(_Strict):
    """A whole schema/sources/<name>.yaml file."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    title: str
    timeout_ms: int | None = Field(default=None, ge=10, le=60_000)
    managed: bool = False  # the hub creates and migrates this source (migrations/collected), departments submit
    record_types: dict[str, RecordTypeMapSpec] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class FieldMap:
    """A resolved canonical field: its column or constant, date format and code translation."""

    field: str
    column: str | None
    const: Any
    date_format: str | None
    values: dict[str, str] | None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class RecordTypeMap:
    """A record type inside one source, with the place it was declared for error messages."""

    record_type: str
    table: str
    subject_key: str
    item_key: str
    filter: dict[str, Any]
    fields: dict[str, FieldMap]
    place: str
    places: dict[str, str]

    def column_place(self, column: str) -> str:
        """Answers file:line where the mapping names a native column (or the record type's line)."""
        return self.places.get(column, self.place)


@dataclass(frozen=True, slots=True)
class SourceMap:
    """A source and every record type it provides."""

    name: str
    title: str
    timeout_ms: int | None
    record_types: dict[str, RecordTypeMap]
    path: Path
    managed: bool = False


def load_source_map(path: Path, catalog: Catalog) -> SourceMap:
    """Answers the mapping in `path` checked against the catalogue, or raises ConfigError at file:line."""
    document = load_yaml(path)
    spec = document.validate(SourceMapSpec, _FIX)
    if spec.name != path.stem:
        raise ConfigError(
            f"source name '{spec.name}' differs from the file name",
            place=document.place(("name",)),
            fix=f"name the source '{path.stem}' or rename the file",
        )
    record_types: dict[str, RecordTypeMap] = {}
    for rt_name, rt in spec.record_types.items():
        where = ("record_types", rt_name)
        catalog_rt = catalog.record_types.get(rt_name)
        if catalog_rt is None:
            raise ConfigError(
                f"record type '{rt_name}' is not in the catalogue",
                place=document.place(where),
                fix=f"use one of: {', '.join(catalog.record_types)}",
            )
        fields: dict[str, FieldMap] = {}
        for field_name, raw in rt.fields.items():
            if field_name not in catalog_rt.fields:
                raise ConfigError(
                    f"field '{rt_name}.{field_name}' is not in the catalogue",
                    place=document.place((*where, "fields", field_name)),
                    fix=f"map only catalogue fields: {', '.join(catalog_rt.fields)}",
                )
            one = FieldMapSpec(column=raw) if isinstance(raw, str) else raw
            fields[field_name] = FieldMap(field_name, one.column, one.const, one.format, one.values, one.key)
        places: dict[str, str] = {}
        for key in ("table", "subject_key", "item_key"):
            places.setdefault(getattr(rt, key), document.place((*where, key)))
        for column in rt.filter:
            places.setdefault(column, document.place((*where, "filter", column)))
        for field_name, field_map in fields.items():
            if field_map.column is not None:
                places.setdefault(field_map.column, document.place((*where, "fields", field_name)))
        record_types[rt_name] = RecordTypeMap(
            record_type=rt_name,
            table=rt.table,
            subject_key=rt.subject_key,
            item_key=rt.item_key,
            filter=dict(rt.filter),
            fields=fields,
            place=document.place(where),
            places=places,
        )
    return SourceMap(spec.name, spec.title, spec.timeout_ms, record_types, path, spec.managed)


def load_source_maps(directory: Path, catalog: Catalog) -> dict[str, SourceMap]:
    """Answers every database mapping in a directory keyed by source name (mappings of kind `hub` apart)."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise ConfigError("no source mappings found", place=str(directory), fix="add schema/sources/<name>.yaml")
    return {
        source.name: source
        for source in (load_source_map(path, catalog) for path in files if not is_hub_mapping(load_yaml(path)))
    }


def load_hub_maps(directory: Path, catalog: Catalog) -> dict[str, HubSourceMap]:
    """Answers every mapping of kind `hub` in a directory keyed by source name."""
    documents = (load_yaml(path) for path in sorted(directory.glob("*.yaml")))
    return {hub.name: hub for hub in (load_hub_map(doc, catalog) for doc in documents if is_hub_mapping(doc))}
