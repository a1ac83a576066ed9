"""Turns a validated policy spec into a Policy with its decision table (purposes × kinds × fields)."""

from __future__ import annotations

from hub.catalog.model import Catalog, CatalogField, RecordType, Sharing
from hub.identity.codes import SubjectKind
from hub.policy.decision import (
    ABOVE_LEVEL,
    CONFIDENTIAL,
    DENIED_BY_RULE,
    MASKER_FOR_CLASS,
    NOT_FOR_KIND,
    NOT_IN_RULES,
    Action,
    Decision,
    deny,
    parse_decision,
)
from hub.policy.model import PolicySpec
from hub.policy.policy import ConsentRule, Limits, Policy
from hub.policy.purposes import Purpose
from hub.policy.rules import ceiling, rule_for, shown_as

_ALLOW = Decision(Action.ALLOW)


def compile_policy(spec: PolicySpec, catalog: Catalog) -> Policy:
    """Answers the compiled Policy of a spec already checked against the catalogue."""
    table: dict[tuple[Purpose, SubjectKind, str], Decision] = {}
    for purpose in spec.purposes:
        for record_type in catalog.record_types.values():
            for found in record_type.fields.values():
                for kind in SubjectKind:
                    table[purpose, kind, found.path] = _decide(spec, purpose, kind, record_type, found)
    consent = spec.consent
    return Policy(
        department=spec.department,
        title=spec.title,
        kind=spec.kind,
        purposes=frozenset(spec.purposes),
        operator_required=spec.operator_required,
        consent=ConsentRule(
            natural_persons=consent.natural_persons == "required",
            record_types=frozenset(catalog.record_types if consent.record_types is None else consent.record_types),
        ),
        divisions=tuple(spec.row_scope.divisions),
        natural_persons=spec.row_scope.natural_persons,
        own_records_only=spec.row_scope.own_records_only,
        exceptions=frozenset(spec.row_scope.exceptions),
        max_sharing=spec.max_sharing,
        max_sharing_masked=spec.masked_ceiling,
        limits=Limits(**spec.limits.model_dump()),
        table=table,
        conceal_access_days=dict(spec.conceal_access_days),
        conceal_until_case_closes=frozenset(spec.conceal_until_case_closes),
        scopes=frozenset(spec.scopes),
        documents_required=spec.documents == "required",
    )


def _decide(
    spec: PolicySpec, purpose: Purpose, kind: SubjectKind, record_type: RecordType, found: CatalogField
) -> Decision:
    if kind not in record_type.subject_kinds:
        return deny(NOT_FOR_KIND)
    if found.sharing is Sharing.CONFIDENTIAL:
        return deny(CONFIDENTIAL)
    rule = rule_for(spec, purpose, record_type.name)
    if rule is None:
        return deny(NOT_IN_RULES)
    written, masker = parse_decision(rule.fields.get(found.name, rule.default))
    if written is Action.DENY:
        return deny(DENIED_BY_RULE)
    action = shown_as(written, masker, found, kind)
    # Enforced here as well as by the checks, so the table alone never exceeds the ceiling.
    if found.sharing.rank > ceiling(spec, record_type, found, action).rank:
        return deny(ABOVE_LEVEL)
    if action is Action.ALLOW:
        return _ALLOW
    return Decision(Action.MASK, masker or MASKER_FOR_CLASS[found.pd_class(kind)])
