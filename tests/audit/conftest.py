"""Fixtures of the audit tests: one freshly migrated database per test, on each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hub.store.audit_repo import AuditRepository
from tests.audit.support import BACKENDS, fresh_database


@pytest.fixture(params=BACKENDS)
async def audit_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty, migrated hub database (SQLite, and PostgreSQL when configured)."""
    async with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
async def repo(audit_url: str) -> AsyncIterator[AuditRepository]:
    """An audit repository on its own engine over `audit_url`."""
    repository = AuditRepository.open(audit_url)
    yield repository
    await repository.close()
