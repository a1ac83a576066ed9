"""The strawberry schema: types, limits, error normalisation and the per-request receipt."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from hub.errors import HubError
from hub.graphql.context import HubContext
from hub.graphql.errors import hub_error, normalise, withheld_error
from hub.graphql.query import Query
from hub.records.view import Withheld

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 4000


def resolve_value(source: Any, name: str) -> object:
    """Answers a field's value from a view (dict) or object; a withheld value becomes an error at its path."""
    value = source.get(name) if type(source) is dict else getattr(source, name)
    if type(value) is Withheld:
        raise withheld_error(value)
    return value


class HubOperation(SchemaExtension):
    """Adds partial-result errors and gives every error a contract code."""

    def on_execute(self) -> Iterator[None]:
        yield
        context: HubContext = self.execution_context.context
        result = self.execution_context.result
        if result is None:
            return
        for soft in context.soft_errors:
            if isinstance(soft, HubError):
                path = cast("list[str | int] | None", soft.extra.pop("path", None))
                error = hub_error(soft)
                result.errors = [
                    *(result.errors or []),
                    GraphQLError(error.message, path=path, extensions=error.extensions),
                ]

    def on_operation(self) -> Iterator[None]:
        yield
        context: HubContext = self.execution_context.context
        result = self.execution_context.result
        if result is not None and result.errors and context is not None:
            result.errors = [normalise(error, context.request_id) for error in result.errors]


class HubSchema(strawberry.Schema):
    """The schema; errors are logged once, by code and without messages, in `normalise`."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Answers nothing: caller errors are not operational events, internal ones were logged already."""


def build_schema() -> strawberry.Schema:
    """Answers the hub's GraphQL schema with its limits and extensions."""
    return HubSchema(
        query=Query,
        config=StrawberryConfig(default_resolver=resolve_value),
        extensions=[
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
            lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            HubOperation,
        ],
    )
