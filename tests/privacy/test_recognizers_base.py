"""What every pattern recognizer shares: width normalisation and scanning only the pieces that can match."""

from __future__ import annotations

import dataclasses

from hub.demo.generator import subject_facts
from hub.privacy.masking import half_width
from hub.privacy.recognizers import AddressRecognizer, normalize
from hub.privacy.recognizers._base import Excerpt
from tests.privacy.cases import NEVER_PERSONAL
from tests.privacy.test_redact import DECISION


class WholeTextAddressRecognizer(AddressRecognizer):
    """The address recognizer scanning the whole text, the reference for its pieces."""

    def pieces(self, text: str) -> None:
        return None


def spans(recognizer: AddressRecognizer, text: str) -> list[tuple[int, int, float]]:
    """Answers where the recognizer finds addresses in the text, and how sure it is."""
    return [(r.start, r.end, r.score) for r in recognizer.analyze(text, ["ADDRESS"])]


def demo_texts(subjects: int) -> list[str]:
    """Answers every free text of the first demo subjects (decisions, judgments, licences, addresses)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str) and len(value) >= 8:
            found.append(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for index in range(subjects):
        walk(subject_facts(20240501, index))
    return found


def test_normalize_is_half_width_for_every_character() -> None:
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    assert normalize(every) == half_width(every)
    assert normalize("电话１３８") == "电话138"
    plain = "电话138"
    assert normalize(plain) is plain


def test_an_excerpt_maps_its_offsets_back() -> None:
    excerpt = Excerpt.of("ab--cd---ef", [(0, 2), (4, 6), (9, 11)], "\n")
    assert excerpt.text == "ab\ncd\nef"
    assert [excerpt.text.index(piece) + excerpt.shift(excerpt.text.index(piece)) for piece in "abcdef"] == [
        0,
        1,
        4,
        5,
        9,
        10,
    ]
    assert Excerpt.of("whole", None, "\n") == Excerpt("whole", (0,), (0,))
    assert Excerpt.of("none", [], "\n").text == ""


def test_addresses_found_in_pieces_are_those_found_in_the_whole_text() -> None:
    pieces, whole = AddressRecognizer(), WholeTextAddressRecognizer()
    for text in [DECISION, *NEVER_PERSONAL, *demo_texts(300)]:
        assert spans(pieces, text) == spans(whole, text), text


def test_the_pieces_of_an_address_are_the_stretches_around_a_number() -> None:
    text = "经查，当事人于2024年3月5日在太原市迎泽区柳巷南路23号院销售过期食品，罚款5000元。"
    [(start, end)] = AddressRecognizer().pieces(text)
    assert text[start:end] == "当事人于2024年3月5日在太原市迎泽区柳巷南路23号院销售过期食品"
