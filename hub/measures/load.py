"""Reads policies/measures.yaml at start-up; any error names file:line, the reason and a fix."""

from __future__ import annotations

import re
from pathlib import Path

from hub.catalog.model import parse_period
from hub.catalog.yamlfile import YamlDocument, load_yaml
from hub.errors import ConfigError
from hub.measures.model import Measure, MeasureKind, MeasureList, MeasuresList, MeasureSpec, MeasuresSpec
from hub.policy.load import reject_duplicate_keys

FILE_NAME = "measures.yaml"
_FIX = "see the header of policies/measures.yaml for the keys and values a measure may use"
_MATTER = re.compile(r"^[A-Z][A-Z_]{2,39}$")


def load_measures(path: Path) -> MeasuresList:
    """Answers the compiled measures list in `path`, or raises ConfigError at the offending line."""
    document = load_yaml(path)
    reject_duplicate_keys(document)
    spec = document.validate(MeasuresSpec, _FIX)
    for matter in spec.matters:
        if not _MATTER.match(matter):
            raise ConfigError(
                f"matter '{matter}' is not an upper-case name", place=document.place(("matters", matter)), fix=_FIX
            )
    measures: dict[str, Measure] = {}
    for index, measure in enumerate(spec.measures):
        _check(document, index, measure, spec, measures)
        measures[measure.code] = Measure(
            code=measure.code,
            content=measure.content,
            kind=measure.kind,
            legal_basis=measure.legal_basis,
            initiating=tuple(measure.initiating),
            implementing=tuple(measure.implementing),
            lists=tuple(dict.fromkeys(measure.lists)),
            matters=tuple(measure.matters),
            mandatory=measure.mandatory,
            duration=parse_period(measure.duration),
            legal_representative=measure.legal_representative,
            clean_record=measure.clean_record,
            subject_kinds=frozenset(measure.subject_kinds),
        )
    return MeasuresList(
        dict(spec.matters), measures, spec.green_channel.clean_record_years, spec.green_channel.legal_basis
    )


def _check(
    document: YamlDocument, index: int, measure: MeasureSpec, spec: MeasuresSpec, seen: dict[str, Measure]
) -> None:
    where = ("measures", index)
    if measure.code in seen:
        raise ConfigError(
            f"measure code '{measure.code}' is written twice", place=document.place((*where, "code")),
            fix="give every measure its own code",
        )  # fmt: skip
    for position, matter in enumerate(measure.matters):
        if matter not in spec.matters:
            raise ConfigError(
                f"matter '{matter}' is not declared under 'matters'",
                place=document.place((*where, "matters", position)),
                fix=f"declare it or use one of: {', '.join(spec.matters)}",
            )
    reward = measure.kind is MeasureKind.REWARD
    if reward != (set(measure.lists) == {MeasureList.RED}):
        raise ConfigError(
            "a reward rests on the red list only, and a punishment never on it",
            place=document.place((*where, "lists")),
            fix="use kind: REWARD with lists: [RED], or a punishment on BLACK, KEY_ATTENTION or COURT_DISHONESTY",
        )
    if measure.clean_record and not reward:
        raise ConfigError(
            "clean_record applies to rewards only", place=document.place((*where, "clean_record")), fix=_FIX
        )
    if measure.legal_representative and reward:
        raise ConfigError(
            "legal_representative applies to punishments only",
            place=document.place((*where, "legal_representative")),
            fix=_FIX,
        )


def measures_path(policies_dir: Path) -> Path:
    """Answers where the measures list of a policies folder lives."""
    return policies_dir / FILE_NAME
