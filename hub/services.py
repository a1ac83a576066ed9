"""Builds, once at start-up, everything a request needs: catalogue, policies, sources, engines."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.audit.cases import CaseRegister
from hub.audit.reader import AuditReader
from hub.catalog.load import load_catalog
from hub.catalog.model import Catalog
from hub.collection.service import CollectionService
from hub.config import Settings, SourceSettings
from hub.errors import ConfigError, ErrorCode, HubError
from hub.evaluation.load import evaluation_path, load_evaluation
from hub.evaluation.service import EvaluationService
from hub.federation.adapter import SqlSource, ping
from hub.federation.fetch import Federation, SourceKind, SourceOutcome, SourceState
from hub.federation.hub_mapping import HubSourceMap
from hub.federation.mapping import SourceMap, load_hub_maps, load_source_maps
from hub.federation.remote import HubCredentials, HubSource
from hub.identity.codes import SubjectCode
from hub.identity.principal import Principal
from hub.measures.cases import CaseService
from hub.measures.check import CheckService
from hub.measures.feedback import FeedbackService
from hub.measures.load import load_measures, measures_path
from hub.measures.model import MeasuresList
from hub.policy.federated import intersect
from hub.policy.load import PolicySet, load_policies
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose
from hub.privacy.consent import HUB_ENGINE, consent_service
from hub.privacy.disclose import Discloser
from hub.privacy.masking import MASKERS
from hub.privacy.redact import Redactor
from hub.records.probes import ProbeGuard, ProbeLimits
from hub.records.public_lists import PublicLists
from hub.records.service import ReadRequest, ReadResult, RecordService
from hub.records.shape import Shaper
from hub.reports.service import ReportService
from hub.rights.items import ItemFinder
from hub.rights.notices import NoticeService
from hub.rights.objections import ObjectionService
from hub.rights.repairs import RepairService
from hub.store.anomaly_reviews import AnomalyReviewRepository
from hub.store.clients import ClientStatus, ClientStatuses
from hub.store.collected import CollectedStore
from hub.store.engine import is_sqlite, make_engine
from hub.store.executions import ExecutionRepository
from hub.store.flagged import FlaggedEntry, FlaggedEntryRepository
from hub.store.measure_cases import CaseRepository
from hub.store.mirror import Mirror
from hub.store.repairs import RepairRepository
from hub.store.rights import RightsRepository
from hub.store.source_feedback import FeedbackRepository

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


@dataclass
class Services:
    """The hub's long-lived parts, built once and passed to every request."""

    settings: Settings
    catalog: Catalog
    policies: PolicySet
    federation: Federation
    records: RecordService
    redactor: Redactor
    engines: dict[str, AsyncEngine] = field(default_factory=dict)
    audit: AuditReader | None = None  # the register's read side, set by the app's lifespan
    cases: CaseRegister | None = None  # closing cases (next to the register), set by the app's lifespan
    credit: CreditServices = field(kw_only=True)
    public_lists: PublicLists = field(kw_only=True)
    mirrors: list[Mirror[Any]] = field(default_factory=list, kw_only=True)
    probes: ProbeGuard | None = field(default=None, kw_only=True)  # throttles probing for natural persons
    today: Callable[[], date] = field(default=date.today, kw_only=True)  # the day periods are counted on
    flagged: FlaggedEntryRepository | None = field(default=None, kw_only=True)  # entries failing entry checks
    reports: ReportService | None = field(default=None, kw_only=True)  # credit reports, set by the app's lifespan
    collection: CollectionService | None = field(default=None, kw_only=True)  # submissions (None: no managed source)
    federated_policies: dict[tuple[str, str, str], Policy] = field(default_factory=dict, kw_only=True)
    anomaly_reviews: AnomalyReviewRepository | None = field(default=None, kw_only=True)  # officers' findings

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

    async def start(self) -> None:
        """Answers nothing; starts the mirrors of small tables the request path reads (hub.store.mirror)."""
        await asyncio.gather(*(mirror.start() for mirror in self.mirrors))

    async def close(self) -> None:
        """Answers nothing; stops the mirrors and disposes every engine."""
        await asyncio.gather(*(mirror.stop() for mirror in self.mirrors))
        await asyncio.gather(*(engine.dispose() for engine in self.engines.values()))
        await asyncio.gather(*(hub.aclose() for hub in self.federation.hubs))


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


async def build_services(
    settings: Settings, *, check_sources: bool = True, today: Callable[[], date] = date.today
) -> Services:
    """Answers the hub's services for `settings`; raises ConfigError on a bad file or unreachable source."""
    catalog = load_catalog(settings.catalog_path)
    policies = load_policies(settings.policies_dir, catalog)
    mappings = load_source_maps(settings.sources_dir, catalog)
    hubs = _hub_sources(settings, load_hub_maps(settings.sources_dir, catalog))
    unknown = sorted(set(settings.sources) - set(mappings) - {hub.name for hub in hubs})
    if unknown:
        raise ConfigError(
            f"sources configured without a mapping: {', '.join(unknown)}",
            place="settings.sources",
            fix=f"add schema/sources/{unknown[0]}.yaml or remove it",
        )
    engines: dict[str, AsyncEngine] = {}
    sources: list[SqlSource] = []
    for name, mapping in mappings.items():
        configured = settings.sources.get(name)
        if configured is None and mapping.managed:  # the hub's own collected source: in its database by default
            configured = SourceSettings(url=settings.database_url, pool_size=settings.database_pool_size)
        if configured is None:
            raise ConfigError(
                f"source '{name}' has a mapping but no database URL",
                place=str(mapping.path),
                fix=f"set HUB_SOURCES__{name.upper()}__URL or [sources.{name}] url in hub.toml",
            )
        if configured.url.startswith(("http://", "https://")):
            raise ConfigError(
                f"source '{name}' maps a database but its URL is another hub's",
                place=str(mapping.path),
                fix="give a database URL, or write the mapping with `kind: hub` (docs/sources.md)",
            )
        engine = make_engine(configured.url, pool_size=configured.pool_size, isolation_level="AUTOCOMMIT")
        engines[f"source:{name}"] = engine
        source = SqlSource(mapping, engine, configured.timeout_ms)
        if check_sources:
            await _check_source(source, configured.url)
        sources.append(source)
    federation = Federation(
        sources,
        default_timeout_ms=settings.source_timeout_ms,
        breaker_failures=settings.breaker_failures,
        breaker_reset=settings.breaker_reset_seconds,
        hubs=hubs,
    )
    redactor = Redactor()
    shaper = Shaper(catalog, Discloser(catalog, MASKERS, lambda text, names: redactor.redact(text, names).text))
    consents = consent_service(settings, catalog, policies, engines)
    rights = RightsRepository(engines[HUB_ENGINE])  # opened by consent_service
    flagged = FlaggedEntryRepository(rights.engine)

    async def note_flagged(entries: Sequence[FlaggedEntry]) -> None:
        await flagged.note(entries, datetime.now(UTC))

    records = RecordService(
        catalog,
        federation,
        shaper,
        consents,
        overlay=rights.marks,
        overlay_at_hand=rights.mirrored_marks,
        flagged=note_flagged,
    )
    collection = _collection(catalog, mappings, settings, engines, redactor)
    measures = load_measures(measures_path(settings.policies_dir), policies.departments)
    model = load_evaluation(evaluation_path(settings.policies_dir), catalog)
    evaluation = EvaluationService(model, catalog, records.read, records.consents)
    credit = _credit(measures, catalog, policies, federation, records, rights, evaluation)
    return Services(
        settings,
        catalog,
        policies,
        federation,
        records,
        redactor,
        engines,
        credit=credit,
        public_lists=PublicLists(
            catalog, federation, shaper, rights.marks, RepairRepository(rights.engine, rights.mirror)
        ),
        mirrors=[rights.mirror],
        today=today,
        flagged=flagged,
        anomaly_reviews=AnomalyReviewRepository(rights.engine),
        probes=_probe_guard(settings, engines[HUB_ENGINE]),
        collection=collection,
    )


def _collection(
    catalog: Catalog, mappings: Mapping[str, SourceMap], settings: Settings, engines: dict[str, AsyncEngine],
    redactor: Redactor,
) -> CollectionService | None:  # fmt: skip
    """Answers the submission service over the hub-managed source, writing through an engine of its own."""
    managed = next((m for m in mappings.values() if m.managed), None)
    if managed is None:
        return None
    configured = settings.sources.get(managed.name)
    url = configured.url if configured is not None else settings.database_url
    engine = make_engine(url, pool_size=settings.database_pool_size)
    engines[f"collected:{managed.name}"] = engine

    def detect(texts: Sequence[str]) -> list[tuple[str, ...]]:
        found = redactor.redact_many([(text, ()) for text in texts])
        return [tuple(entity.type for entity in one.entities) for one in found]

    return CollectionService(catalog, CollectedStore(engine), detect=detect, source_name=managed.name)


def _hub_sources(settings: Settings, mappings: Mapping[str, HubSourceMap]) -> list[HubSource]:
    """Answers a source for every mapping of kind `hub`, with its URL and this hub's client there."""
    found: list[HubSource] = []
    for name, mapping in mappings.items():
        configured = settings.sources.get(name)
        url = configured.url if configured is not None else mapping.url
        where = f"[sources.{name}] in hub.toml (or HUB_SOURCES__{name.upper()}__...)"
        if url is None or not url.startswith(("http://", "https://")):
            raise ConfigError(
                f"hub source '{name}' has no http(s) URL", place=str(mapping.path), fix=f"set url in {where}"
            )
        if configured is None or not configured.client_id or not configured.client_secret:
            raise ConfigError(
                f"hub source '{name}' has no client credentials at that hub",
                place=str(mapping.path),
                fix=f"register a client for this hub there and set client_id and client_secret in {where}",
            )
        credentials = HubCredentials(configured.client_id, configured.client_secret, settings.issuer)
        found.append(HubSource(mapping, url, credentials, timeout_ms=configured.timeout_ms))
    return found


def _probe_guard(settings: Settings, engine: AsyncEngine) -> ProbeGuard:
    """Answers the guard against probing, suspending a client through its status in the hub's database."""
    statuses = ClientStatuses(engine)

    async def suspend(client_id: str, reason: str) -> bool:
        now = datetime.now(UTC)
        return await statuses.change(client_id, ClientStatus.SUSPENDED, reason, now, only_if_active=True)

    limits = ProbeLimits(
        settings.probe_limit,
        settings.probe_window_seconds,
        settings.probe_suspend_after,
        settings.probe_suspend_window_seconds,
    )
    return ProbeGuard(limits, suspend)


def _credit(
    measures: MeasuresList, catalog: Catalog, policies: PolicySet, federation: Federation, records: RecordService,
    rights: RightsRepository, evaluation: EvaluationService,
) -> CreditServices:  # fmt: skip
    async def read(
        policy: Policy, org: str | None, purpose: Purpose, codes: Sequence[SubjectCode],
        requested: Mapping[str, frozenset[str]], today: date, *, linked: Mapping[str, frozenset[str]] | None = None,
    ) -> ReadResult:  # fmt: skip
        return await records.read(ReadRequest(policy, org, purpose, codes, requested, dict(linked or {})), today)

    items = ItemFinder(catalog, federation)
    checks = CheckService(measures, read, federation)
    cases = CaseRepository(rights.engine)
    return CreditServices(
        measures=measures,
        checks=checks,
        feedback=FeedbackService(measures, ExecutionRepository(rights.engine), checks, cases),
        cases=CaseService(measures, checks, cases, policies.departments),
        objections=ObjectionService(items, rights),
        repairs=RepairService(items, RepairRepository(rights.engine, rights.mirror), rights),
        notices=NoticeService(FeedbackRepository(rights.engine), catalog, policies),
        evaluation=evaluation,
    )


async def _check_source(source: SqlSource, url: str) -> None:
    database = make_url(url).database
    if is_sqlite(url) and database and not await asyncio.to_thread(Path(database).is_file):
        raise ConfigError(
            f"source '{source.name}' is unreachable at start-up (no database file)",
            place=f"source {source.name} ({database})",
            fix="seed it with `credit-hub seed` or correct its URL",
        )
    try:
        async with asyncio.timeout(10):
            await source.check_schema()
    except ConfigError:
        raise
    except Exception as exc:  # the driver's own error types vary; all mean unreachable here
        # Started degraded: the source is UNAVAILABLE in /readyz and `sources` until it answers, and its
        # schema is checked on its first answer.
        log.warning(
            "source '%s' is unreachable at start-up (%s); serving without it until it answers",
            source.name,
            type(exc).__name__,
        )
