"""Turns hub failures into GraphQL errors with a contract code, and masks everything unexpected."""

from __future__ import annotations

import logging
import re
import traceback

from graphql import GraphQLError

from hub.errors import ErrorCode, HubError
from hub.records.view import Withheld

log = logging.getLogger(__name__)

_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")
_LIMIT_WORDS = (
    "exceeds maximum",
    "max depth",
    "maximum allowed",
    "too many",
    "token limit",
    "aliases",
    "tokens. parsing aborted",
)


def hub_error(error: HubError) -> GraphQLError:
    """Answers the GraphQL error a caller sees for a HubError."""
    extensions: dict[str, object] = {"code": error.code.value}
    if error.fix:
        extensions["fix"] = error.fix
    extensions.update(error.extra)
    return GraphQLError(error.message, extensions=extensions)


def withheld_error(withheld: Withheld) -> GraphQLError:
    """Answers the GraphQL error raised where a withheld value would stand."""
    return GraphQLError(withheld.message, extensions={"code": withheld.code.value})


def normalise(error: GraphQLError, request_id: str, *, hints: bool = False) -> GraphQLError:
    """Answers `error` with a contract code; internal details and (without `hints`) suggestions removed."""
    original = error.original_error
    if isinstance(original, HubError):
        converted = hub_error(original)
        return GraphQLError(converted.message, nodes=error.nodes, path=error.path, extensions=converted.extensions)
    if original is not None and not isinstance(original, GraphQLError):
        frames = "".join(traceback.format_tb(original.__traceback__))
        log.error(
            "internal error in request %s at %s: %s (message withheld)\n%s",
            request_id,
            error.path,
            type(original).__name__,
            frames,
        )
        return GraphQLError(
            f"internal error (request {request_id})",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": ErrorCode.INTERNAL_ERROR.value, "requestId": request_id},
        )
    extensions = dict(error.extensions or {})
    if "code" not in extensions:
        text = error.message.lower()
        code = ErrorCode.QUERY_TOO_COMPLEX if any(w in text for w in _LIMIT_WORDS) else ErrorCode.BAD_USER_INPUT
        extensions["code"] = code.value
    message = error.message if hints else _SUGGESTION.sub("", error.message)
    return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=extensions)
