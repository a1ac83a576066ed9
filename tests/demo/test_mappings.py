"""Every mapping names only native tables/columns that exist and canonical fields the catalogue lists."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from sqlalchemy import Date, String, Table

from hub.config import resource_dir
from hub.demo.native import NATIVE_SCHEMAS, loaded_tables
from tests.demo.support import SOURCE_NAMES, SOURCES_DIR, mapping

CATALOG: dict[str, Any] = yaml.safe_load((resource_dir("schema") / "catalog.yaml").read_text(encoding="utf-8"))
DATE_FIELDS = {
    "registered_on",
    "decided_on",
    "valid_until",
    "listed_on",
    "expires_on",
    "filed_on",
    "published_on",
    "assessed_on",
    "received_on",
}
LIST_VALUES = {"RED", "BLACK", "KEY_ATTENTION"}


def _column_of(spec: object) -> str | None:
    if isinstance(spec, str):
        return spec
    assert isinstance(spec, dict), spec
    assert set(spec) <= {"column", "format", "values", "const"}, spec
    if "const" in spec:
        assert set(spec) == {"const"}, spec
        return None
    return str(spec["column"])


def _indexed(table: Table, column: str) -> bool:
    col = table.c[column]
    return col.primary_key or bool(col.unique) or any(index.columns.keys()[0] == column for index in table.indexes)


def test_there_is_one_mapping_per_demo_source() -> None:
    assert {path.stem for path in SOURCES_DIR.glob("*.yaml")} >= set(SOURCE_NAMES)


@pytest.mark.parametrize("source", SOURCE_NAMES)
def test_mapping_names_only_existing_tables_columns_and_catalogue_fields(source: str) -> None:
    data = mapping(source)
    assert set(data) <= {"name", "title", "timeout_ms", "record_types"}
    assert data["name"] == source
    assert isinstance(data["title"], str)
    assert data["title"]
    assert isinstance(data["timeout_ms"], int)
    assert 10 <= data["timeout_ms"] <= 60_000
    tables = NATIVE_SCHEMAS[source].tables
    for record_type, spec in data["record_types"].items():
        assert record_type in CATALOG["record_types"], record_type
        assert set(spec) <= {"table", "subject_key", "item_key", "filter", "fields"}, spec
        table = tables[spec["table"]]
        for key in ("subject_key", "item_key"):
            assert spec[key] in table.c, f"{source}.{record_type}.{key}"
        for column, value in (spec.get("filter") or {}).items():
            assert column in table.c, f"{source}.{record_type}.filter.{column}"
            assert isinstance(value, str), f"{source}.{record_type}.filter.{column}: quote the value"
        catalogue_fields = CATALOG["record_types"][record_type]["fields"]
        for field, field_spec in spec["fields"].items():
            assert field in catalogue_fields, f"{source}.{record_type}.{field} is not in the catalogue"
            column = _column_of(field_spec)
            if column is None:
                continue
            assert column in table.c, f"{source}.{record_type}.{field}: no column {column}"
            if field in DATE_FIELDS:
                formatted = isinstance(field_spec, dict) and "format" in field_spec
                native_type = table.c[column].type
                assert isinstance(native_type, String) if formatted else isinstance(native_type, Date), field
            if field == "list":
                assert set(field_spec["values"].values()) == LIST_VALUES


@pytest.mark.parametrize("source", SOURCE_NAMES)
def test_subject_keys_are_indexed_and_item_keys_identify_rows(source: str) -> None:
    loaded = {table.name for table in loaded_tables(source)}
    for record_type, spec in mapping(source)["record_types"].items():
        if spec["table"] not in loaded:
            continue  # a view: its tables' keys are checked where they are mapped or below
        table = NATIVE_SCHEMAS[source].tables[spec["table"]]
        assert _indexed(table, spec["subject_key"]), f"{source}.{record_type}.subject_key"
        item = table.c[spec["item_key"]]
        assert item.primary_key or item.unique, f"{source}.{record_type}.item_key"


def test_datong_registration_view_stands_on_indexed_codes() -> None:
    tables = NATIVE_SCHEMAS["datong"].tables
    assert tables["t_corp"].c.uscc.unique
    assert tables["t_person"].c.id_no.unique
    assert _indexed(tables["t_corp"], "legal_id")
