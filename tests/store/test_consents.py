"""The consents repository on SQLite and PostgreSQL: round trip, validity in one query, revocation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.clients import ClientRepository
from hub.store.consents import ConsentRepository, ConsentRow
from hub.store.tables import clients
from tests.identity.support import ORG, OTHER_ORG, PERSON

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
OTHER_PERSON = "110101199003070011"


def consent(consent_id: str, **changes: Any) -> ConsentRow:
    values: dict[str, Any] = {
        "id": consent_id,
        "subject_code": PERSON,
        "grantee_org": ORG,
        "purpose": "CREDIT_LENDING",
        "record_types": ("penalty", "registration"),
        "sensitive_categories": (),
        "starts_at": NOW,
        "expires_at": NOW + timedelta(days=30),
        "created_at": NOW,
    }
    return ConsentRow(**(values | changes))


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_consents_round_trip_newest_first(engine: AsyncEngine) -> None:
    repository = ConsentRepository(engine)
    first = consent("c1", sensitive_categories=("health",))
    second = consent("c2", created_at=NOW + timedelta(minutes=1), grantee_org=OTHER_ORG)
    await repository.add(first)
    await repository.add(second)
    await repository.add(consent("c3", subject_code=OTHER_PERSON))
    assert await repository.of_subject(PERSON) == [second, first]
    assert all(row.expires_at.tzinfo is not None for row in await repository.of_subject(PERSON))
    assert await repository.of_subject("91350100M000100Y43") == []


async def test_times_in_any_zone_are_stored_as_the_same_instant(engine: AsyncEngine) -> None:
    repository = ConsentRepository(engine)
    beijing = timezone(timedelta(hours=8))
    await repository.add(consent("c1", expires_at=datetime(2026, 3, 1, 18, 0, tzinfo=beijing)))  # 10:00 UTC
    assert (await repository.of_subject(PERSON))[0].expires_at == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert [r.id for r in await repository.valid([PERSON], ORG, "CREDIT_LENDING", NOW + timedelta(minutes=59))] == [
        "c1"
    ]
    assert await repository.valid([PERSON], ORG, "CREDIT_LENDING", NOW + timedelta(hours=1)) == []


async def test_valid_consents_of_many_persons_come_in_one_query(engine: AsyncEngine) -> None:
    repository = ConsentRepository(engine)
    await repository.add(consent("ok1"))
    await repository.add(consent("ok2", subject_code=OTHER_PERSON))
    await repository.add(consent("other-org", grantee_org=OTHER_ORG))
    await repository.add(consent("other-purpose", purpose="POST_LOAN_MONITORING"))
    await repository.add(consent("later", starts_at=NOW + timedelta(days=1)))
    await repository.add(consent("expired", expires_at=NOW))
    await repository.add(consent("revoked"))
    await repository.revoke("revoked", PERSON, NOW - timedelta(seconds=1))
    with statements(engine) as seen:
        found = await repository.valid([PERSON, OTHER_PERSON, PERSON], ORG, "CREDIT_LENDING", NOW)
    assert sorted(row.id for row in found) == ["ok1", "ok2"]
    assert len(seen) == 1
    assert await repository.valid([], ORG, "CREDIT_LENDING", NOW) == []


async def test_only_the_grantor_revokes_and_revoking_twice_keeps_the_first_time(engine: AsyncEngine) -> None:
    repository = ConsentRepository(engine)
    await repository.add(consent("c1"))
    assert await repository.revoke("c1", OTHER_PERSON, NOW) is None
    assert await repository.revoke("missing", PERSON, NOW) is None
    assert (await repository.of_subject(PERSON))[0].revoked_at is None
    revoked = await repository.revoke("c1", PERSON, NOW + timedelta(hours=1))
    assert revoked is not None
    assert revoked.revoked_at == NOW + timedelta(hours=1)
    again = await repository.revoke("c1", PERSON, NOW + timedelta(hours=2))
    assert again is not None
    assert again.revoked_at == NOW + timedelta(hours=1)
    assert (await repository.of_subject(PERSON))[0] == revoked


async def test_registered_organisations_their_departments_and_names(engine: AsyncEngine) -> None:
    repository, registry = ConsentRepository(engine), ClientRepository(engine)
    for client_id, department, name, minutes in (
        ("ch_a", "bank", "某银行总行", 0),
        ("ch_b", "bank-risk", "某银行风控", 1),
    ):
        await registry.add(
            client_id=client_id,
            name=name,
            org=ORG,
            department=department,
            scopes=["subject:read"],
            secret_hash="scrypt$hash",
            created_at=NOW + timedelta(minutes=minutes),
        )
    assert await repository.departments_of(ORG) == {"bank", "bank-risk"}
    assert await repository.departments_of(OTHER_ORG) == frozenset()
    assert await repository.organisation_names([ORG, OTHER_ORG]) == {ORG: "某银行总行"}
    assert await repository.organisations() == {ORG: "某银行总行"}
    async with engine.begin() as conn:
        await conn.execute(update(clients).where(clients.c.client_id == "ch_a").values(disabled=True))
    assert await repository.departments_of(ORG) == {"bank-risk"}
    assert await repository.organisations() == {ORG: "某银行风控"}, "an organisation is named by an enabled client"
    async with engine.begin() as conn:
        await conn.execute(update(clients).values(disabled=True))
    assert await repository.organisations() == {}
