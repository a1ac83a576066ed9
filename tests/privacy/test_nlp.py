"""The blank spaCy pipeline: where it lives, built once, loaded by path, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from presidio_analyzer.nlp_engine import SpacyNlpEngine

from hub.errors import ConfigError
from hub.privacy.nlp import (
    build_nlp_engine,
    default_pipeline_dir,
    empty_artifacts,
    ensure_blank_pipeline,
    is_pipeline_dir,
)


def test_default_location_is_under_the_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_pipeline_dir().parent == tmp_path / "credit-hub"
    assert default_pipeline_dir().name.startswith("spacy-zh-blank-")


def test_is_written_once_and_then_reused(tmp_path: Path) -> None:
    target = tmp_path / "a" / "pipeline"
    assert ensure_blank_pipeline(target) == target
    assert is_pipeline_dir(target)
    stamp = (target / "config.cfg").stat().st_mtime_ns
    assert ensure_blank_pipeline(target) == target
    assert (target / "config.cfg").stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.joinpath("a").iterdir()] == ["pipeline"]


def test_an_empty_directory_is_filled(tmp_path: Path) -> None:
    ensure_blank_pipeline(tmp_path)
    assert is_pipeline_dir(tmp_path)


def test_the_engine_uses_the_character_segmenter_by_path(tmp_path: Path) -> None:
    engine = build_nlp_engine(tmp_path / "p")
    assert isinstance(engine, SpacyNlpEngine)
    artifacts = engine.process_text("太原市138", "zh")
    assert [t.text for t in artifacts.tokens] == ["太", "原", "市", "1", "3", "8"]
    assert engine.get_nlp("zh").config["nlp"]["tokenizer"]["segmenter"] == "char"


def test_the_artifacts_handed_to_presidio_hold_nothing(tmp_path: Path) -> None:
    engine = build_nlp_engine(tmp_path / "p")
    artifacts = empty_artifacts(engine)
    assert (len(artifacts.tokens), artifacts.entities, artifacts.lemmas, artifacts.keywords) == (0, [], [], [])
    assert artifacts.nlp_engine is engine


def test_a_foreign_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConfigError, match="holds no spaCy pipeline"):
        ensure_blank_pipeline(tmp_path)


def test_an_unwritable_place_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot write the spaCy pipeline"):
        ensure_blank_pipeline(tmp_path / "file" / "p")


def test_a_damaged_pipeline_is_a_config_error(tmp_path: Path) -> None:
    ensure_blank_pipeline(tmp_path)
    (tmp_path / "config.cfg").write_text("[nlp\nbroken", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot load the spaCy pipeline"):
        build_nlp_engine(tmp_path)
