"""Builds, once at start-up, everything a request needs: catalogue, policies, sources, engines."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from hub.catalog.load import load_catalog
from hub.catalog.model import Catalog
from hub.config import Settings
from hub.errors import ConfigError, ErrorCode, HubError
from hub.federation.adapter import SqlSource, ping
from hub.federation.fetch import Federation, SourceOutcome, SourceState
from hub.federation.mapping import load_source_maps
from hub.identity.principal import Principal
from hub.policy.load import PolicySet, load_policies
from hub.policy.policy import Policy
from hub.privacy.masking import MASKERS
from hub.privacy.redact import Redactor
from hub.records.service import RecordService
from hub.records.shape import Shaper
from hub.store.engine import make_engine


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

    def policy_for(self, principal: Principal) -> Policy:
        """Answers the caller's department policy, or FORBIDDEN when it has none."""
        policy = self.policies.get(principal.department or "")
        if policy is None:
            raise HubError(
                ErrorCode.FORBIDDEN,
                "no access policy is registered for your department",
                fix="ask the hub operator to add policies/<department>.yaml",
            )
        return policy

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
        return list(await asyncio.gather(*(self._probe(s) for s in self.federation.sources)))

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
        return SourceOutcome(source.name, source.mapping.title, state, elapsed, frozenset(source.mapping.record_types))

    async def close(self) -> None:
        """Answers nothing; disposes every engine."""
        await asyncio.gather(*(engine.dispose() for engine in self.engines.values()))


def _period_text(catalog: Catalog, record_type: str) -> str | None:
    period = catalog.record_types[record_type].period
    if period is None:
        return None
    return f"P{period.years}Y{period.months}M{period.days}D".replace("0M", "").replace("0D", "")


async def build_services(settings: Settings, *, check_sources: bool = True) -> Services:
    """Answers the hub's services for `settings`; raises ConfigError on a bad file or unreachable source."""
    catalog = load_catalog(settings.catalog_path)
    policies = load_policies(settings.policies_dir, catalog)
    mappings = load_source_maps(settings.sources_dir, catalog)
    engines: dict[str, AsyncEngine] = {}
    sources: list[SqlSource] = []
    for name, mapping in mappings.items():
        configured = settings.sources.get(name)
        if configured is None:
            raise ConfigError(
                f"source '{name}' has a mapping but no database URL",
                place=str(mapping.path),
                fix=f"set HUB_SOURCES__{name.upper()}__URL or [sources.{name}] url in hub.toml",
            )
        engine = make_engine(configured.url)
        engines[f"source:{name}"] = engine
        source = SqlSource(mapping, engine, configured.timeout_ms)
        if check_sources:
            await _check_source(source, configured.url)
        sources.append(source)
    unknown = sorted(set(settings.sources) - set(mappings))
    if unknown:
        raise ConfigError(
            f"sources configured without a mapping: {', '.join(unknown)}",
            place="settings.sources",
            fix=f"add schema/sources/{unknown[0]}.yaml or remove it",
        )
    federation = Federation(
        sources,
        default_timeout_ms=settings.source_timeout_ms,
        breaker_failures=settings.breaker_failures,
        breaker_reset=settings.breaker_reset_seconds,
    )
    redactor = Redactor()
    shaper = Shaper(catalog, MASKERS, lambda text, names: redactor.redact(text, names).text)
    records = RecordService(catalog, federation, shaper)
    return Services(settings, catalog, policies, federation, records, redactor, engines)


async def _check_source(source: SqlSource, url: str) -> None:
    try:
        async with asyncio.timeout(10):
            await source.check_schema()
    except ConfigError:
        raise
    except Exception as exc:  # the driver's own error types vary; all mean unreachable here
        where = url.split("@")[-1]
        raise ConfigError(
            f"source '{source.name}' is unreachable at start-up ({type(exc).__name__})",
            place=f"source {source.name} ({where})",
            fix="start its database or correct its URL",
        ) from None
