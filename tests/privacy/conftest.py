"""Fixtures for the privacy tests: one blank spaCy pipeline and one Redactor per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.privacy.redact import Redactor


@pytest.fixture(scope="session")
def pipeline_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("nlp") / "spacy-zh-blank"


@pytest.fixture(scope="session")
def redactor(pipeline_dir: Path) -> Redactor:
    return Redactor(pipeline_dir=pipeline_dir)
