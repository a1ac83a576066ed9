"""Scopes as Strawberry permissions: every root field names its scope in the SDL, and only the enum names scopes."""

from __future__ import annotations

import ast
from pathlib import Path

from graphql import ListValueNode, ObjectTypeDefinitionNode, StringValueNode, parse

from hub.graphql.schema import build_schema
from hub.identity.scopes import CLIENT_SCOPES, SELF_SCOPES, Scope

HUB = Path(__file__).parents[2] / "hub"
OPEN_FIELDS = {"me", "sources"}  # any authenticated caller: who am I, and is the hub healthy
CONTRACT_SCOPES = {
    "subject:read", "subject:bulk", "check:read", "measure:feedback", "audit:read", "objection:resolve",
    "repair:decide", "catalog:read", "self:read", "self:consent", "self:objection", "self:repair",
}  # fmt: skip


def _scopes() -> dict[str, tuple[str, ...]]:
    """Answers each root field's scopes as the exported SDL prints them (name first, then alternatives)."""
    found: dict[str, tuple[str, ...]] = {}
    for node in parse(build_schema().as_str()).definitions:
        if not isinstance(node, ObjectTypeDefinitionNode) or node.name.value not in ("Query", "Mutation"):
            continue
        for field in node.fields or ():
            names: list[str] = []
            for directive in field.directives or ():
                if directive.name.value != "scope":
                    continue
                for argument in directive.arguments:
                    value = argument.value
                    if isinstance(value, StringValueNode):
                        names.insert(0, value.value)
                    elif isinstance(value, ListValueNode):
                        names += [v.value for v in value.values if isinstance(v, StringValueNode)]
            found[field.name.value] = tuple(names)
    return found


def test_the_sdl_shows_the_scope_of_every_root_field() -> None:
    scopes = _scopes()
    assert {name for name, names in scopes.items() if not names} == OPEN_FIELDS
    assert scopes["subject"] == ("subject:read",)
    assert scopes["subjects"] == ("subject:bulk",)
    assert scopes["auditEvents"] == ("audit:read",)
    assert scopes["grantConsent"] == ("self:consent",)
    assert scopes["measures"] == ("catalog:read", "check:read")
    assert scopes["trustedDocuments"] == ("documents:review", "audit:read")


def test_every_scope_in_the_sdl_is_a_member_of_the_enum() -> None:
    printed = {name for names in _scopes().values() for name in names}
    assert printed <= {scope.value for scope in Scope}


def test_the_contract_names_of_scopes_never_change() -> None:
    assert {scope.value for scope in Scope} >= CONTRACT_SCOPES
    assert {"self:read", "self:consent", "self:objection", "self:repair"} == SELF_SCOPES
    assert not SELF_SCOPES & CLIENT_SCOPES
    assert all(isinstance(scope, Scope) for scope in SELF_SCOPES | CLIENT_SCOPES)


def test_no_module_spells_a_scope_outside_the_enum() -> None:
    names = {scope.value for scope in Scope}
    spelled = [
        f"{path.relative_to(HUB)}:{node.lineno} {node.value}"
        for path in HUB.rglob("*.py")
        if path.name != "scopes.py" and "demo" not in path.parts  # the demo's clients are data, like policies/
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names
    ]
    assert spelled == [], "use hub.identity.scopes.Scope"
