"""The strawberry schema: types, limits, error normalisation and the per-request receipt."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import strawberry
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from hub.errors import ErrorCode, HubError
from hub.graphql.anomalies import AnomalyMutation, AnomalyQuery
from hub.graphql.audit import AuditQuery
from hub.graphql.cases import CaseMutation
from hub.graphql.collection import CollectionMutation, CollectionQuery
from hub.graphql.consent import ConsentMutation, ConsentQuery
from hub.graphql.context import HubContext
from hub.graphql.documents import DocumentsMutation, DocumentsQuery
from hub.graphql.errors import hub_error, normalise_all, withheld_error
from hub.graphql.evaluation import EvaluationQuery
from hub.graphql.limits import count_repetition, measure
from hub.graphql.measure_cases import MeasureCaseMutation, MeasureCaseQuery
from hub.graphql.measures import MeasuresMutation, MeasuresQuery
from hub.graphql.public_lists import PublicListsQuery
from hub.graphql.query import RecordQuery
from hub.graphql.reports import ReportQuery
from hub.graphql.rights import RightsMutation, RightsQuery
from hub.graphql.self_access import SelfAccessQuery
from hub.graphql.source_feedback import SourceFeedbackMutation, SourceFeedbackQuery
from hub.identity.scopes import Scope
from hub.policy.policy import Limits
from hub.privacy.disclose import Withheld

# Each feature adds its root types here; they are merged into Query and Mutation.
QUERIES: tuple[type, ...] = (
    RecordQuery, ConsentQuery, SelfAccessQuery, AuditQuery, AnomalyQuery, MeasuresQuery, MeasureCaseQuery,
    RightsQuery, SourceFeedbackQuery, PublicListsQuery, DocumentsQuery, CollectionQuery, EvaluationQuery,
    ReportQuery,
)  # fmt: skip
MUTATIONS: tuple[type, ...] = (
    ConsentMutation, MeasuresMutation, MeasureCaseMutation, RightsMutation, CaseMutation, SourceFeedbackMutation,
    DocumentsMutation, CollectionMutation, AnomalyMutation,
)  # fmt: skip

SELF_LIMITS = Limits(subjects_per_request=1, depth=8, aliases=10, cost=2000)
MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 4000
MAX_DIRECTIVES_AT_ONE_PLACE = 2  # @include and @skip
MAX_DIRECTIVES = 50
MAX_SAME_FIELD = 3  # one field asked again and again in one selection


def resolve_value(source: Any, name: str) -> object:
    """Answers a field's value from a view (dict) or object; a withheld value becomes an error at its path."""
    value = source.get(name) if type(source) is dict else getattr(source, name)
    if type(value) is Withheld:
        raise withheld_error(value)
    return value


class HubOperation(SchemaExtension):
    """Adds partial-result errors and gives every error a contract code."""

    def on_execute(self) -> Iterator[None]:
        context: HubContext = self.execution_context.context
        refusal = self._refusal(context)
        if refusal is not None:
            self.execution_context.result = GraphQLExecutionResult(data=None, errors=[hub_error(refusal)])
        yield
        result = self.execution_context.result
        if result is None or refusal is not None:
            return
        for soft in context.soft_errors:
            if isinstance(soft, HubError):
                path = cast("list[str | int] | None", soft.extra.pop("path", None))
                error = hub_error(soft)
                result.errors = [
                    *(result.errors or []),
                    GraphQLError(error.message, path=path, extensions=error.extensions),
                ]

    def on_parse(self) -> Iterator[None]:
        yield
        document = self.execution_context.graphql_document
        if document is None:
            return
        repetition = count_repetition(document)
        for label, value, bound in (
            ("directives at one place", repetition.directives_at_one_place, MAX_DIRECTIVES_AT_ONE_PLACE),
            ("directives in the document", repetition.directives, MAX_DIRECTIVES),
            ("requests of one field in one selection", repetition.same_field, MAX_SAME_FIELD),
        ):
            if value > bound:  # refused before validation, which would answer and compare each repeat
                error = HubError(
                    ErrorCode.QUERY_TOO_COMPLEX,
                    f"{label}: {value}; the hub allows {bound}",
                    fix="ask for each field once and write each directive once",
                )
                self.execution_context.pre_execution_errors = [hub_error(error)]
                return

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        # what strawberry's MaxTokensLimiter does, without an extension of its own on every request
        execution.parse_options["max_tokens"] = MAX_TOKENS
        if isinstance(execution.context, HubContext):
            operation = execution.context.operation
            operation.query, operation.name, operation.variables = (
                execution.query,
                execution.operation_name,
                execution.variables,
            )
        yield
        if isinstance(execution.context, HubContext) and execution.operation_type is not None:
            execution.context.operation.type = execution.operation_type
        context: HubContext = self.execution_context.context
        result = self.execution_context.result
        if result is not None and result.errors and context is not None:
            result.errors = normalise_all(result.errors, context)

    def _refusal(self, context: HubContext) -> HubError | None:
        document = self.execution_context.graphql_document
        if document is None:
            return None
        shape = measure(document, self.execution_context.operation_name, self.execution_context.variables)
        context.operation.root_fields = shape.root_fields
        if context.header_error is not None:
            return context.header_error
        principal = context.principal
        if context.operation.http_method == "GET" and not principal.has(Scope.CATALOG_READ):
            return HubError(
                ErrorCode.FORBIDDEN,
                "GET /graphql is for integrators holding the scope 'catalog:read'",
                fix="POST the operation as application/json, so that no query or variable lands in a URL",
            )
        if shape.introspection and not principal.has(Scope.CATALOG_READ):
            return HubError(
                ErrorCode.FORBIDDEN,
                "introspection needs the scope 'catalog:read'",
                fix="read the published SDL (schema/hub.graphql) or ask for catalog:read",
            )
        policy = context.services.policies.get(principal.department or "")
        limits = policy.limits if policy else SELF_LIMITS
        for label, value, bound in (
            ("depth", shape.depth, limits.depth),
            ("aliases", shape.aliases, limits.aliases),
            ("subjects per request", shape.subject_lookups, limits.subjects_per_request),
            ("cost", shape.cost, limits.cost),
        ):
            if value > bound:
                return HubError(
                    ErrorCode.QUERY_TOO_COMPLEX,
                    f"the operation's {label} is {value}; your policy allows {bound}",
                    fix="ask for fewer fields or subjects, or split the operation",
                )
        if policy and policy.operator_required and shape.subject_lookups and not context.operator:
            return HubError(
                ErrorCode.FORBIDDEN,
                "your department must name the operator of every data query",
                fix="send the X-Hub-Operator header with the clerk's name or staff number",
            )
        return None


class _ValidationCache(ValidationCache):
    """Strawberry's validation cache, skipped for a document the hub refused before validation."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
            return
        yield from super().on_validate()


class HubSchema(strawberry.Schema):
    """The schema; errors are logged once, by code and without messages, in `normalise`."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Answers nothing: caller errors are not operational events, internal ones were logged already."""


def build_schema() -> HubSchema:
    """Answers the hub's GraphQL schema with its limits and extensions."""
    return HubSchema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS) if MUTATIONS else None,
        config=StrawberryConfig(default_resolver=resolve_value),
        extensions=[
            lambda: ParserCache(maxsize=512),
            lambda: _ValidationCache(maxsize=512),
            HubOperation,
        ],
    )
