"""Scope checks every resolver shares; the decision about data itself is the policy's, not a resolver's."""

from __future__ import annotations

from strawberry.types import Info

from hub.errors import ErrorCode, HubError
from hub.graphql.context import HubContext

HubInfo = Info[HubContext, None]


def require(context: HubContext, scope: str) -> None:
    """Answers nothing; raises FORBIDDEN unless the caller's token carries `scope`."""
    if not context.principal.has(scope):
        raise HubError(
            ErrorCode.FORBIDDEN,
            f"this operation needs the scope '{scope}'",
            fix=f"request a token with scope '{scope}' for a client registered with it",
        )
