"""The parts open_hub strings together: files loaded and checked, sources, and the services of a request."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub.audit.cases import CaseRegister
from hub.audit.reader import AuditReader
from hub.catalog.calendar_file import load_calendar
from hub.catalog.load import load_catalog
from hub.catalog.model import Catalog
from hub.catalog.workdays import WorkingCalendar
from hub.collection.read_check import ReadChecks
from hub.collection.service import CollectionService, Detect
from hub.config import Settings, SourceSettings
from hub.errors import ConfigError
from hub.evaluation.load import evaluation_path, load_evaluation
from hub.evaluation.service import EvaluationService
from hub.federation.adapter import SqlSource
from hub.federation.fetch import Federation
from hub.federation.hub_mapping import HubSourceMap
from hub.federation.mapping import SourceMap, load_hub_maps, load_source_maps
from hub.federation.remote import HubCredentials, HubSource, Signer
from hub.identity.codes import SubjectCode
from hub.identity.keys import SigningKey
from hub.identity.scopes import Scope
from hub.measures.cases import CaseService
from hub.measures.check import CheckService
from hub.measures.feedback import FeedbackService
from hub.measures.load import load_measures, measures_path
from hub.measures.model import MeasuresList
from hub.metrics import HubMetrics
from hub.policy.load import PolicySet, load_policies
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose
from hub.privacy.consent import ConsentRules, ConsentService, purposes_of
from hub.privacy.disclose import Discloser
from hub.privacy.masking import MASKERS
from hub.privacy.redact import Redactor
from hub.records.probes import ProbeGuard, ProbeLimits
from hub.records.public_lists import PublicLists
from hub.records.service import ReadRequest, ReadResult, RecordService
from hub.records.shape import Shaper
from hub.reports.service import ReportService, signing_with
from hub.rights.items import ItemFinder
from hub.rights.notices import NoticeService
from hub.rights.objections import ObjectionService
from hub.rights.repairs import RepairService
from hub.services import CreditServices, Services
from hub.store.anomaly_reviews import AnomalyReviewRepository
from hub.store.clients import ClientStatus, ClientStatuses
from hub.store.collected import CollectedStore
from hub.store.consents import ConsentRepository
from hub.store.engine import sqlite_file
from hub.store.executions import ExecutionRepository
from hub.store.flagged import FlaggedEntry, FlaggedEntryRepository
from hub.store.measure_cases import CaseRepository
from hub.store.mirror import Mirror
from hub.store.read_faults import ReadFault, ReadFaultRepository
from hub.store.repairs import RepairRepository
from hub.store.reports import ReportRepository
from hub.store.rights import RightsRepository
from hub.store.source_feedback import FeedbackRepository

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)
OpenEngine = Callable[..., "AsyncEngine"]


@dataclass(frozen=True, slots=True)
class Files:
    """What the deployment's files say, loaded and checked: catalogue, policies and source mappings."""

    catalog: Catalog
    policies: PolicySet
    mappings: Mapping[str, SourceMap]
    hub_mappings: Mapping[str, HubSourceMap]  # other Credit Hubs asked like sources (kind: hub)
    calendar: WorkingCalendar  # the official years of calendar_dir, ahead of chinese-calendar

    def source_names(self) -> list[str]:
        """Answers the name of every source, databases and hubs."""
        return [*self.mappings, *self.hub_mappings]


def load_files(settings: Settings) -> Files:
    """Answers the deployment's files; raises ConfigError naming the file and line of the first mistake."""
    catalog = load_catalog(settings.catalog_path)
    policies = load_policies(settings.policies_dir, catalog)
    mappings = load_source_maps(settings.sources_dir, catalog)
    hub_mappings = load_hub_maps(settings.sources_dir, catalog)
    unknown = sorted(set(settings.sources) - set(mappings) - set(hub_mappings))
    if unknown:
        raise ConfigError(
            f"sources configured without a mapping: {', '.join(unknown)}",
            place="settings.sources",
            fix=f"add schema/sources/{unknown[0]}.yaml or remove it",
        )
    _check_officer_groups(settings, policies)
    return Files(catalog, policies, mappings, hub_mappings, load_calendar(settings.calendar_dir))


def _check_officer_groups(settings: Settings, policies: PolicySet) -> None:
    """Answers nothing; raises ConfigError when a group of oidc.officer_groups maps to a department that has no
    policy or may not read the register (its officers could never use the console)."""
    for group, department in (settings.oidc.officer_groups if settings.oidc else {}).items():
        policy = policies.get(department)
        if policy is None or Scope.AUDIT_READ.value not in policy.scopes:
            problem = "has no policy" if policy is None else "may not read the register (scope audit:read)"
            raise ConfigError(
                f"oidc.officer_groups maps group '{group[:60]}' to department '{department}', which {problem}",
                place="oidc.officer_groups",
                fix=f"map the group to a department of {settings.policies_dir} holding audit:read, e.g. privacy-office",
            )


async def open_sources(settings: Settings, files: Files, open_engine: OpenEngine) -> list[SqlSource]:
    """Answers every mapped source on its own engine; one unreachable at start-up is served degraded."""
    sources: list[SqlSource] = []
    for name, mapping in files.mappings.items():
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
        engine = open_engine(configured.url, pool_size=configured.pool_size, isolation_level="AUTOCOMMIT")
        source = SqlSource(mapping, engine, configured.timeout_ms)
        await _check_source(source, configured.url)
        sources.append(source)
    return sources


def hub_sources(settings: Settings, files: Files, signer: Signer) -> list[HubSource]:
    """Answers a source for every mapping of kind `hub`, with its URL, this hub's client there and its signer."""
    found: list[HubSource] = []
    for name, mapping in files.hub_mappings.items():
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
        found.append(HubSource(mapping, url, credentials, timeout_ms=configured.timeout_ms, signer=signer))
    return found


@dataclass(frozen=True, slots=True)
class Built:
    """The services of a request, and the mirrors open_hub starts and stops for them."""

    services: Services
    mirrors: Sequence[Mirror[Any]]


def build_services(
    settings: Settings,
    files: Files,
    federation: Federation,
    hub_engine: AsyncEngine,
    open_engine: OpenEngine,
    *,
    signer: Callable[[], Awaitable[SigningKey]],
    audit: AuditReader,
    cases: CaseRegister,
    metrics: HubMetrics,
    today: Callable[[], date],
) -> Built:
    """Answers the services over the hub's database engine and the sources' federation (no I/O)."""
    catalog, policies = files.catalog, files.policies
    redactor = Redactor()
    discloser = Discloser(catalog, MASKERS, lambda text, names: redactor.redact(text, names).text)
    pulled = frozenset(name for name, mapping in files.mappings.items() if not mapping.managed)
    read_checks = ReadChecks(catalog, pulled, detect=detector(redactor))
    shaper = Shaper(catalog, discloser, read_checks)
    consents = ConsentService(ConsentRepository(hub_engine), ConsentRules(catalog), purposes_of(policies))
    rights = RightsRepository(hub_engine)
    flagged = FlaggedEntryRepository(hub_engine)
    faults = ReadFaultRepository(hub_engine)

    async def note_flagged(entries: Sequence[FlaggedEntry]) -> None:
        await flagged.note(entries, datetime.now(UTC))

    async def note_faults(found: Sequence[ReadFault]) -> None:
        await faults.note(found, datetime.now(UTC))

    records = RecordService(
        catalog,
        federation,
        shaper,
        consents,
        overlay=rights.marks,
        overlay_at_hand=rights.mirrored_marks,
        flagged=note_flagged,
        metrics=metrics,
        faulted=note_faults,
    )
    measures = load_measures(measures_path(settings.policies_dir), policies.departments)
    model = load_evaluation(evaluation_path(settings.policies_dir), catalog)
    evaluation = EvaluationService(model, catalog, records.read, records.consents)
    repairs = RepairRepository(hub_engine, rights.mirror)
    services = Services(
        settings,
        catalog,
        policies,
        federation,
        records,
        redactor,
        audit,
        cases,
        _credit(measures, catalog, policies, federation, records, rights, evaluation),
        PublicLists(catalog, federation, shaper, rights.marks, repairs),
        reports=ReportService(
            catalog, records.read, evaluation, ReportRepository(hub_engine), signing_with(signer), settings.issuer
        ),
        anomaly_reviews=AnomalyReviewRepository(hub_engine),
        probes=_probe_guard(settings, hub_engine),
        today=today,
        flagged=flagged,
        collection=_collection(settings, files, open_engine, redactor, federation.sources),
        read_faults=faults,
        read_checks=read_checks,
    )
    return Built(services, [rights.mirror])


def _collection(
    settings: Settings, files: Files, open_engine: OpenEngine, redactor: Redactor, pulled: Sequence[SqlSource]
) -> CollectionService | None:
    """Answers the submission service over the hub-managed source, writing through a transactional engine."""
    managed = next((m for m in files.mappings.values() if m.managed), None)
    if managed is None:
        return None
    configured = settings.sources.get(managed.name)
    url = configured.url if configured is not None else settings.database_url
    engine = open_engine(url, pool_size=settings.database_pool_size)  # the hub's own engine when it is its database
    return CollectionService(
        files.catalog, CollectedStore(engine), detect=detector(redactor), source_name=managed.name, pulled=pulled
    )


def detector(redactor: Redactor) -> Detect:
    """Answers the personal-data detector of collection's checks: the entity types found in each text."""

    def detect(texts: Sequence[str]) -> list[tuple[str, ...]]:
        found = redactor.redact_many([(text, ()) for text in texts])
        return [tuple(entity.type for entity in one.entities) for one in found]

    return detect


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
        on_planned: Callable[[list[Any]], None] | None = None,
    ) -> ReadResult:  # fmt: skip
        request = ReadRequest(policy, org, purpose, codes, requested, dict(linked or {}))
        return await records.read(request, today, on_planned)

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
    database = sqlite_file(url)
    if database and not await asyncio.to_thread(Path(database).is_file):
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
