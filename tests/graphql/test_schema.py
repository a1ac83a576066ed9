"""The GraphQL schema: committed SDL in step with the code, and nothing exposed beyond the catalogue."""

from __future__ import annotations

import strawberry

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.graphql import types
from hub.graphql.schema import build_schema
from hub.graphql.selection import ITEM_META, LINKED_LISTS, LIST_FIELDS, META_FIELDS, REGISTRATION_FIELDS
from hub.records.service import REPRESENTATION

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
ITEM_TYPES = {
    "licence": types.Licence,
    "penalty": types.Penalty,
    "listing": types.Listing,
    "court_dishonesty": types.CourtDishonesty,
    "tax_credit": types.TaxCredit,
    "report": types.Report,
    "commitment": types.Commitment,
    "representation": types.RepresentedEnterprise,
}


def _fields(cls: type) -> set[str]:
    return {f.python_name for f in cls.__strawberry_definition__.fields}  # type: ignore[attr-defined]


def test_committed_sdl_matches_the_code() -> None:
    committed = (resource_dir("schema") / "hub.graphql").read_text(encoding="utf-8")
    assert committed == build_schema().as_str() + "\n", "run `credit-hub schema export` and commit schema/hub.graphql"


def test_every_subject_field_is_catalogued_or_meta() -> None:
    registration = CATALOG.record_types["registration"].fields
    for name in _fields(types.Subject) - META_FIELDS:
        if name in REGISTRATION_FIELDS:
            assert name in registration
        elif name == "legal_representative":
            for leaf in _fields(types.LegalRepresentative):
                assert f"legal_representative.{leaf}" in registration
        else:
            assert name in LIST_FIELDS, f"Subject.{name} is neither catalogued nor meta"


def test_every_item_field_is_catalogued_or_meta() -> None:
    for record_type, cls in ITEM_TYPES.items():
        exposed = _fields(cls) - ITEM_META
        if record_type == REPRESENTATION:
            exposed -= set(LINKED_LISTS)
        extra = exposed - set(CATALOG.record_types[record_type].fields)
        assert not extra, f"{cls.__name__} exposes {extra}, which the catalogue does not list"


def test_catalogue_types_all_have_a_graphql_home() -> None:
    derived = {"evaluation"}  # graded by the hub, answered by the `evaluation` query, kept by no source
    assert set(ITEM_TYPES) | {"registration"} | derived == set(CATALOG.record_types)
    assert isinstance(build_schema(), strawberry.Schema)
