"""Mappings of kind `hub` (schema/sources/*.yaml): another Credit Hub, and the record types it answers for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.catalog.model import Catalog
from hub.catalog.yamlfile import YamlDocument
from hub.errors import ConfigError

HUB_KIND = "hub"
_FIX = "see docs/sources.md, 'A hub as a source'"


class HubSourceSpec(BaseModel):
    """A whole schema/sources/<name>.yaml file of kind `hub`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    kind: Literal["hub"]
    title: str
    url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/\S*)?$")
    timeout_ms: int | None = Field(default=None, ge=10, le=60_000)
    record_types: list[str] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class HubSourceMap:
    """Another hub: where it answers (unless the settings say), and every catalogue field of its record types."""

    name: str
    title: str
    url: str | None
    timeout_ms: int | None
    record_types: dict[str, frozenset[str]]
    path: Path


def is_hub_mapping(document: YamlDocument) -> bool:
    """Answers whether a mapping file declares `kind: hub`."""
    return isinstance(document.data, dict) and document.data.get("kind") == HUB_KIND


def load_hub_map(document: YamlDocument, catalog: Catalog) -> HubSourceMap:
    """Answers the hub mapping in `document` checked against the catalogue, or raises ConfigError at file:line."""
    spec = document.validate(HubSourceSpec, _FIX)
    path = document.path
    if spec.name != path.stem:
        raise ConfigError(
            f"source name '{spec.name}' differs from the file name",
            place=document.place(("name",)),
            fix=f"name the source '{path.stem}' or rename the file",
        )
    record_types: dict[str, frozenset[str]] = {}
    for index, name in enumerate(spec.record_types):
        record_type = catalog.record_types.get(name)
        if record_type is None:
            raise ConfigError(
                f"record type '{name}' is not in the catalogue",
                place=document.place(("record_types", index)),
                fix=f"use one of: {', '.join(catalog.record_types)}",
            )
        if name in record_types:
            raise ConfigError(
                f"record type '{name}' is listed twice",
                place=document.place(("record_types", index)),
                fix="list each record type once",
            )
        record_types[name] = frozenset(record_type.fields)
    return HubSourceMap(spec.name, spec.title, spec.url, spec.timeout_ms, record_types, path)
