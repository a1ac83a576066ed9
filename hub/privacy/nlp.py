"""The offline NLP pipeline Presidio runs on: a blank spaCy `zh` pipeline, saved once, loaded by path.

`spacy.blank("zh")` uses the character segmenter, which needs no download (jieba and pkuseg would).
Presidio's SpacyNlpEngine only downloads a model whose name is neither an installed package nor an
existing path, so loading by path keeps start-up offline.

The pipeline has no tagger, lemmatizer or NER, and our recognizers read characters, not tokens; so
the analysis is handed `empty_artifacts()` rather than running the pipeline over every text (which
built one spaCy token and one lemma per character, most of the cold cost).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

import spacy
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine, NlpEngineProvider
from spacy.tokens import Doc
from spacy.vocab import Vocab

from hub.errors import ConfigError
from hub.privacy.recognizers import LANGUAGE

_PIPELINE_FILES = ("config.cfg", "meta.json")


def default_pipeline_dir() -> Path:
    """Answers where the blank pipeline is cached: `$XDG_CACHE_HOME/credit-hub/spacy-zh-blank-<spaCy version>`."""
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "credit-hub" / f"spacy-zh-blank-{version('spacy')}"


def is_pipeline_dir(directory: Path) -> bool:
    """Answers whether a directory holds a saved spaCy pipeline."""
    return all((directory / name).is_file() for name in _PIPELINE_FILES)


def ensure_blank_pipeline(directory: Path | None = None) -> Path:
    """Answers the directory of a saved blank `zh` pipeline, writing it there first if it is missing."""
    target = directory or default_pipeline_dir()
    if is_pipeline_dir(target):
        return target
    if target.exists() and any(target.iterdir()):
        raise ConfigError(
            f"{target} exists but holds no spaCy pipeline",
            fix="remove that directory or pass an empty or new one",
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".spacy-zh-", dir=target.parent))
    except OSError as exc:
        raise _unwritable(target, exc) from None
    try:
        spacy.blank(LANGUAGE).to_disk(staging)
        os.replace(staging, target)
    except OSError as exc:
        if not is_pipeline_dir(target):
            raise _unwritable(target, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _unwritable(target: Path, exc: OSError) -> ConfigError:
    return ConfigError(
        f"cannot write the spaCy pipeline to {target}: {exc.strerror or exc}",
        fix="pass a writable directory, or set XDG_CACHE_HOME to one",
    )


def build_nlp_engine(directory: Path | None = None) -> NlpEngine:
    """Answers a loaded Presidio spaCy engine whose only model is the blank pipeline, loaded by path."""
    path = ensure_blank_pipeline(directory)
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": LANGUAGE, "model_name": str(path)}],
        }
    )
    try:
        return provider.create_engine()
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot load the spaCy pipeline at {path}: {exc}",
            fix="remove that directory; it is rebuilt on the next start",
        ) from None


def empty_artifacts(engine: NlpEngine) -> NlpArtifacts:
    """Answers the NLP artifacts of any text under the blank pipeline as our recognizers see them: none.

    Built once and shared: no recognizer or enhancer of ours reads or changes them.
    """
    return NlpArtifacts(
        entities=[],
        tokens=Doc(Vocab(), words=[]),
        tokens_indices=[],
        lemmas=[],
        nlp_engine=engine,
        language=LANGUAGE,
        scores=[],
    )
