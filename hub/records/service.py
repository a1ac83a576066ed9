"""Reads subjects for a caller: plan per subject kind, consent, fetch from all sources, shape, receipts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from hub.catalog.model import Catalog
from hub.errors import ErrorCode, HubError
from hub.federation.adapter import ITEM, Row
from hub.federation.caller import CALLER
from hub.federation.fetch import Federation, Fetched, SourceOutcome
from hub.federation.remote_query import WITHHELD
from hub.identity.codes import SubjectCode, SubjectKind, parse_subject_code
from hub.metrics import HubMetrics
from hub.policy.decision import Action
from hub.policy.policy import Plan, Policy
from hub.policy.purposes import Purpose
from hub.privacy.disclose import Disclosure, FieldRule, View, Withheld
from hub.records.planned import planned_disclosures
from hub.records.shape import Shaper
from hub.store.flagged import FlaggedEntry
from hub.store.read_faults import ReadFault
from hub.store.rights_rows import ItemMark

REGISTRATION = "registration"
REPRESENTATION = "representation"
VIEW_KEYS = {
    "licence": "licences",
    "penalty": "penalties",
    "listing": "listings",
    "court_dishonesty": "court_dishonesty",
    "tax_credit": "tax_credit",
    "report": "reports",
    "commitment": "commitments",
    REPRESENTATION: "represented_enterprises",
}
LINKED_TYPES = ("listing", "court_dishonesty")
_NAME_FIELDS = frozenset({"name", "legal_representative.name"})

Requested = Mapping[str, frozenset[str]]
ConsentLookup = Callable[[Sequence[str], str, Purpose], Awaitable[dict[str, tuple[frozenset[str], frozenset[str]]]]]
OverlayLookup = Callable[[Sequence[str]], Awaitable[Mapping[str, ItemMark]]]
# The overlay at hand without I/O (an in-memory mirror), or None when only the lookup can tell.
FlagSink = Callable[[Sequence[FlaggedEntry]], Awaitable[None]]
FaultSink = Callable[[Sequence[ReadFault]], Awaitable[None]]
OverlayAtHand = Callable[[Sequence[str]], Mapping[str, ItemMark] | None]


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """One data query: who (policy, organisation), why (purpose), about whom, and what fields."""

    policy: Policy
    org: str | None
    purpose: Purpose
    codes: Sequence[SubjectCode]
    requested: Requested
    linked: Requested = field(default_factory=dict)


@dataclass
class Linked:
    """The enterprises linked to the persons read: who may be shown, their rows, refusals, and their receipts."""

    shown: frozenset[str] = frozenset()
    rows: dict[str, dict[str, list[Row]]] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    disclosures: dict[str, Disclosure] = field(default_factory=dict)

    def disclosure(self, code: str) -> Disclosure:
        """Answers the receipt of what the read disclosed of the linked subject `code` (one per subject)."""
        found = self.disclosures.get(code)
        if found is None:
            found = self.disclosures[code] = Disclosure(code)
        return found


@dataclass
class ReadResult:
    """Views in input order (or a Withheld for the whole subject), receipts, source outcomes, overlay marks."""

    views: list[View | Withheld]
    disclosures: list[Disclosure]
    outcomes: dict[str, SourceOutcome]
    failed_sources: list[tuple[int, SourceOutcome]]
    marks: Mapping[str, ItemMark] = field(default_factory=dict)


def _note_caller(purpose: Purpose, consented: Mapping[str, tuple[frozenset[str] | None, frozenset[str]]]) -> None:
    """Answers nothing; tells the hubs this read asks (hub.federation.remote) its purpose and the consents it holds."""
    caller = CALLER.get()
    if caller is not None:
        consent_ids = tuple(sorted({i for _, ids in consented.values() for i in ids}))
        CALLER.set(replace(caller, purpose=purpose.value, consent_ids=consent_ids))


class RecordService:
    """The one place that decides, fetches and shapes credit data for any caller."""

    def __init__(
        self,
        catalog: Catalog,
        federation: Federation,
        shaper: Shaper,
        consents: ConsentLookup | None = None,
        overlay: OverlayLookup | None = None,
        overlay_at_hand: OverlayAtHand | None = None,
        flagged: FlagSink | None = None,
        metrics: HubMetrics | None = None,
        faulted: FaultSink | None = None,
    ) -> None:
        self.catalog = catalog
        self.federation = federation
        self.shaper = shaper
        self.consents = consents
        self.overlay = overlay
        self.overlay_at_hand = overlay_at_hand
        self.flagged = flagged
        self.faulted = faulted
        self._period_fields = {name: rt.rule_fields for name, rt in catalog.record_types.items()}
        self.metrics = metrics

    async def read(
        self, request: ReadRequest, today: date, on_planned: Callable[[list[Disclosure]], None] | None = None
    ) -> ReadResult:
        """Answers the caller's view of each subject under its department's policy; `on_planned` is handed, before
        anything is fetched, what the plan lets out of each subject (hub.records.planned)."""
        started = time.perf_counter()
        by_kind = {kind: self._answerable(request, kind) for kind in {code.kind for code in request.codes}}
        plans = {kind: request.policy.plan(request.purpose, kind, found.requested) for kind, found in by_kind.items()}
        # Scope, jurisdiction and consent are decided on the code alone, before anything is looked up: a
        # caller who may not see a subject gets the same answer whether or not it is on record.
        refused = {code.value: reason for code in request.codes if (reason := request.policy.out_of_scope(code))}
        consented = await self._consents(request, plans, refused)
        _note_caller(request.purpose, consented)
        needs_by_code: dict[str, dict[str, frozenset[str]]] = {}
        shown_by_code: dict[str, frozenset[str]] = {}
        for code in request.codes:
            if code.value in refused:
                continue
            visible = self._shown(plans[code.kind], consented.get(code.value))
            shown_by_code[code.value] = visible
            if visible:  # nothing the caller may see: nothing is looked up
                needs_by_code[code.value] = self._needs(plans[code.kind], visible, bool(request.linked))
        if on_planned is not None:
            on_planned(planned_disclosures(self.shaper, request, by_kind, plans, consented, refused))
        planned = time.perf_counter()
        fetched, marks = await self._with_marks(self._fetch_grouped(needs_by_code), list(needs_by_code))
        linked = await self._linked(by_kind.get(SubjectKind.NATURAL_PERSON, request), fetched, marks)
        looked_up = time.perf_counter()
        views: list[View | Withheld] = []
        disclosures: list[Disclosure] = []
        failed: list[tuple[int, SourceOutcome]] = []
        for index, code in enumerate(request.codes):
            disclosure = Disclosure(code.value)
            disclosures.append(disclosure)
            if code.value in refused:
                views.append(Withheld(ErrorCode.FORBIDDEN, refused[code.value]))
                continue
            allowed_types, consent_ids = consented.get(code.value, (None, frozenset()))
            disclosure.consent_ids.update(consent_ids)
            rows = fetched.rows.get(code.value, {})
            needs = needs_by_code.get(code.value, {})
            asked = [o for o in fetched.outcomes.values() if o.record_types & needs.keys()]
            failed.extend((index, outcome) for outcome in asked if outcome.failed)
            # only what the caller may see tells whether the subject is on record, never a helper read
            visible = shown_by_code[code.value]
            seen = [o for o in asked if o.record_types & visible]
            if seen and not any(rows.get(rt) for rt in visible) and not any(o.failed for o in seen):
                views.append(Withheld(ErrorCode.NOT_FOUND, "no source holds a record for this subject"))
                continue
            plan = plans[code.kind]
            history = request.policy.sees_own_history
            shown = {rt: self.shaper.overlaid(rt, found, marks, keep_hidden=history) for rt, found in rows.items()}
            views.append(
                self._view(by_kind[code.kind], code, plan, shown, allowed_types, linked, disclosure, today, fetched)
            )
        disclosures.extend(linked.disclosures.values())
        flagged = [entry for disclosure in disclosures for entry in disclosure.flagged]
        if flagged and self.flagged is not None:
            await self.flagged(flagged)  # the console's list_entry_flagged alarm reads them
        faults = [fault for disclosure in disclosures for fault in disclosure.faults]
        if faults:
            await self._note_faults(faults)
        if self.metrics is not None:
            self.metrics.stage("plan", planned - started)
            self.metrics.stage("fetch", looked_up - planned)
            self.metrics.stage("shape", time.perf_counter() - looked_up)
        return ReadResult(views, disclosures, fetched.outcomes, failed, marks)

    async def _note_faults(self, faults: Sequence[ReadFault]) -> None:
        """Answers nothing; counts the pulled items this read found failing the collection checks, and has them
        noted for the quality report."""
        if self.metrics is not None:
            for fault in faults:
                self.metrics.read_fault(fault.source, fault.record_type, fault.codes)
        if self.faulted is not None:
            await self.faulted(faults)

    def _answerable(self, request: ReadRequest, kind: SubjectKind) -> ReadRequest:
        """Answers the request with a field for every list asked for by item ids alone (`penalties { id }`):
        the first field the policy lets through (or the first at all, to be refused with its reason), so the
        items are fetched and shaped like any other selection."""

        def filled(requested: Requested, as_kind: SubjectKind) -> dict[str, frozenset[str]]:
            return {rt: fields or self._probe(request, as_kind, rt) for rt, fields in requested.items()}

        requested = filled(request.requested, kind)
        linked = filled(request.linked, SubjectKind.LEGAL_ENTITY)
        if requested == request.requested and linked == request.linked:
            return request
        return replace(request, requested=requested, linked=linked)

    def _probe(self, request: ReadRequest, kind: SubjectKind, record_type: str) -> frozenset[str]:
        rt = self.catalog.record_types.get(record_type)
        if rt is None or record_type == REGISTRATION:
            return frozenset()
        for name in rt.fields:
            if request.policy.decide(request.purpose, kind, f"{record_type}.{name}").action is not Action.DENY:
                return frozenset({name})
        return frozenset({next(iter(rt.fields))})

    async def _with_marks(
        self, fetching: Awaitable[Fetched], codes: Sequence[str]
    ) -> tuple[Fetched, dict[str, ItemMark]]:
        """Answers the fetch and the subjects' overlay marks: from memory when at hand, else looked up beside it."""
        if self.overlay is None or not codes:
            return await fetching, {}
        at_hand = self.overlay_at_hand(codes) if self.overlay_at_hand else None
        if at_hand is not None:
            return await fetching, dict(at_hand)
        fetched, found = await asyncio.gather(fetching, self.overlay(codes))
        return fetched, dict(found)

    async def _consents(
        self, request: ReadRequest, plans: Mapping[SubjectKind, Plan], refused: Mapping[str, str]
    ) -> dict[str, tuple[frozenset[str] | None, frozenset[str]]]:
        plan = plans.get(SubjectKind.NATURAL_PERSON)
        persons = [c.value for c in request.codes if c.kind is SubjectKind.NATURAL_PERSON and c.value not in refused]
        if plan is None or not plan.consent_record_types or not persons:
            return {}
        if self.consents is None or request.org is None:
            return {code: (frozenset(), frozenset()) for code in persons}
        found = await self.consents(persons, request.org, request.purpose)
        return {code: found.get(code, (frozenset(), frozenset())) for code in persons}

    def _with_periods(self, fetch: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str]]:
        """Answers `fetch` plus the date fields that decide whether an item is still in its disclosure period."""
        return {record_type: fields | self._period_fields[record_type] for record_type, fields in fetch.items()}

    @staticmethod
    def _shown(plan: Plan, consent: tuple[frozenset[str] | None, frozenset[str]] | None) -> frozenset[str]:
        """Answers the record types the caller may see of the subject: planned, and consented where needed."""
        allowed_types = consent[0] if consent else None
        return frozenset(
            rt
            for rt in plan.fetch
            if allowed_types is None or rt not in plan.consent_record_types or rt in allowed_types
        )

    def _needs(self, plan: Plan, shown: frozenset[str], linking: bool) -> dict[str, frozenset[str]]:
        needs = self._with_periods({rt: fields for rt, fields in plan.fetch.items() if rt in shown})
        if linking and REPRESENTATION in needs:
            needs[REPRESENTATION] |= {"enterprise_code"}
        if any(d.action is Action.MASK for d in plan.decisions.values()):
            needs[REGISTRATION] = needs.get(REGISTRATION, frozenset()) | _NAME_FIELDS
        return needs

    async def _fetch_grouped(self, needs_by_code: Mapping[str, dict[str, frozenset[str]]]) -> Fetched:
        groups: dict[tuple[tuple[str, frozenset[str]], ...], list[str]] = {}
        for code, needs in needs_by_code.items():
            groups.setdefault(tuple(sorted(needs.items())), []).append(code)
        if len(groups) == 1:  # the usual case: no task to gather
            [(key, codes)] = groups.items()
            results = [await self.federation.fetch(codes, dict(key))]
        else:
            results = await asyncio.gather(*(self.federation.fetch(codes, dict(key)) for key, codes in groups.items()))
        merged = Fetched()
        for part in results:
            merged.rows.update(part.rows)
            for name, outcome in part.outcomes.items():
                if name not in merged.outcomes or outcome.failed:
                    merged.outcomes[name] = outcome
        return merged

    async def _linked(self, request: ReadRequest, fetched: Fetched, marks: dict[str, ItemMark]) -> Linked:
        """Answers the enterprises the persons read represent: rows of those the caller may see, refusals of others.

        A linked enterprise is decided like a direct query: its scope and jurisdiction on its code alone,
        before anything of it is looked up.
        """
        found = Linked()
        if not request.linked or REPRESENTATION not in request.requested:
            return found
        enterprise_codes: list[str] = []
        for raw in sorted(
            {
                str(row["enterprise_code"])
                for rows in fetched.rows.values()
                for row in rows.get(REPRESENTATION, [])
                if row.get("enterprise_code")
            }
        ):
            try:
                code = parse_subject_code(raw)
            except HubError:
                found.refused[raw] = "the linked subject's code is not valid"
                continue
            reason = request.policy.out_of_scope(code)
            if reason is not None:
                found.refused[raw] = reason
            else:
                enterprise_codes.append(code.value)
        if not enterprise_codes:
            return found
        plan = request.policy.plan(request.purpose, SubjectKind.LEGAL_ENTITY, request.linked)
        linked, looked_up = await self._with_marks(
            self.federation.fetch(enterprise_codes, self._with_periods(plan.fetch)), enterprise_codes
        )
        marks.update(looked_up)
        found.shown = frozenset(enterprise_codes)
        found.rows = {
            code: {rt: list(self.shaper.overlaid(rt, rows, looked_up)) for rt, rows in by_type.items()}
            for code, by_type in linked.rows.items()
        }
        return found

    def _view(
        self,
        request: ReadRequest,
        code: SubjectCode,
        plan: Plan,
        rows: Mapping[str, Sequence[Row]],
        allowed_types: frozenset[str] | None,
        linked: Linked,
        disclosure: Disclosure,
        today: date,
        fetched: Fetched,
    ) -> View:
        registration = rows.get(REGISTRATION, [])
        own_name = ("name",) if code.kind is SubjectKind.NATURAL_PERSON else ()
        known_names = [
            row[name]
            for row in registration
            for name in ("legal_representative.name", *own_name)
            if isinstance(row.get(name), str) and row[name]
        ]
        view: View = {"code": code.value, "kind": code.kind.value, "sources": list(fetched.outcomes.values())}
        for record_type, fields in request.requested.items():
            gated = record_type in plan.consent_record_types and allowed_types is not None
            if gated and record_type not in (allowed_types or frozenset()):
                withheld = Withheld(
                    ErrorCode.CONSENT_REQUIRED, f"a valid consent of the person is needed for {record_type}"
                )
                disclosure.denied.update(f"{record_type}.{f}" for f in fields)
                self._place(view, record_type, fields, withheld)
                continue
            refused = next((row[WITHHELD] for row in rows.get(record_type, []) if WITHHELD in row), None)
            if refused is not None:  # the hub that holds it refused it: denied by either hub is denied
                disclosure.denied.update(f"{record_type}.{f}" for f in fields)
                self._place(view, record_type, fields, Withheld(refused.code, refused.message))
                continue
            if record_type != REGISTRATION and (failed := fetched.unanswered(record_type)):
                # an empty list would read as "none on record"; the record is unknown, not empty
                message = f"no source of {record_type} answered ({', '.join(sorted(failed))}); it is unknown, not empty"
                self._place(view, record_type, fields, Withheld(ErrorCode.SOURCE_UNAVAILABLE, message))
                continue
            rules = self.shaper.disclose.rules(plan, code.kind, record_type, sorted(fields))
            if record_type == REGISTRATION:
                for name, value in self.shaper.single(registration, rules, known_names, disclosure).items():
                    self._place(view, record_type, [name], value)
                continue
            if all(rule.action is Action.DENY for rule in rules):
                disclosure.denied.update(rule.path for rule in rules)
                self._place(view, record_type, fields, rules[0].withheld if rules else None)
                continue
            items = self.shaper.items(
                record_type, rows.get(record_type, []), rules, known_names, disclosure, today, code.value,
                history=request.policy.sees_own_history,
            )  # fmt: skip
            if record_type == REPRESENTATION and items:
                linked_plan = request.policy.plan(request.purpose, SubjectKind.LEGAL_ENTITY, request.linked)
                linked_rules = {
                    rt: self.shaper.disclose.rules(linked_plan, SubjectKind.LEGAL_ENTITY, rt, sorted(fields))
                    for rt, fields in request.linked.items()
                }
                enterprise_of = {row[ITEM]: row.get("enterprise_code") for row in rows.get(REPRESENTATION, [])}
                for item in items:
                    enterprise = str(enterprise_of.get(item["id"]))
                    if enterprise in linked.shown:
                        of_enterprise = linked.disclosure(enterprise)
                        found = linked.rows.get(enterprise, {})
                        self._attach_linked(item, found, linked_rules, known_names, of_enterprise, today, enterprise)
                        continue
                    reason = linked.refused.get(enterprise, "the linked subject was not looked up")
                    for linked_type in linked_rules:
                        item[VIEW_KEYS[linked_type]] = Withheld(ErrorCode.FORBIDDEN, reason)
            view[VIEW_KEYS[record_type]] = items
        return view

    def _attach_linked(
        self,
        item: View,
        rows: Mapping[str, list[Row]],
        linked_rules: Mapping[str, Sequence[FieldRule]],
        known_names: Sequence[str],
        disclosure: Disclosure,
        today: date,
        enterprise: str = "",
    ) -> None:
        for record_type, rules in linked_rules.items():
            serious = [r for r in rows.get(record_type, []) if record_type != "listing" or r.get("list") == "BLACK"]
            item[VIEW_KEYS[record_type]] = self.shaper.items(
                record_type, serious, rules, known_names, disclosure, today, enterprise
            )

    @staticmethod
    def _place(view: View, record_type: str, fields: Sequence[str] | frozenset[str], value: object) -> None:
        if record_type != REGISTRATION:
            view[VIEW_KEYS[record_type]] = value
            return
        for name in fields:
            head, _, tail = name.partition(".")
            if tail:
                nested = view.setdefault(head, {})
                if isinstance(nested, dict):
                    nested[tail] = value
            else:
                view[head] = value
