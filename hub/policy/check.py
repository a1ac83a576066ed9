"""Checks on a policy's header that its schema cannot express: names, ceilings, purposes, scopes, consent, scope."""

from __future__ import annotations

from hub.catalog.model import Catalog, Sharing
from hub.catalog.yamlfile import YamlDocument
from hub.errors import ConfigError
from hub.identity.scopes import Scope
from hub.policy.model import PolicySpec
from hub.policy.purposes import PURPOSES_BY_KIND, DepartmentKind

AUDIT_SCOPES = frozenset({Scope.AUDIT_READ, Scope.DOCUMENTS_REVIEW})
# Correction notices go to the department that decided an item: only such a department may pull them.
DECIDING_SCOPES = frozenset({Scope.FEEDBACK_READ})


def deciding_departments(catalog: Catalog) -> frozenset[str]:
    """Answers the departments that may decide items: a record type's department, or a deciding authority's."""
    named = {rt.department for rt in catalog.record_types.values()}
    return frozenset(named | {department for department, _ in catalog.authorities})


def check_header(document: YamlDocument, spec: PolicySpec, catalog: Catalog) -> None:
    """Answers nothing; raises ConfigError at the first header key that cannot stand."""
    place = document.place
    if spec.department != document.path.stem:
        raise ConfigError(
            f"department '{spec.department}' does not match the file name '{document.path.name}'",
            place=place(("department",)),
            fix=f"name the file {spec.department}.yaml or write `department: {document.path.stem}`",
        )
    for key in ("max_sharing", "max_sharing_masked"):
        if getattr(spec, key) is Sharing.CONFIDENTIAL:
            raise ConfigError(
                f"{key} cannot be confidential: confidential items reach no one",
                place=place((key,)),
                fix="use public, shared or restricted",
            )
    if spec.masked_ceiling.rank < spec.max_sharing.rank:
        raise ConfigError(
            "max_sharing_masked is more open than max_sharing",
            place=place(("max_sharing_masked",)),
            fix=f"use {spec.max_sharing} or a more restricted level, or leave it out",
        )
    _check_purposes(document, spec)
    _check_scopes(document, spec, catalog)
    _check_kind(document, spec)
    _check_catalogue_names(document, spec, catalog)


def _check_scopes(document: YamlDocument, spec: PolicySpec, catalog: Catalog) -> None:
    for index, scope in enumerate(spec.scopes):
        if scope in spec.scopes[:index]:
            raise ConfigError(
                f"scope {scope} is listed twice", place=document.place(("scopes", index)), fix="list each scope once"
            )
        if scope in AUDIT_SCOPES and spec.kind is not DepartmentKind.AUDIT:
            raise ConfigError(
                f"a {spec.kind} department may not hold {scope}: it reads every department's query register",
                place=document.place(("scopes", index)),
                fix="remove it; only an audit department (the privacy office) reviews the register",
            )
        if scope in DECIDING_SCOPES and spec.department not in deciding_departments(catalog):
            raise ConfigError(
                f"department '{spec.department}' decides no item (no record type's department and no authority in "
                f"the catalogue), so no correction notice is ever for it: it may not hold {scope}",
                place=document.place(("scopes", index)),
                fix="remove it, or name the department under `authorities` in schema/catalog.yaml if it decides items",
            )


def _check_purposes(document: YamlDocument, spec: PolicySpec) -> None:
    allowed = PURPOSES_BY_KIND[spec.kind]
    for index, purpose in enumerate(spec.purposes):
        if purpose in spec.purposes[:index]:
            raise ConfigError(
                f"purpose {purpose} is listed twice",
                place=document.place(("purposes", index)),
                fix="list each purpose once",
            )
        if purpose not in allowed:
            raise ConfigError(
                f"a {spec.kind} department may not state purpose {purpose}",
                place=document.place(("purposes", index)),
                fix=f"use one of: {', '.join(sorted(allowed))}",
            )
    for purpose in spec.by_purpose:
        if purpose not in spec.purposes:
            raise ConfigError(
                f"by_purpose overrides {purpose}, which is not in the department's purposes",
                place=document.place(("by_purpose", purpose.value)),
                fix=f"add {purpose} to purposes or remove the override",
            )
    for purpose in spec.conceal_access_days:
        if purpose not in spec.purposes:
            raise ConfigError(
                f"conceal_access_days conceals {purpose}, which is not in the department's purposes",
                place=document.place(("conceal_access_days", purpose.value)),
                fix=f"add {purpose} to purposes or remove the entry",
            )
    _check_case_concealment(document, spec)


def _check_case_concealment(document: YamlDocument, spec: PolicySpec) -> None:
    key = "conceal_until_case_closes"
    for index, purpose in enumerate(spec.conceal_until_case_closes):
        if purpose in spec.conceal_until_case_closes[:index]:
            raise ConfigError(
                f"{key} lists {purpose} twice",
                place=document.place((key, index)),
                fix="list each purpose once",
            )
        if purpose not in spec.purposes:
            raise ConfigError(
                f"{key} conceals {purpose} until its case closes, but {purpose} is not in the department's purposes",
                place=document.place((key, index)),
                fix=f"add {purpose} to purposes or remove it from {key}",
            )


def _check_kind(document: YamlDocument, spec: PolicySpec) -> None:
    if spec.kind is DepartmentKind.PUBLIC and spec.masked_ceiling is not Sharing.PUBLIC:
        level = "max_sharing_masked" if spec.max_sharing_masked else "max_sharing"
        raise ConfigError(
            "a public policy may only see items the catalogue marks public",
            place=document.place((level,)),
            fix="write `max_sharing: public` and leave out max_sharing_masked",
        )
    if spec.kind is DepartmentKind.AUDIT and (spec.rules or any(spec.by_purpose.values())):
        key = ("rules", next(iter(spec.rules))) if spec.rules else ("by_purpose",)
        raise ConfigError(
            "an audit department may see no credit data",
            place=document.place(key),
            fix="remove the rules; audit review reads the query register, not records",
        )
    if spec.kind is DepartmentKind.FINANCIAL and spec.consent.natural_persons != "required":
        raise ConfigError(
            "a financial institution may use natural persons' records only with their consent",
            place=document.place(("consent", "natural_persons")),
            fix="write `natural_persons: required`",
        )


def _check_catalogue_names(document: YamlDocument, spec: PolicySpec, catalog: Catalog) -> None:
    for index, name in enumerate(spec.consent.record_types or []):
        if name not in catalog.record_types:
            raise ConfigError(
                f"consent names unknown record type '{name}'",
                place=document.place(("consent", "record_types", index)),
                fix=f"use a record type of schema/catalog.yaml: {', '.join(catalog.record_types)}",
            )
    scope = spec.row_scope
    for path in scope.exceptions:
        key = ("row_scope", "exceptions", path)
        found = catalog.field(path)
        if not scope.own_records_only:
            raise ConfigError(
                "row_scope.exceptions only make sense with own_records_only: true",
                place=document.place(key),
                fix="remove the exceptions or set own_records_only: true",
            )
        if found is None:
            raise ConfigError(
                f"exception names '{path}', which is not in the catalogue",
                place=document.place(key),
                fix="write a catalogue field as record_type.field",
            )
        if catalog.record_types[found.record_type].department == spec.department:
            raise ConfigError(
                f"'{path}' is the department's own record: it needs no exception",
                place=document.place(key),
                fix="remove the exception",
            )
