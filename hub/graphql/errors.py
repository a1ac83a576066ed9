"""Turns hub failures into GraphQL errors with a contract code, and masks everything unexpected."""

from __future__ import annotations

import json
import logging
import re
import traceback
from typing import Any

from graphql import GraphQLError

from hub.errors import ErrorCode, HubError
from hub.graphql.context import HubContext
from hub.identity.scopes import Scope
from hub.privacy.disclose import Withheld

log = logging.getLogger(__name__)

# graphql-core's suggestions ("Did you mean 'subject'?"), wherever they stand in a message
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
# a name graphql-core quotes in a message: a field, argument, type, enum value, directive or variable
_QUOTED = re.compile(r"'([^'\n]{1,200})'")
_WORD = re.compile(r"[$@]?\w+")
_WITHHELD = "…"
NAMES_FIX = (
    "names you did not write are withheld without the scope 'catalog:read': read the published SDL (schema/hub.graphql)"
)
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


def normalise_all(errors: list[GraphQLError], context: HubContext) -> list[GraphQLError]:
    """Answers the errors with contract codes; schema names withheld unless the caller holds `catalog:read`."""
    hints = context.principal.has(Scope.CATALOG_READ)
    written = "" if hints else written_by(context.operation.query, context.operation.variables)
    return [normalise(error, context.request_id, hints=hints, written=written) for error in errors]


def normalise(error: GraphQLError, request_id: str, *, hints: bool = False, written: str = "") -> GraphQLError:
    """Answers `error` with a contract code; internal details removed, and without `hints` every schema name
    the caller did not write (in `written`: the document and its variables) withheld, suggestions included."""
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
    message = error.message
    if "code" not in extensions:  # graphql-core's own message: validation, coercion, parsing
        text = message.lower()
        code = ErrorCode.QUERY_TOO_COMPLEX if any(w in text for w in _LIMIT_WORDS) else ErrorCode.BAD_USER_INPUT
        extensions["code"] = code.value
        if not hints:
            message = withhold_names(message, written)
            if _WITHHELD in message:
                extensions.setdefault("fix", NAMES_FIX)
    return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=extensions)


def withhold_names(message: str, written: str) -> str:
    """Answers `message` without suggestions and with every quoted name that `written` does not contain withheld
    (a composite such as `input.expiresAt` or `[ID!]!` is shown when the caller wrote each of its names)."""

    def was_written(name: str) -> bool:
        return re.search(rf"(?<![\w$@]){re.escape(name)}(?!\w)", written) is not None

    def shown(match: re.Match[str]) -> str:
        name = match.group(1)
        words = _WORD.findall(name)
        visible = was_written(name) or (bool(words) and all(was_written(word) for word in words))
        return match.group(0) if visible else f"'{_WITHHELD}'"

    return _QUOTED.sub(shown, _SUGGESTION.sub("", message))


def written_by(query: str | None, variables: Any) -> str:
    """Answers everything the caller wrote in one request: the document and its variables as JSON."""
    try:
        given = json.dumps(variables, ensure_ascii=False) if variables else ""
    except (TypeError, ValueError):
        given = ""
    return f"{query or ''}\n{given}"
