"""The /graphql endpoint the app serves: HubGraphQL, plus the request headers it does not read itself.

X-Hub-Case names the court case a request is made for. A malformed one is kept on the context and
refuses the whole operation with BAD_USER_INPUT (see hub.graphql.schema.HubOperation), never a 500.
"""

from __future__ import annotations

from typing import Any

from hub.errors import HubError
from hub.graphql.context import HubContext
from hub.graphql.http import HubGraphQL
from hub.identity.case import CASE_HEADER, case_number


class HubEndpoint(HubGraphQL):
    """HubGraphQL whose context also carries the case the request names."""

    async def get_context(self, request: Any, response: Any) -> HubContext:
        """Answers the request's context with its X-Hub-Case read (or the reason it cannot be)."""
        context = await super().get_context(request, response)
        try:
            context.case_number = case_number(request.headers.get(CASE_HEADER))
        except HubError as error:
            context.header_error = error
        return context
