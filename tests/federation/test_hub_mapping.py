"""Mappings of kind `hub`: another hub and the record types it answers for, checked with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.errors import ConfigError
from hub.federation.mapping import load_hub_maps, load_source_maps

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
GOOD = """name: taiyuan
kind: hub
title: 太原市 hub
url: http://127.0.0.1:8001
timeout_ms: 1500
record_types: [registration, penalty]
"""


def _folder(tmp_path: Path, text: str, name: str = "taiyuan") -> Path:
    (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_hub_mapping_names_every_catalogue_field_of_its_record_types(tmp_path: Path) -> None:
    folder = _folder(tmp_path, GOOD)
    hub = load_hub_maps(folder, CATALOG)["taiyuan"]
    assert hub.url == "http://127.0.0.1:8001"
    assert hub.timeout_ms == 1500
    assert hub.record_types["penalty"] == frozenset(CATALOG.record_types["penalty"].fields)
    assert load_source_maps(folder, CATALOG) == {}, "database mappings and hub mappings stay apart"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD.replace("penalty]", "fine]"), 6, "not in the catalogue"),
        (GOOD.replace("penalty]", "registration]"), 6, "listed twice"),
        (GOOD.replace("url: http://127.0.0.1:8001", "url: ftp://x"), 4, "url"),
        (GOOD + "tables: {}\n", 7, "tables"),
        (GOOD.replace("name: taiyuan", "name: datong"), 1, "differs from the file name"),
    ],
)
def test_a_bad_hub_mapping_is_refused_at_its_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_hub_maps(_folder(tmp_path, text), CATALOG)
    assert words in raised.value.message
    assert raised.value.place == f"{tmp_path / 'taiyuan.yaml'}:{line}"
