"""The services a request uses, as one frozen record; hub.composition.open_hub builds them once, at start-up."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hub.audit.cases import CaseRegister
from hub.audit.reader import AuditReader
from hub.catalog.model import Catalog
from hub.collection.read_check import ReadChecks
from hub.collection.service import CollectionService
from hub.config import Settings
from hub.errors import ErrorCode, HubError
from hub.evaluation.service import EvaluationService
from hub.federation.adapter import SqlSource, ping
from hub.federation.fetch import Federation, SourceKind, SourceOutcome, SourceState
from hub.federation.remote import HubSource
from hub.identity.principal import Principal
from hub.measures.cases import CaseService
from hub.measures.check import CheckService
from hub.measures.feedback import FeedbackService
from hub.measures.model import MeasuresList
from hub.policy.federated import intersect, within_record_types
from hub.policy.load import PolicySet
from hub.policy.policy import Policy
from hub.policy.self_access import self_access_policy
from hub.privacy.redact import Redactor
from hub.records.probes import ProbeGuard
from hub.records.public_lists import PublicLists
from hub.records.service import RecordService
from hub.reports.service import ReportService
from hub.rights.notices import NoticeService
from hub.rights.objections import ObjectionService
from hub.rights.repairs import RepairService
from hub.store.anomaly_reviews import AnomalyReviewRepository
from hub.store.flagged import FlaggedEntryRepository
from hub.store.read_faults import ReadFaultRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CreditServices:
    """Joint reward and punishment (measures list, checks, feedback), objections and credit repair."""

    measures: MeasuresList
    checks: CheckService
    feedback: FeedbackService
    cases: CaseService
    objections: ObjectionService
    repairs: RepairService
    notices: NoticeService
    evaluation: EvaluationService


@dataclass(frozen=True, slots=True)
class Services:
    """The hub's long-lived parts a request uses, built once by hub.composition.open_hub and never changed."""

    settings: Settings
    catalog: Catalog
    policies: PolicySet
    federation: Federation
    records: RecordService
    redactor: Redactor
    audit: AuditReader  # the register's read side
    cases: CaseRegister  # closing cases, next to the register
    credit: CreditServices
    public_lists: PublicLists
    reports: ReportService  # signed credit reports
    anomaly_reviews: AnomalyReviewRepository  # officers' findings on anomalies
    read_checks: ReadChecks  # the collection checks on read, and their detector queue
    read_faults: ReadFaultRepository  # pulled items reads found failing the collection checks
    probes: ProbeGuard | None = None  # throttles probing for natural persons
    today: Callable[[], date] = date.today  # the day periods are counted on
    flagged: FlaggedEntryRepository | None = None  # entries failing entry checks
    collection: CollectionService | None = None  # submissions (None: no managed source)
    # policies of callers asking through another hub, bounded for it: worked out once per (department, via, hub)
    federated_policies: dict[tuple[str, str, str], Policy] = field(default_factory=dict, compare=False)

    def policy_for(self, principal: Principal) -> Policy:
        """Answers the caller's department policy, or FORBIDDEN when it has none; for a caller asking through
        another hub, that policy bounded by this hub's policy for the asking hub (hub.policy.federated)."""
        policy = self.policies.get(principal.department or "")
        via = principal.extra.get("via_dept")
        if policy is not None and via is not None:
            policy = self._federated(policy, via, principal.extra.get("hub", ""))
        if policy is None:
            raise HubError(
                ErrorCode.FORBIDDEN,
                "no access policy is registered for your department",
                fix="ask the hub operator to add policies/<department>.yaml",
            )
        return policy

    def _federated(self, policy: Policy, via: str, hub: str) -> Policy | None:
        key = (policy.department, via, hub)
        found = self.federated_policies.get(key)
        if found is None:
            bound, trusted = self.policies.get(via), self.settings.trusted_hubs.get(hub)
            if bound is None or trusted is None:
                return None
            found = self.federated_policies[key] = intersect(policy, bound, hub, frozenset(trusted.record_types))
        return found

    def own_policy(self, principal: Principal) -> Policy:
        """Answers the self-access policy; for a subject reading through another hub, bounded by the record types
        this hub serves that hub (none at all for a hub it no longer trusts)."""
        policy = self_access_policy(self.catalog)
        hub = principal.extra.get("hub")
        if hub is None:
            return policy
        key = (policy.department, "", hub)
        found = self.federated_policies.get(key)
        if found is None:
            trusted = self.settings.trusted_hubs.get(hub)
            record_types = frozenset(trusted.record_types) if trusted is not None else frozenset()
            found = self.federated_policies[key] = within_record_types(policy, hub, record_types)
        return found

    def catalog_items(self) -> list[dict[str, Any]]:
        """Answers the catalogue as rows for the `catalog` query."""
        return [
            {
                "record_type": f.record_type,
                "field": f.name,
                "title": f.title,
                "personal_data_class": ",".join(sorted(set(f.pd_classes.values()))),
                "sharing": f.sharing.value,
                "legal_basis": f.legal_basis,
                "department": self.catalog.record_types[f.record_type].department,
                "disclosure_period": _period_text(self.catalog, f.record_type),
            }
            for f in self.catalog.all_fields()
        ]

    async def source_statuses(self) -> list[SourceOutcome]:
        """Answers whether each source answers a trivial query now, within its timeout."""
        probes = [*(self._probe(s) for s in self.federation.sources)]
        probes += [self._probe_hub(hub) for hub in self.federation.hubs]
        return list(await asyncio.gather(*probes))

    async def _probe_hub(self, source: HubSource) -> SourceOutcome:
        started = time.perf_counter()
        try:
            async with asyncio.timeout((source.timeout_ms or self.settings.source_timeout_ms) / 1000):
                await source.ping()
            state = SourceState.OK
        except TimeoutError:
            state = SourceState.TIMEOUT
        except Exception:  # refused connection, HTTP error: the other hub is unavailable
            state = SourceState.UNAVAILABLE
        elapsed = (time.perf_counter() - started) * 1000
        breaker = self.federation.breakers[source.name].state
        types = frozenset(source.mapping.record_types)
        return SourceOutcome(source.name, source.mapping.title, state, elapsed, types, breaker, SourceKind.HUB)

    async def _probe(self, source: SqlSource) -> SourceOutcome:
        started = time.perf_counter()
        timeout = (source.timeout_ms or self.settings.source_timeout_ms) / 1000
        try:
            async with asyncio.timeout(timeout):
                await ping(source.engine)
            state = SourceState.OK
        except TimeoutError:
            state = SourceState.TIMEOUT
        except Exception:  # any driver failure means the source is unavailable
            state = SourceState.UNAVAILABLE
        elapsed = (time.perf_counter() - started) * 1000
        types = frozenset(source.mapping.record_types)
        breaker = self.federation.breakers[source.name].state
        return SourceOutcome(source.name, source.mapping.title, state, elapsed, types, breaker)


def _period_text(catalog: Catalog, record_type: str) -> str | None:
    """Answers the record type's disclosure period, and each class of act's when the catalogue sets them."""
    rt = catalog.record_types[record_type]
    if rt.period is None:
        return None
    if rt.severity is None:
        return rt.period.text
    classes = [
        f"{c.name} {(c.period or rt.period).text}"
        + (f" (repair after {c.repair_after.text})" if c.repair_after else "")
        if c.published
        else f"{c.name} not published"
        for c in rt.severity.classes
    ]
    return f"{rt.period.text}; " + "; ".join(classes)
