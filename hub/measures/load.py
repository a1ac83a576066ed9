"""Reads policies/measures.yaml at start-up; any error names file:line, the reason and a fix."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from hub.catalog.model import parse_period
from hub.catalog.yamlfile import YamlDocument, load_yaml
from hub.errors import ConfigError
from hub.identity.codes import SubjectKind
from hub.measures.model import (
    SERIOUS_LISTS,
    Commitments,
    Measure,
    MeasureKind,
    MeasureList,
    MeasuresList,
    MeasureSpec,
    MeasuresSpec,
    Monitoring,
)
from hub.policy.load import reject_duplicate_keys

FILE_NAME = "measures.yaml"
_FIX = "see the header of policies/measures.yaml for the keys and values a measure may use"
_MATTER = re.compile(r"^[A-Z][A-Z_]{2,39}$")
_NAMES_REPRESENTATIVE = re.compile(r"法定代表人|主要负责人")


def load_measures(path: Path, departments: Collection[str] | None = None) -> MeasuresList:
    """Answers the compiled measures list in `path`, or raises ConfigError at the offending line.

    With `departments` (the policies' keys), every initiating department must be one of them.
    """
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
            reaches_roles=frozenset(measure.reaches.roles) if measure.reaches else frozenset(),
            reaches_basis=measure.reaches.legal_basis if measure.reaches else None,
        )
    _check_initiators(document, spec, departments)
    commitments = _commitments(document, spec)
    monitoring = spec.monitoring
    return MeasuresList(
        dict(spec.matters), measures, spec.green_channel.clean_record_years, spec.green_channel.legal_basis,
        Monitoring(monitoring.respond_within_days, monitoring.feed_back_within_days, monitoring.legal_basis)
        if monitoring else Monitoring(),
        {department: frozenset(roles) for department, roles in spec.initiators.items()},
        commitments,
    )  # fmt: skip


def _commitments(document: YamlDocument, spec: MeasuresSpec) -> Commitments:
    """Answers the 告知承诺 rules, refusing an undeclared matter or a red list that would bar it."""
    found = spec.commitments
    if found is None:
        return Commitments()
    for position, matter in enumerate(found.matters):
        if matter not in spec.matters:
            raise ConfigError(
                f"commitments name matter '{matter}', which is not declared under 'matters'",
                place=document.place(("commitments", "matters", position)),
                fix=f"declare it or use one of: {', '.join(spec.matters)}",
            )
    for position, barring in enumerate(found.barred_lists):
        if barring is MeasureList.RED:
            raise ConfigError(
                "the red list cannot bar a subject from 告知承诺",
                place=document.place(("commitments", "barred_lists", position)),
                fix="list BLACK, KEY_ATTENTION, COURT_DISHONESTY or BROKEN_COMMITMENT",
            )
    return Commitments(
        frozenset(found.matters), parse_period(found.barred_for), frozenset(found.barred_lists), found.legal_basis
    )


def _check_initiators(document: YamlDocument, spec: MeasuresSpec, departments: Collection[str] | None) -> None:
    """Refuses an initiating department that no policy names, or a role that no measure is initiated by."""
    roles = {role for measure in spec.measures for role in measure.initiating}
    for department, held in spec.initiators.items():
        if departments is not None and department not in departments:
            raise ConfigError(
                f"initiating department '{department}' has no policy",
                place=document.place(("initiators", department)),
                fix=f"use a department key of policies/: {', '.join(sorted(departments))}",
            )
        for position, role in enumerate(held):
            if role not in roles:
                raise ConfigError(
                    f"'{role}' initiates no measure of the list",
                    place=document.place(("initiators", department, position)),
                    fix="use a role written under some measure's `initiating`",
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
            fix="use kind: REWARD with lists: [RED], or a punishment on BLACK, KEY_ATTENTION, COURT_DISHONESTY "
            "or BROKEN_COMMITMENT",
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
    _check_reach(document, where, measure)


def _check_reach(document: YamlDocument, where: tuple[str, int], measure: MeasureSpec) -> None:
    """Refuses a measure whose `reaches` contradicts its kind, lists, subject kinds or its own content."""
    if measure.reaches is None:
        if _NAMES_REPRESENTATIVE.search(measure.content):
            raise ConfigError(
                f"measure '{measure.code}' says it reaches the legal representative (含法定代表人) "
                "but has no `reaches`",
                place=document.place((*where, "content")),
                fix="add `reaches: {roles: [法定代表人, 主要负责人], legal_basis: ...}` or reword the content",
            )
        return
    place = document.place((*where, "reaches"))
    if measure.kind is MeasureKind.REWARD:
        raise ConfigError("only a punishment reaches the representatives of an enterprise", place=place, fix=_FIX)
    if not SERIOUS_LISTS & set(measure.lists):
        raise ConfigError(
            "only serious dishonesty (BLACK or COURT_DISHONESTY) reaches the representatives of an enterprise",
            place=place,
            fix="add BLACK or COURT_DISHONESTY to `lists`, or remove `reaches` (000 #30: 严重失信行为)",
        )
    if SubjectKind.LEGAL_ENTITY not in measure.subject_kinds:
        raise ConfigError(
            "a measure reaches representatives through an enterprise, yet `subject_kinds` leaves enterprises out",
            place=document.place((*where, "subject_kinds")),
            fix="add LEGAL_ENTITY to `subject_kinds`, or remove `reaches`",
        )


def measures_path(policies_dir: Path) -> Path:
    """Answers where the measures list of a policies folder lives."""
    return policies_dir / FILE_NAME
