"""Request state is typed records: the context and what the request learns about its operation, no loose dicts."""

from __future__ import annotations

import dataclasses

import pytest
from strawberry.types.graphql import OperationType

from hub.audit import EventType
from hub.graphql.context import HubContext, Operation
from hub.graphql.receipts import event_type


@pytest.mark.parametrize("record", [HubContext, Operation])
def test_request_state_has_no_loosely_typed_field(record: type) -> None:
    for field in dataclasses.fields(record):
        annotation = str(field.type)
        assert "Any" not in annotation, f"{record.__name__}.{field.name}: {annotation}"


def test_an_operation_is_registered_by_what_it_is() -> None:
    assert event_type(Operation(type=OperationType.QUERY, root_fields=("subject",))) is EventType.QUERY
    assert event_type(Operation(type=OperationType.MUTATION, root_fields=("grantConsent",))) is EventType.CONSENT
    mixed = Operation(type=OperationType.MUTATION, root_fields=("grantConsent", "closeCase", "__typename"))
    assert event_type(mixed) is EventType.MUTATION
    assert not Operation().is_mutation, "unparsed: never counted as a mutation"
