"""The shared shape of our pattern recognizers: width-normalised input, context boost, USCC exclusion."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from stdnum.cn import uscc

from hub.privacy.masking import half_width

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

LANGUAGE = "zh"
REGEX_FLAGS = int(re.DOTALL | re.MULTILINE)

_CODE_CHAR = re.compile(r"[0-9A-Z]")


def normalize(text: str) -> str:
    """Answers the text with full-width letters, digits and signs made ASCII, one for one (offsets kept)."""
    return half_width(text)


def inside_organisation_code(text: str, start: int, end: int) -> bool:
    """Answers whether text[start:end] lies in an 18-character token that is a valid USCC."""
    left, right = start, end
    while left > 0 and _CODE_CHAR.match(text[left - 1]):
        left -= 1
    while right < len(text) and _CODE_CHAR.match(text[right]):
        right += 1
    return right - left == 18 and bool(uscc.is_valid(text[left:right]))


class ChinesePatternRecognizer(PatternRecognizer):
    """A Presidio pattern recognizer for Chinese text, configured by class attributes.

    Subclasses set ENTITY, PATTERNS, CONTEXT and TRIGGER, and may override validate_result,
    invalidate_result and exclude. A CONTEXT word within CONTEXT_WINDOW characters before a match
    raises its score by CONTEXT_BOOST; this works on characters, so no NLP engine is needed.
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[Pattern, ...]]
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    TRIGGER: ClassVar[re.Pattern[str]]
    CONTEXT_WINDOW: ClassVar[int] = 12
    CONTEXT_BOOST: ClassVar[float] = 0.3

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
        found: list[RecognizerResult] = []
        for result in super().analyze(plain, entities, nlp_artifacts, regex_flags):
            if self.exclude(plain, result.start, result.end):
                continue
            span = self.refine(plain, result.start, result.end)
            if span is None:
                continue
            result.start, result.end = span
            if self.has_context(plain, result.start):
                result.score = min(1.0, result.score + self.CONTEXT_BOOST)
            found.append(result)
        return found

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
