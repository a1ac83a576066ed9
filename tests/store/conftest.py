"""Fixtures of the store tests: an engine on a freshly migrated hub database, on every backend."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.engine import make_engine
from hub.store.mirror import Mirror
from tests.identity.support import BACKENDS, migrated_database

POSTGRES = [backend for backend in BACKENDS if backend != "sqlite"]


@contextlib.asynccontextmanager
async def migrated_engine(backend: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Yields an engine on a freshly migrated hub database of `backend`, disposed afterwards."""
    async with migrated_database(backend, tmp_path) as url:
        made = make_engine(url)
        try:
            yield made
        finally:
            await made.dispose()


@pytest.fixture(params=BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Answers an engine on a migrated hub database (SQLite, and PostgreSQL when configured)."""
    async with migrated_engine(request.param, tmp_path) as made:
        yield made


@pytest.fixture(params=POSTGRES)
async def pg_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Answers an engine on a migrated PostgreSQL hub database (for what only PostgreSQL does: mirrors)."""
    async with migrated_engine(request.param, tmp_path) as made:
        yield made


class MirroredRepository(Protocol):
    """A repository that keeps a mirror of its table (revocations, the rights overlay)."""

    @property
    def mirror(self) -> Mirror[Any]: ...
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


Mirrored = TypeVar("Mirrored", bound=MirroredRepository)


@contextlib.asynccontextmanager
async def trusted(repository: Mirrored) -> AsyncIterator[Mirrored]:
    """Yields the repository started and its mirror trusted (within 5 s); stops it afterwards."""
    await repository.start()
    try:
        async with asyncio.timeout(5):
            await repository.mirror.trusted()
        yield repository
    finally:
        await repository.stop()
