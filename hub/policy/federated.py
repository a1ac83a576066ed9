"""The policy for a caller who asks through another hub: its own department's, never more than the hub's.

A field denied by either policy is denied; masked by either, masked; a subject out of either's scope is out
of scope; only the scopes and record types both allow remain. The purposes are the original department's: the
asking hub states none of its own, so its policy bounds each field by the most it allows for any purpose.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import product

from hub.identity.codes import SubjectKind
from hub.policy.decision import Action, Decision, deny
from hub.policy.policy import ConsentRule, Limits, Policy
from hub.policy.purposes import Purpose

NOT_FOR_HUB = "not among the record types this hub serves the asking hub"


def _stricter(own: Decision, via: Decision, hub: str) -> Decision:
    if own.action is Action.DENY:
        return own
    if via.action is Action.DENY:
        return deny(f"{via.reason} (the policy for hub '{hub}')")
    if own.action is Action.MASK:
        return own
    return via


_OPENNESS = {Action.DENY: 0, Action.MASK: 1, Action.ALLOW: 2}


def _most_open(policy: Policy, kind: SubjectKind, path: str) -> Decision:
    """Answers the most open decision `policy` makes on a field for any of its purposes."""
    decisions = [policy.decide(purpose, kind, path) for purpose in sorted(policy.purposes)]
    return max(decisions, key=lambda decision: _OPENNESS[decision.action], default=deny("states no purpose"))


def shared_divisions(own: tuple[str, ...], via: tuple[str, ...]) -> tuple[str, ...]:
    """Answers the division prefixes inside both jurisdictions (empty: everywhere; a prefix nothing has: nowhere)."""
    if not own or not via:
        return own or via
    found = {a if a.startswith(b) else b for a, b in product(own, via) if a.startswith(b) or b.startswith(a)}
    return tuple(sorted(found)) or ("none",)


def within_record_types(policy: Policy, hub: str, record_types: frozenset[str]) -> Policy:
    """Answers `policy` with every field outside `record_types` denied: what a caller through `hub` may read here
    when its own department has no policy to bound (a subject's own read through that hub)."""
    refused = deny(f"{NOT_FOR_HUB} (the policy for hub '{hub}')")
    table = {
        key: decision if key[2].split(".", 1)[0] in record_types or decision.action is Action.DENY else refused
        for key, decision in policy.table.items()
    }
    return replace(policy, table=table)


def intersect(own: Policy, via: Policy, hub: str, record_types: frozenset[str]) -> Policy:
    """Answers `own` (the original caller's department) bounded by `via` (the asking hub's) and `record_types`."""
    table: dict[tuple[Purpose, SubjectKind, str], Decision] = {}
    for key, decision in own.table.items():
        _, kind, path = key
        other = _most_open(via, kind, path)
        if path.split(".", 1)[0] not in record_types:
            other = deny(NOT_FOR_HUB)
        table[key] = _stricter(decision, other, hub)
    limits = Limits(
        min(own.limits.subjects_per_request, via.limits.subjects_per_request),
        min(own.limits.depth, via.limits.depth),
        min(own.limits.aliases, via.limits.aliases),
        min(own.limits.cost, via.limits.cost),
    )
    consent = ConsentRule(
        own.consent.natural_persons or via.consent.natural_persons,
        (own.consent.record_types if own.consent.natural_persons else frozenset())
        | (via.consent.record_types if via.consent.natural_persons else frozenset()),
    )
    return replace(
        own,
        operator_required=own.operator_required or via.operator_required,
        consent=consent,
        divisions=shared_divisions(own.divisions, via.divisions),
        natural_persons=own.natural_persons and via.natural_persons,
        limits=limits,
        table=table,
        scopes=own.scopes & via.scopes,
    )
