"""The hub database's repositories on one engine: what open_hub serves from and admin commands work on."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hub.catalog.load import load_catalog
from hub.config import Settings
from hub.graphql.schema import HubSchema, build_schema
from hub.graphql.trusted import TrustedDocuments
from hub.policy.load import PolicySet, load_policies
from hub.store.audit_repo import AuditRepository
from hub.store.clients import ClientRepository, ClientStatuses
from hub.store.collected import CollectedStore
from hub.store.documents import DocumentRepository
from hub.store.engine import make_engine
from hub.store.keys import RevocationRepository, SigningKeyRepository
from hub.store.read_faults import ReadFaultRepository

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(frozen=True, slots=True)
class Stores:
    """The repositories of the hub's own database, all on one engine (disposed when their opener closes)."""

    engine: AsyncEngine
    clients: ClientRepository
    statuses: ClientStatuses
    documents: DocumentRepository
    signing_keys: SigningKeyRepository
    revocations: RevocationRepository  # a mirror on PostgreSQL: open_hub starts and stops it


@contextlib.asynccontextmanager
async def open_stores(database_url: str, *, pool_size: int = 5) -> AsyncIterator[Stores]:
    """Answers the repositories of the hub database at `database_url`, on one engine opened for them."""
    engine = make_engine(database_url, pool_size=pool_size)
    try:
        yield stores_on(engine)
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def open_collected(url: str) -> AsyncIterator[CollectedStore]:
    """Answers the store of the hub-managed source of submitted records at `url`, on an engine opened for it."""
    engine = make_engine(url)
    try:
        yield CollectedStore(engine)
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def open_read_faults(url: str) -> AsyncIterator[ReadFaultRepository]:
    """Answers what reads found in pulled sources, kept in the hub's database at `url` (admin commands)."""
    engine = make_engine(url, pool_size=1)
    try:
        yield ReadFaultRepository(engine)
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def open_register(url: str) -> AsyncIterator[AuditRepository]:
    """Answers the query register's store at `url` on an engine of one connection (admin commands)."""
    engine = make_engine(url, pool_size=1)
    repository = AuditRepository(engine)
    try:
        yield repository
    finally:
        await repository.close()
        await engine.dispose()


def stores_on(engine: AsyncEngine) -> Stores:
    """Answers the repositories of the hub database on an engine its caller opened (and disposes)."""
    return Stores(
        engine,
        ClientRepository(engine),
        ClientStatuses(engine),
        DocumentRepository(engine),
        SigningKeyRepository(engine),
        RevocationRepository(engine),
    )


def trusted_documents(stores: Stores, policies: PolicySet, schema: HubSchema | None = None) -> TrustedDocuments:
    """Answers the register of trusted documents, analysed against each client's department policy."""
    return TrustedDocuments(stores.documents, stores.clients, schema or build_schema(), policies)


def deployment_policies(settings: Settings) -> PolicySet:
    """Answers the deployment's compiled policies (raises ConfigError naming the file and line of a mistake)."""
    return load_policies(settings.policies_dir, load_catalog(settings.catalog_path))
