"""The shared shape of our pattern recognizers: width-normalised input, context boost, USCC exclusion."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from stdnum.cn import uscc

from hub.privacy.masking import half_width

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

LANGUAGE = "zh"
REGEX_FLAGS = int(re.DOTALL | re.MULTILINE)

_CODE_CHAR = re.compile(r"[0-9A-Z]")
_WIDE = re.compile(
    "[" + "".join(re.escape(c) for c in map(chr, (0x3000, *range(0xFF01, 0xFF5F))) if half_width(c) != c) + "]"
)


def normalize(text: str) -> str:
    """Answers the text with full-width letters, digits and signs made ASCII, one for one (offsets kept)."""
    return half_width(text) if _WIDE.search(text) else text


def inside_organisation_code(text: str, start: int, end: int) -> bool:
    """Answers whether text[start:end] lies in an 18-character token that is a valid USCC."""
    left, right = start, end
    while left > 0 and right - left <= 18 and _CODE_CHAR.match(text[left - 1]):
        left -= 1
    while right < len(text) and right - left <= 18 and _CODE_CHAR.match(text[right]):
        right += 1
    return right - left == 18 and bool(uscc.is_valid(text[left:right]))


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Pieces of a text joined by a separator, and where each piece starts in the excerpt and in the text."""

    text: str
    starts: tuple[int, ...]
    origins: tuple[int, ...]

    @classmethod
    def of(cls, text: str, pieces: Sequence[tuple[int, int]] | None, separator: str) -> Excerpt:
        """Answers the excerpt of the given pieces of the text (the whole text when pieces is None)."""
        if pieces is None:
            return cls(text, (0,), (0,))
        starts, position = [], 0
        for start, end in pieces:
            starts.append(position)
            position += end - start + len(separator)
        joined = separator.join(text[start:end] for start, end in pieces)
        return cls(joined, tuple(starts), tuple(start for start, _ in pieces))

    def shift(self, offset: int) -> int:
        """Answers what to add to an offset in the excerpt to get the offset in the text."""
        piece = bisect_right(self.starts, offset) - 1
        return self.origins[piece] - self.starts[piece]


class ChinesePatternRecognizer(PatternRecognizer):
    """A Presidio pattern recognizer for Chinese text, configured by class attributes.

    Subclasses set ENTITY, PATTERNS, CONTEXT and TRIGGER, and may override validate_result,
    invalidate_result, exclude, refine and pieces. A CONTEXT word within CONTEXT_WINDOW characters
    before a match raises its score by CONTEXT_BOOST; with CONTEXT_REQUIRED, a match without one is
    dropped. This works on characters, so no NLP engine is needed. When pieces() names the only
    spans that can hold a match, the patterns scan just those, joined by SEPARATOR; offsets are
    mapped back before exclude, refine and the context rule, which read the whole text.
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[Pattern, ...]]
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    TRIGGER: ClassVar[re.Pattern[str]]
    CONTEXT_WINDOW: ClassVar[int] = 12
    CONTEXT_BOOST: ClassVar[float] = 0.3
    CONTEXT_REQUIRED: ClassVar[bool] = False
    SEPARATOR: ClassVar[str] = "\n"

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=type(self).__name__,
            supported_language=LANGUAGE,
            patterns=[Pattern(p.name, p.regex, p.score) for p in self.PATTERNS],
            context=list(self.CONTEXT),
            global_regex_flags=REGEX_FLAGS,
        )

    def may_match(self, text: str) -> bool:
        """Answers cheaply whether this recognizer could find anything in the text at all."""
        return self.TRIGGER.search(text) is not None

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Answers the matches in the text, offsets into the text as given."""
        if not self.may_match(text):
            return []
        plain = normalize(text)
        excerpt = Excerpt.of(plain, self.pieces(plain), self.SEPARATOR)
        if not excerpt.text:
            return []
        found: list[RecognizerResult] = []
        for result in super().analyze(excerpt.text, entities, nlp_artifacts, regex_flags):
            shift = excerpt.shift(result.start)
            result.start, result.end = result.start + shift, result.end + shift
            if self.exclude(plain, result.start, result.end):
                continue
            span = self.refine(plain, result.start, result.end)
            if span is None:
                continue
            result.start, result.end = span
            if self.has_context(plain, result.start):
                result.score = min(1.0, result.score + self.CONTEXT_BOOST)
            elif self.CONTEXT_REQUIRED:
                continue
            found.append(result)
        return found

    def pieces(self, text: str) -> Sequence[tuple[int, int]] | None:
        """Answers the spans of the text that can hold a match (in order, apart), or None to scan it all.

        An override answers for this: every match of the patterns lies inside one span, and at a
        span's ends the patterns (lookarounds included) behave as they do next to SEPARATOR, which
        none of them can match.
        """
        return None

    def has_context(self, text: str, start: int) -> bool:
        """Answers whether a CONTEXT word appears just before the match."""
        before = text[max(0, start - self.CONTEXT_WINDOW) : start]
        return any(word in before for word in self.CONTEXT)

    def exclude(self, text: str, start: int, end: int) -> bool:
        """Answers whether a match is not personal data after all (an organisation's code, by default)."""
        return inside_organisation_code(text, start, end)

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Answers the span to report for a match, or None to drop it."""
        return start, end
