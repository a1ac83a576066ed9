"""creditCheck for approval systems: one batched read of all subjects (and their legal representatives)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from hub.errors import HubError
from hub.federation.fetch import Federation, SourceOutcome
from hub.identity.codes import SubjectCode, SubjectKind, parse_subject_code
from hub.measures.evaluate import evaluate
from hub.measures.facts import LINKED, REPRESENTATION, REQUESTED, Refusal, standing
from hub.measures.model import MeasureKind, MeasureList, MeasuresList
from hub.measures.results import CreditCheck
from hub.policy.decision import Action
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose
from hub.store.rights_rows import ItemMark

REP_ID = "legal_representative.id_number"


class ReadAnswer(Protocol):
    """What the records service answers (hub.records.service.ReadResult has these)."""

    @property
    def views(self) -> Sequence[object]: ...
    @property
    def disclosures(self) -> Sequence[object]: ...
    @property
    def marks(self) -> Mapping[str, ItemMark]: ...
    @property
    def failed_sources(self) -> Sequence[tuple[int, SourceOutcome]]: ...


Planned = Callable[[list[Any]], None]  # handed what a read lets out, from its plan, before anything is fetched


class Reader(Protocol):
    """Reads subjects under the caller's policy and purpose, with the rights overlay applied."""

    def __call__(
        self, policy: Policy, org: str | None, purpose: Purpose, codes: Sequence[SubjectCode],
        requested: Mapping[str, frozenset[str]], today: date, *, linked: Mapping[str, frozenset[str]] | None = None,
        on_planned: Planned | None = None,
    ) -> Awaitable[ReadAnswer]: ...  # fmt: skip


@dataclass
class CheckBatch:
    """Checks in input order (or the refusal for a subject), what was read for them, and failed sources."""

    results: list[CreditCheck | Refusal]
    disclosures: list[object] = field(default_factory=list)
    failed: list[tuple[int, SourceOutcome]] = field(default_factory=list)
    # enterprises whose entries reached a person (code -> catalogue fields read): the receipt names them too
    enterprises_read: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class _Representatives:
    of: dict[str, str] = field(default_factory=dict)
    views: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    marks: dict[str, ItemMark] = field(default_factory=dict)
    disclosures: list[object] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)


class CheckService:
    """Answers credit checks; reads through the records service so policy, periods and overlay all hold."""

    def __init__(self, measures: MeasuresList, reader: Reader, federation: Federation) -> None:
        self.measures = measures
        self.reader = reader
        self.federation = federation

    async def check(
        self, policy: Policy, org: str | None, purpose: Purpose, codes: Sequence[SubjectCode], matter: str,
        today: date, on_planned: Planned | None = None,
    ) -> CheckBatch:  # fmt: skip
        """Answers the check of every subject for `matter`: one read per source, plus one for representatives.

        `on_planned` is handed, before anything is fetched, what the check will disclose, where its plan alone
        knows that: no legal representative and no represented enterprise to look up first (else it is not called).
        """
        of_matter = self.measures.for_matter(matter)
        linking = any(m.legal_representative for m in of_matter) and (
            policy.decide(purpose, SubjectKind.LEGAL_ENTITY, f"registration.{REP_ID}").action is not Action.DENY
        )
        entities = [c for c in codes if c.kind is SubjectKind.LEGAL_ENTITY and policy.in_scope(c)] if linking else []
        # A person is offered no reward and reached by `reaches` punishments through a seriously dishonest
        # enterprise they represent, so their view carries those enterprises and their serious entries.
        represents = any(c.kind is SubjectKind.NATURAL_PERSON for c in codes) and any(
            m.reaches_representatives or m.kind is MeasureKind.REWARD for m in of_matter
        )
        requested = {**REQUESTED, **REPRESENTATION} if represents else REQUESTED
        planned = on_planned if not entities and not represents else None
        main, reps = await asyncio.gather(
            self.reader(
                policy, org, purpose, codes, requested, today, linked=LINKED if represents else {}, on_planned=planned
            ),
            self._representatives(policy, org, purpose, entities, today),
        )
        missing: dict[int, set[str]] = {}
        for index, outcome in main.failed_sources:
            missing.setdefault(index, set()).update(outcome.record_types & REQUESTED.keys())
        marks = {**main.marks, **reps.marks}
        results: list[CreditCheck | Refusal] = []
        for index, code in enumerate(codes):
            view = main.views[index]
            if not isinstance(view, dict):
                assert isinstance(view, Refusal)
                results.append(view)
                continue
            rep = reps.of.get(code.value)
            lacking = missing.get(index, set()) | ({"legal_representative"} if code.value in reps.unknown else set())
            found = standing(
                code.value, code.kind, view, marks, today,
                representative=reps.views.get(rep) if rep else None, missing=lacking, represents=represents,
            )  # fmt: skip
            results.append(evaluate(self.measures, matter, found, today, of_matter=of_matter))
        batch = CheckBatch(results, [*main.disclosures, *reps.disclosures], list(main.failed_sources))
        batch.enterprises_read = _looked_up(results)
        return batch

    async def _representatives(
        self, policy: Policy, org: str | None, purpose: Purpose, entities: Sequence[SubjectCode], today: date
    ) -> _Representatives:
        found = _Representatives()
        if not entities:
            return found
        fetched = await self.federation.fetch([c.value for c in entities], {"registration": frozenset({REP_ID})})
        if any(o.failed for o in fetched.outcomes.values()):
            found.unknown.update(c.value for c in entities)
        for code in entities:
            for row in fetched.rows.get(code.value, {}).get("registration", []):
                person = _person(row.get(REP_ID))
                if person is not None:
                    found.of[code.value] = person.value
                    break
        persons = sorted({code for code in found.of.values()})
        if not persons:
            return found
        parsed = [parse_subject_code(code) for code in persons]
        answer = await self.reader(policy, org, purpose, parsed, LINKED, today)
        failed = {index for index, outcome in answer.failed_sources if outcome.record_types & LINKED.keys()}
        for index, person_code in enumerate(persons):
            view = answer.views[index]
            if isinstance(view, dict):
                found.views[person_code] = view
            if index in failed or (isinstance(view, Refusal) and str(view.code) != "NOT_FOUND"):
                found.unknown.update(e for e, p in found.of.items() if p == person_code)
        found.marks.update(answer.marks)
        found.disclosures.extend(answer.disclosures)
        return found


def _looked_up(results: Sequence[CreditCheck | Refusal]) -> dict[str, set[str]]:
    """Answers, per enterprise a person's check was read through, the catalogue fields its entries showed."""
    seen: dict[str, set[str]] = {}
    for result in results:
        for basis in result.entries if isinstance(result, CreditCheck) else ():
            if basis.through is not None and basis.through.code:
                record_type = "listing" if basis.list is MeasureList.BLACK else "court_dishonesty"
                seen.setdefault(basis.through.code, set()).update(f"{record_type}.{f}" for f in LINKED[record_type])
    return seen


def _person(raw: object) -> SubjectCode | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        code = parse_subject_code(raw)
    except HubError:
        return None
    return code if code.kind is SubjectKind.NATURAL_PERSON else None
