"""Desensitising free text: find personal data with Presidio and our recognizers, mask each find by class."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

from hub.privacy.masking import MASKERS
from hub.privacy.nlp import build_nlp_engine, empty_artifacts
from hub.privacy.recognizers import (
    ENTITY_TYPES,
    LANGUAGE,
    PD_CLASS_OF_ENTITY,
    ChinesePatternRecognizer,
    KnownNamesRecognizer,
    build_recognizers,
)

DEFAULT_CACHE_SIZE = 2048
MAX_CACHED_CHARS = 20_000
_MIN_ADDRESS_CHARS = 4
_TIE_ORDER = {name: rank for rank, name in enumerate(ENTITY_TYPES)}


@dataclass(frozen=True, slots=True)
class Entity:
    """One piece of personal data found: its type and where it is in the input text."""

    type: str
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class Redaction:
    """A redacted text and the entities masked in it (offsets into the input text)."""

    text: str
    entities: tuple[Entity, ...]


@dataclass(frozen=True, slots=True)
class _Loaded:
    """The loaded engine and the NLP artifacts it is handed for every text."""

    engine: AnalyzerEngine
    artifacts: NlpArtifacts


class _CharacterContext(ContextAwareEnhancer):
    """Leaves scores alone: our recognizers read their context words from the characters themselves."""

    def __init__(self) -> None:
        super().__init__(0.0, 0.0, 0, 0)

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Answers the results unchanged."""
        return raw_results


def resolve_overlaps(candidates: Iterable[Entity]) -> tuple[Entity, ...]:
    """Answers non-overlapping entities in text order: highest score, then longest, wins.

    Addresses come last and are cut around the others, because an address mask keeps its
    administrative prefix visible and must not keep a name or number visible with it.
    """
    ordered = sorted(
        candidates,
        key=lambda e: (e.type == "ADDRESS", -e.score, e.start - e.end, _TIE_ORDER.get(e.type, 99), e.start),
    )
    taken: list[Entity] = []
    for candidate in ordered:
        clashes = [t for t in taken if t.start < candidate.end and candidate.start < t.end]
        if not clashes:
            taken.append(candidate)
        elif candidate.type == "ADDRESS" and (piece := _largest_free_piece(candidate, clashes)):
            taken.append(Entity(candidate.type, piece[0], piece[1], candidate.score))
    return tuple(sorted(taken, key=lambda e: e.start))


def _largest_free_piece(entity: Entity, clashes: list[Entity]) -> tuple[int, int] | None:
    pieces, position = [], entity.start
    for clash in sorted(clashes, key=lambda e: e.start):
        if clash.start > position:
            pieces.append((position, clash.start))
        position = max(position, clash.end)
    if position < entity.end:
        pieces.append((position, entity.end))
    best = max(pieces, key=lambda p: p[1] - p[0], default=None)
    return best if best and best[1] - best[0] >= _MIN_ADDRESS_CHARS else None


def apply_masks(text: str, entities: Sequence[Entity]) -> str:
    """Answers the text with each (non-overlapping, ordered) entity replaced by its class's mask."""
    parts, position = [], 0
    for entity in entities:
        parts.append(text[position : entity.start])
        parts.append(MASKERS[PD_CLASS_OF_ENTITY[entity.type]](text[entity.start : entity.end]))
        position = entity.end
    parts.append(text[position:])
    return "".join(parts)


class Redactor:
    """Finds and masks personal data in free text; build one per process and share it between threads.

    The Presidio engine is loaded on first use (or by `load()`), results are kept in an LRU cache
    keyed by the text and the known names found in it, and a text no recognizer could match (and
    holding no known name) skips the engine entirely. The engine is handed empty NLP artifacts
    (`empty_artifacts`) instead of running the blank spaCy pipeline over every text: our
    recognizers and the context step read characters only.
    """

    def __init__(self, *, pipeline_dir: Path | None = None, cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        self._pipeline_dir = pipeline_dir
        self._cache_size = max(0, cache_size)
        self._recognizers: list[ChinesePatternRecognizer] = build_recognizers()
        self._state: _Loaded | None = None
        self._engine_lock = threading.Lock()
        self._analysis_lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, tuple[str, ...]], Redaction] = OrderedDict()
        self._cache_lock = threading.Lock()

    def load(self) -> None:
        """Answers nothing; loads the engine now rather than on the first text (for start-up)."""
        self._loaded()

    @property
    def loaded(self) -> bool:
        """Answers whether the Presidio engine has been loaded yet."""
        return self._state is not None

    @property
    def engine(self) -> AnalyzerEngine:
        """Answers the Presidio engine, loading it first if needed."""
        return self._loaded().engine

    def redact(self, text: str, known_names: Sequence[str] = ()) -> Redaction:
        """Answers the text with its personal data masked, and what was masked where."""
        names = tuple(sorted({n.strip() for n in known_names if len(n.strip()) >= 2 and n.strip() in text}))
        key = (text, names)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        entities = resolve_overlaps(self._find(text, names))
        redaction = Redaction(apply_masks(text, entities), entities)
        if self._cache_size and len(text) <= MAX_CACHED_CHARS:
            with self._cache_lock:
                self._cache[key] = redaction
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return redaction

    def _find(self, text: str, present: tuple[str, ...]) -> list[Entity]:
        if not present and not any(r.may_match(text) for r in self._recognizers):
            return []
        loaded = self._loaded()
        ad_hoc: list[EntityRecognizer] | None = [KnownNamesRecognizer(present)] if present else None
        with self._analysis_lock:
            results = loaded.engine.analyze(
                text=text,
                language=LANGUAGE,
                entities=list(ENTITY_TYPES),
                ad_hoc_recognizers=ad_hoc,
                nlp_artifacts=loaded.artifacts,
            )
        return [Entity(r.entity_type, r.start, r.end, round(r.score, 3)) for r in results]

    def _loaded(self) -> _Loaded:
        if self._state is None:
            with self._engine_lock:
                if self._state is None:
                    registry = RecognizerRegistry(recognizers=self._recognizers, supported_languages=[LANGUAGE])
                    nlp_engine = build_nlp_engine(self._pipeline_dir)
                    engine = AnalyzerEngine(
                        registry=registry,
                        nlp_engine=nlp_engine,
                        supported_languages=[LANGUAGE],
                        context_aware_enhancer=_CharacterContext(),
                    )
                    self._state = _Loaded(engine, empty_artifacts(nlp_engine))
        return self._state
