"""The authorisation server's refusals in the register: a client that failed to authenticate or was refused.

Successes are not registered here (a token discloses nothing by itself; every operation it is used for is
registered, failing closed, when it runs), nor is a throttled attempt: the failures that set off the throttle are,
so a flood of attempts cannot flood the register. Registering a refusal is best effort: the caller is refused
whether or not the register answers, and the writer's own alarm reports a register that is down.
"""

from __future__ import annotations

import contextlib

from hub.audit.events import AuditEvent, EventType, Outcome
from hub.audit.reader import AuditReader
from hub.errors import ErrorCode, HubError
from hub.identity.service import AuthEvent, EventSink

THROTTLED = "rate_limited"


def auth_failure(event: AuthEvent) -> AuditEvent | None:
    """Answers the register's event for an authorisation server outcome, or None when it is not registered."""
    if event.outcome in ("ok", THROTTLED):
        return None
    code = ErrorCode.FORBIDDEN if event.authenticated else ErrorCode.UNAUTHENTICATED
    return AuditEvent(
        type=EventType.AUTH_FAILURE,
        outcome=Outcome.DENIED if event.authenticated else Outcome.UNAUTHENTICATED,
        client_id=event.client_id,
        operation_name=f"oauth.{event.endpoint}",
        error_codes=(code.value, event.outcome[:64]),
    )


def register_auth_failures(reader: AuditReader) -> EventSink:
    """Answers the OAuth service's event sink that registers its refusals through `reader`."""

    async def sink(event: AuthEvent) -> None:
        found = auth_failure(event)
        if found is not None:
            with contextlib.suppress(HubError):
                await reader.record(found)

    return sink
