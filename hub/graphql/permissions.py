"""Scope checks as Strawberry permissions, printed in the SDL as `@scope`; the decision about data is the policy's."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema_directive import Location
from strawberry.types import Info

from hub.errors import ErrorCode, HubError
from hub.graphql.context import HubContext
from hub.identity.scopes import Scope

HubInfo = Info[HubContext, None]


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="scope",
    description="The OAuth scope a field needs; a token with any one of `alternatives` is let in as well.",
)
class ScopeDirective:
    """The scope a field needs, as the exported SDL shows it."""

    name: str
    alternatives: list[str] | None = strawberry.UNSET


def _refusal(scopes: tuple[Scope, ...]) -> HubError:
    named = " or ".join(f"'{scope.value}'" for scope in scopes)
    return HubError(
        ErrorCode.FORBIDDEN,
        f"this operation needs the scope {named}",
        fix=f"request a token with scope '{scopes[0].value}' for a client registered with it",
    )


class HasScope(BasePermission):
    """Lets a field resolve only for a token carrying the scope (or one of its alternatives); else FORBIDDEN."""

    def __init__(self, scope: Scope, *alternatives: Scope) -> None:
        self.scopes = (scope, *alternatives)
        self._schema_directive = ScopeDirective(  # type: ignore[misc]
            name=scope.value, alternatives=[s.value for s in alternatives] if alternatives else strawberry.UNSET
        )

    def has_permission(self, source: Any, info: HubInfo, **kwargs: Any) -> bool:
        """Answers whether the caller's token carries one of the scopes."""
        return any(info.context.principal.has(scope) for scope in self.scopes)

    def on_unauthorized(self) -> None:
        """Answers nothing; raises FORBIDDEN naming the scope and how to get it."""
        raise _refusal(self.scopes)


def needs(scope: Scope, *alternatives: Scope) -> list[FieldExtension]:
    """Answers the field extensions that admit only callers holding `scope` (or an alternative)."""
    return [PermissionExtension([HasScope(scope, *alternatives)])]


def require(context: HubContext, scope: Scope) -> None:
    """Answers nothing; raises FORBIDDEN unless the caller's token carries `scope` (checks inside one field)."""
    if not context.principal.has(scope):
        raise _refusal((scope,))
