"""The original caller of a request, which travels to the hubs a hub asks, and the receipts they give back."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RemoteReceipt:
    """The receipt another hub registered for its part of this request."""

    hub: str  # the source name of the other hub here
    event_id: str

    def to_dict(self) -> dict[str, str]:
        """Answers the JSON-ready form, as the register keeps it."""
        return {"hub": self.hub, "event_id": self.event_id}


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asks (organisation, department, client, operator), why, under which consents, and this request's event."""

    client_id: str | None
    org: str | None
    department: str | None
    event_id: str
    client_name: str | None = None
    operator: str | None = None
    purpose: str | None = None
    consent_ids: tuple[str, ...] = ()
    bulk: bool = False  # the caller may ask `subjects` (subject:bulk); otherwise several codes go one by one
    self_code: str | None = None  # a citizen or enterprise signed in, reading its own record
    receipts: list[RemoteReceipt] = field(default_factory=list)  # filled by the hubs asked
    sent: dict[str, int] = field(default_factory=dict)  # requests sent to each hub asked, by its source name

    def next_ordinal(self, hub: str) -> int:
        """Answers the ordinal of the next request to `hub` for this caller's event (1 for the first)."""
        self.sent[hub] = self.sent.get(hub, 0) + 1
        return self.sent[hub]


CALLER: ContextVar[Caller | None] = ContextVar("hub_federation_caller", default=None)


def current_caller() -> Caller | None:
    """Answers the caller of the request running now, when the delivery layer named one."""
    return CALLER.get()
