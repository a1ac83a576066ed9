"""Per-request state a resolver may read: the caller, the hub's services, and what was disclosed."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from strawberry.types.graphql import OperationType

from hub.errors import ErrorCode, HubError
from hub.federation.caller import RemoteReceipt
from hub.identity.principal import Principal
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose
from hub.privacy.disclose import Disclosure
from hub.rights.events import RightsEvent

if TYPE_CHECKING:
    from hub.graphql.trusted import TrustedDocuments
    from hub.services import Services


@dataclass
class Operation:
    """What a request learns about its GraphQL operation as it runs: for its receipt, metrics, logs and errors."""

    started: float = field(default_factory=time.perf_counter)  # when the request arrived (perf_counter)
    http_method: str = "POST"
    query: str | None = None  # the document as run (a trusted document's stored text)
    name: str | None = None  # the operation name the caller chose
    variables: Mapping[str, object] | None = None
    type: OperationType | None = None  # known once the document parsed
    root_fields: tuple[str, ...] = ()
    subjects_read: int = 0  # summed over every field, bounded by the policy (hub.graphql.query.count_subjects)
    rights_events: list[RightsEvent] = field(default_factory=list)  # rights steps the operation took
    receipt: str | None = None  # the receipt's event id, once it is durable

    @property
    def is_mutation(self) -> bool:
        """Answers whether the operation is a mutation."""
        return self.type is OperationType.MUTATION


@dataclass
class HubContext:
    """What one GraphQL request knows about itself."""

    services: Services
    principal: Principal
    request_id: str
    operator: str | None = None
    purpose: Purpose | None = None
    disclosures: list[Disclosure] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)  # the subjects asked about, disclosed to or not
    soft_errors: list[HubError] = field(default_factory=list)
    data_query: bool = False
    operation: Operation = field(default_factory=Operation)
    case_number: str | None = None  # the case the request names (X-Hub-Case), canonical
    header_error: HubError | None = None  # a malformed header: the whole operation is refused
    documents: TrustedDocuments | None = None  # the trusted documents' register, set by the HTTP view
    document_id: str | None = None  # the trusted document the request runs, if any
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))  # the receipt's id, known to hubs asked
    upstream: dict[str, str] | None = None  # asked by another hub: its event this one answers
    remote_receipts: list[RemoteReceipt] = field(default_factory=list)  # other hubs' receipts for this request

    def state_purpose(self, policy: Policy, purpose: Purpose) -> None:
        """Answers nothing; notes the purpose a data query states, refusing a case-bound one that names no case."""
        self.purpose, self.data_query = purpose, True
        vouched = self.principal.extra.get("purpose")
        if vouched is not None and vouched != purpose.value:
            raise HubError(
                ErrorCode.PURPOSE_NOT_ALLOWED,
                f"the asking hub vouched for purpose {vouched}, not {purpose.value}",
                fix="state the purpose the token was exchanged for",
            )
        policy.require_case(purpose, self.case_number)
