"""Grades subjects on their full federated record inside the hub, and decides what of it a caller may see."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from hub.catalog.model import Catalog, Sharing
from hub.errors import ErrorCode
from hub.evaluation.model import EvaluationModel
from hub.evaluation.score import Evaluation, grade
from hub.identity.codes import SubjectCode, SubjectKind
from hub.policy.decision import Action, Decision
from hub.policy.policy import ConsentRule, Limits, Policy
from hub.policy.purposes import DepartmentKind, Purpose
from hub.privacy.disclose import Withheld
from hub.records.service import REGISTRATION, VIEW_KEYS, ReadRequest, ReadResult

RECORD_TYPE = "evaluation"  # the catalogue's record type of the grade and its explanation
FIELDS = ("grade", "score", "evaluated_on", "model_version", "explanation")
_INSIDE = Purpose.SUPERVISION  # the purpose the hub's own read is made under; it leaves the hub as no one's view
_ALLOW = Decision(Action.ALLOW)

Read = Callable[[ReadRequest, date], Awaitable[ReadResult]]
Consents = Callable[[Sequence[str], str, Purpose], Awaitable[dict[str, tuple[frozenset[str], frozenset[str]]]]]


def full_record_policy(catalog: Catalog, record_types: frozenset[str]) -> Policy:
    """Answers the hub's own policy for grading: every non-confidential field of the record types the model reads,
    in clear; never a caller's policy, so what a caller may see cannot change a grade."""
    table = {
        (_INSIDE, kind, found.path): _ALLOW
        for name in record_types
        for found in catalog.record_types[name].fields.values()
        for kind in catalog.record_types[name].subject_kinds
        if found.sharing is not Sharing.CONFIDENTIAL
    }
    return Policy(
        department="hub-evaluation", title="公共信用综合评价 (inside the hub)", kind=DepartmentKind.GOVERNMENT,
        purposes=frozenset({_INSIDE}), operator_required=False,
        consent=ConsentRule(natural_persons=False, record_types=frozenset()), divisions=(), own_records_only=False,
        exceptions=frozenset(), max_sharing=Sharing.RESTRICTED, max_sharing_masked=Sharing.RESTRICTED,
        limits=Limits(subjects_per_request=1000, depth=2, aliases=1, cost=1), table=table,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Shown:
    """An evaluation as one caller may see it: each field's value or Withheld, and the indicators it may explain."""

    evaluation: Evaluation
    fields: Mapping[str, object]
    explained: frozenset[str]  # record types whose indicators the caller may see
    disclosed: frozenset[str]  # catalogue paths that left the hub, for the register


class EvaluationService:
    """Grades on the full record (one read of every source per batch) and shapes the answer per caller."""

    def __init__(self, model: EvaluationModel, catalog: Catalog, read: Read, consents: Consents | None = None) -> None:
        self.model = model
        self.catalog = catalog
        self.read = read
        self.consents = consents
        types = frozenset(i.record_type for i in model.indicators)
        # registration too: a registered subject with no item at all is graded, not NOT_FOUND
        self.policy = full_record_policy(catalog, types | {REGISTRATION})
        needed: dict[str, set[str]] = {rt: set() for rt in types}
        for indicator in model.indicators:
            needed[indicator.record_type] |= indicator.fields
        for rt, fields in needed.items():
            fields |= catalog.record_types[rt].rule_fields
            fields.add(next(iter(catalog.record_types[rt].fields)))
        self.requested = {rt: frozenset(f for f in fields if f) for rt, fields in needed.items()}
        self.requested[REGISTRATION] = frozenset({"name"})
        self.graded = types

    async def evaluate(self, codes: Sequence[SubjectCode], today: date) -> list[Evaluation | Withheld]:
        """Answers each subject's evaluation in input order, or why there is none (NOT_FOUND)."""
        result = await self.read(ReadRequest(self.policy, None, _INSIDE, codes, self.requested), today)
        failed: dict[int, set[str]] = {}
        for index, outcome in result.failed_sources:
            failed.setdefault(index, set()).update(outcome.record_types & self.graded)
        answers: list[Evaluation | Withheld] = []
        for index, (code, view) in enumerate(zip(codes, result.views, strict=True)):
            if isinstance(view, Withheld):
                answers.append(view)
                continue
            items = {rt: view.get(VIEW_KEYS[rt]) for rt in self.graded}
            missing = sorted(failed.get(index, ()))
            answers.append(grade(self.model, self.catalog, code.value, code.kind, items, today, failed=missing))
        return answers

    async def shown(self, policy: Policy, org: str | None, purpose: Purpose, found: Evaluation) -> Shown:
        """Answers what of `found` the caller's policy lets through for `purpose` (consent where it needs one)."""
        kind = found.kind
        consented = await self._consented(policy, org, purpose, found)
        fields: dict[str, object] = {}
        disclosed: set[str] = set()
        for name in FIELDS:
            path = f"{RECORD_TYPE}.{name}"
            decision = policy.decide(purpose, kind, path)
            if decision.action is Action.DENY:
                fields[name] = Withheld(ErrorCode.FIELD_DENIED, f"your policy withholds {path}")
            elif not consented(RECORD_TYPE):
                fields[name] = Withheld(ErrorCode.CONSENT_REQUIRED, "the subject has not consented to this use")
            else:
                fields[name] = True
                disclosed.add(path)
        explained = frozenset(
            rt for rt in {i.record_type for i in found.indicators}
            if consented(rt) and any(
                policy.decide(purpose, kind, f"{rt}.{name}").action is not Action.DENY
                for name in self.catalog.record_types[rt].fields
            )
        ) if fields["explanation"] is True else frozenset()  # fmt: skip
        return Shown(found, fields, explained, frozenset(disclosed))

    async def _consented(
        self, policy: Policy, org: str | None, purpose: Purpose, found: Evaluation
    ) -> Callable[[str], bool]:
        if found.kind is not SubjectKind.NATURAL_PERSON or not policy.consent.natural_persons:
            return lambda record_type: True
        allowed: frozenset[str] = frozenset()
        if self.consents is not None and org is not None:
            allowed = (await self.consents([found.code], org, purpose)).get(found.code, (frozenset(), frozenset()))[0]
        return lambda record_type: not policy.consent.needed(found.kind, record_type) or record_type in allowed


def evaluation_view(shown: Shown) -> dict[str, object]:
    """Answers the caller's view of an evaluation: denied fields Withheld, indicators explained only where the
    caller may see their record type (the rest name the indicator and withhold what it found)."""
    found, fields = shown.evaluation, shown.fields

    def field(name: str, value: object) -> object:
        held = fields[name]
        return held if isinstance(held, Withheld) else value

    indicators: object = fields["explanation"]
    if not isinstance(indicators, Withheld):
        indicators = [
            {
                "code": r.code, "title": r.title, "record_type": r.record_type, "applicable": r.applicable,
                "legal_basis": r.legal_basis, "shown": r.record_type in shown.explained,
                **({"count": r.count, "contribution": r.points, "limited": r.limited, "grade_cap": r.grade_cap}
                   if r.record_type in shown.explained
                   else dict.fromkeys(("count", "contribution", "limited", "grade_cap"))),
            }
            for r in found.indicators
        ]  # fmt: skip
    return {
        "code": found.code, "kind": found.kind,
        "grade": field("grade", found.grade), "grade_title": field("grade", found.grade_title),
        "score": field("score", found.score), "evaluated_on": field("evaluated_on", found.evaluated_on),
        "model_version": field("model_version", found.model_version), "model_title": found.model_title,
        "legal_basis": found.legal_basis, "complete": found.complete, "incomplete": list(found.incomplete),
        "indicators": indicators,
    }  # fmt: skip
