"""The credit reports table: an issued report is noted once and found by its number, times kept in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.errors import HubError
from hub.store.reports import IssuedReport, ReportRepository

NOW = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
REPORT = IssuedReport("CR20261206A1B2C3D4E5", "a" * 64, "eyJ..sig", "DEPARTMENT", NOW, "bank", "e" * 36)


async def test_an_issued_report_is_found_by_its_number(engine: AsyncEngine) -> None:
    reports = ReportRepository(engine)
    await reports.add(REPORT)
    assert await reports.find(REPORT.number) == REPORT
    assert await reports.find("CR20261206FFFFFFFFFF") is None


async def test_a_number_is_issued_once(engine: AsyncEngine) -> None:
    reports = ReportRepository(engine)
    await reports.add(REPORT)
    with pytest.raises(HubError):
        await reports.add(REPORT)


async def test_a_signing_key_is_kept_once_and_listed_newest_first(engine: AsyncEngine) -> None:
    reports = ReportRepository(engine)
    await reports.note_key("k1", '{"kid": "k1"}', NOW)
    await reports.note_key("k1", '{"kid": "k1", "changed": true}', NOW)
    await ReportRepository(engine).note_key("k1", '{"kid": "k1", "other": "worker"}', NOW)  # another process
    await reports.note_key("k2", '{"kid": "k2"}', NOW.replace(hour=10))
    assert await reports.public_keys() == ['{"kid": "k2"}', '{"kid": "k1"}']
