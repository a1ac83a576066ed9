"""What a read will disclose, known from its plan before anything is fetched (the receipt written ahead)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from hub.identity.codes import SubjectKind
from hub.policy.decision import Action
from hub.policy.policy import Plan
from hub.privacy.disclose import Disclosure
from hub.records.shape import Shaper

if TYPE_CHECKING:
    from hub.records.service import ReadRequest

Consented = Mapping[str, tuple[frozenset[str] | None, frozenset[str]]]


def planned_disclosures(
    shaper: Shaper,
    request: ReadRequest,
    by_kind: Mapping[SubjectKind, ReadRequest],
    plans: Mapping[SubjectKind, Plan],
    consented: Consented,
    refused: Mapping[str, str],
) -> list[Disclosure]:
    """Answers, per subject in input order, every field the plan lets out, clear or masked, and what it withholds.

    It names each field the caller may receive whether or not a source then holds a value for it: a receipt
    written from it may record more than left the hub, never less. A masked field is recorded as masked; the
    caller (which knows the field types) moves a field that is not text, whose value leaves unmasked, to clear.
    """
    found: list[Disclosure] = []
    for code in request.codes:
        disclosure = Disclosure(code.value)
        found.append(disclosure)
        if code.value in refused:
            continue
        allowed_types, consent_ids = consented.get(code.value, (None, frozenset()))
        disclosure.consent_ids.update(consent_ids)
        plan = plans[code.kind]
        for record_type, fields in by_kind[code.kind].requested.items():
            gated = record_type in plan.consent_record_types and allowed_types is not None
            if gated and record_type not in (allowed_types or frozenset()):
                disclosure.denied.update(f"{record_type}.{name}" for name in fields)
                continue
            for rule in shaper.disclose.rules(plan, code.kind, record_type, sorted(fields)):
                if rule.action is Action.DENY:
                    disclosure.denied.add(rule.path)
                elif rule.action is Action.MASK:
                    disclosure.masked.add(rule.path)
                else:
                    disclosure.clear.add(rule.path)
    return found
