"""The catalogue loads, and a broken one names file:line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.catalog.load import load_catalog
from hub.catalog.model import Sharing, parse_period
from hub.config import resource_dir
from hub.errors import ConfigError
from hub.identity.codes import SubjectKind

CATALOG = resource_dir("schema") / "catalog.yaml"


def test_shipped_catalogue_loads() -> None:
    catalog = load_catalog(CATALOG)
    assert {"registration", "penalty", "listing", "court_dishonesty", "tax_credit", "report"} <= set(
        catalog.record_types
    )
    reporter = catalog.field("report.reporter_name")
    assert reporter is not None
    assert reporter.sharing is Sharing.CONFIDENTIAL
    name = catalog.field("registration.name")
    assert name is not None
    assert name.pd_class(SubjectKind.LEGAL_ENTITY) == "none"
    assert name.pd_class(SubjectKind.NATURAL_PERSON) == "person_name"
    assert catalog.field("penalty.nonexistent") is None


def test_period_end_counts_years_months_days() -> None:
    from datetime import date

    period = parse_period("P1Y2M3D")
    assert period is not None
    assert period.ends(date(2024, 12, 31)) == date(2026, 3, 3)
    assert parse_period(None) is None


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = """version: 1
record_types:
  penalty:
    title: t
    cardinality: many
    subject_kinds: [LEGAL_ENTITY]
    department: market-regulation
    legal_basis: b
    disclosure_period: P3Y
    period_from: decided_on
    fields:
      decided_on: {pd_class: none, sharing: public}
"""


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (BASE.replace("sharing: public", "sharing: everyone"), 12, "sharing"),
        (BASE.replace("pd_class: none", "pd_class: dna"), 12, "unknown personal-data class"),
        (BASE.replace("P3Y", "three years"), 9, "ISO 8601"),
        (BASE.replace("period_from: decided_on", "period_from: listed_on"), 10, "not one of its fields"),
        (BASE.replace("cardinality: many", "cardinality: many\n    colour: red"), 6, "colour"),
        (BASE + "  bad: [unclosed\n", 14, "YAML syntax error"),
    ],
)
def test_broken_catalogue_names_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_catalog(path)
    message = caught.value.render()
    assert f"{path}:{line}" in message
    assert words in message
