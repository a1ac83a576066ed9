"""Consent rules and the consent service over an in-memory store: every bad input, status, coverage."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from hub.catalog.load import load_catalog
from hub.catalog.model import Catalog, CatalogField, RecordType, Sharing
from hub.config import resource_dir
from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectKind
from hub.policy.purposes import Purpose
from hub.privacy.consent import (
    ConsentRules,
    ConsentService,
    ConsentStatus,
    GrantRequest,
    one_year_after,
    status,
)
from hub.store.consents import ConsentRow

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PERSON = "11010519491231002X"
OTHER_PERSON = "110101199003070011"
ENTERPRISE = "91350100M000100Y43"
BANK = "91110000802100433B"
CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")


def _with_medical(catalog: Catalog) -> Catalog:
    """The shipped catalogue plus a record type holding sensitive data (health)."""
    field = CatalogField(
        "medical", "diagnosis", {k: "sensitive" for k in SubjectKind}, Sharing.RESTRICTED, "test", "diagnosis"
    )
    medical = RecordType(
        "medical", "medical", True, frozenset(SubjectKind), "tax", "test", None, None, None, {"diagnosis": field}
    )
    return dataclasses.replace(catalog, record_types={**catalog.record_types, "medical": medical})


class MemoryStore:
    """The ConsentStore protocol over a list, counting calls."""

    def __init__(self, registered: dict[str, frozenset[str]] | None = None) -> None:
        self.rows: list[ConsentRow] = []
        self.registered = registered if registered is not None else {BANK: frozenset({"bank"})}
        self.valid_calls = 0
        self.names = {BANK: "银行"}

    async def add(self, row: ConsentRow) -> None:
        self.rows.append(row)

    async def of_subject(self, subject_code: str) -> list[ConsentRow]:
        return sorted(
            (r for r in self.rows if r.subject_code == subject_code), key=lambda r: r.created_at, reverse=True
        )

    async def revoke(self, consent_id: str, subject_code: str, at: datetime) -> ConsentRow | None:
        for index, row in enumerate(self.rows):
            if row.id == consent_id and row.subject_code == subject_code:
                if row.revoked_at is None:
                    self.rows[index] = dataclasses.replace(row, revoked_at=at)
                return self.rows[index]
        return None

    async def valid(self, subject_codes: Sequence[str], org: str, purpose: str, at: datetime) -> list[ConsentRow]:
        self.valid_calls += 1
        return [
            r
            for r in self.rows
            if r.subject_code in subject_codes and r.grantee_org == org and r.purpose == purpose
            if r.revoked_at is None and r.starts_at <= at < r.expires_at
        ]

    async def departments_of(self, org: str) -> frozenset[str]:
        return self.registered.get(org, frozenset())

    async def organisation_names(self, orgs: Sequence[str]) -> dict[str, str]:
        return {org: "银行" for org in orgs if org in self.registered}

    async def organisations(self) -> dict[str, str]:
        return dict(self.names)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _purposes(departments: Any) -> frozenset[Purpose]:
    return (
        frozenset({Purpose.CREDIT_LENDING, Purpose.POST_LOAN_MONITORING}) if "bank" in set(departments) else frozenset()
    )


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(store: MemoryStore, clock: Clock) -> ConsentService:
    ids = iter(f"c{i}" for i in range(100))
    return ConsentService(store, ConsentRules(CATALOG), _purposes, clock=clock, new_id=lambda: next(ids))


def request(**changes: Any) -> GrantRequest:
    base: dict[str, Any] = {
        "grantee": BANK,
        "purpose": Purpose.CREDIT_LENDING,
        "record_types": ["registration", "penalty"],
        "expires_at": NOW + timedelta(days=90),
    }
    return GrantRequest(**(base | changes))


async def test_a_valid_grant_is_stored_once_with_its_terms(service: ConsentService, store: MemoryStore) -> None:
    row = await service.grant(PERSON, request(record_types=["penalty", "registration", "penalty"]))
    assert store.rows == [row]
    assert (row.subject_code, row.grantee_org, row.purpose) == (PERSON, BANK, "CREDIT_LENDING")
    assert row.record_types == ("penalty", "registration")
    assert (row.starts_at, row.expires_at, row.created_at) == (NOW, NOW + timedelta(days=90), NOW)
    assert status(row, NOW) is ConsentStatus.ACTIVE


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"expires_at": NOW - timedelta(seconds=1)}, "expiresAt", "in the past"),
        ({"expires_at": NOW}, "expiresAt", "in the past"),
        ({"expires_at": one_year_after(NOW) + timedelta(seconds=1)}, "expiresAt", "more than one year"),
        ({"expires_at": NOW + timedelta(days=3650)}, "expiresAt", "no lifetime consent"),
        ({"starts_at": NOW - timedelta(days=1)}, "startsAt", "backdated"),
        ({"starts_at": NOW + timedelta(days=91)}, "startsAt", "not before expiresAt"),
        ({"grantee": "91110000802100433X"}, "grantee", "check character"),
        ({"grantee": "123"}, "grantee", "18"),
        ({"grantee": OTHER_PERSON}, "grantee", "not a natural person"),
        ({"grantee": ENTERPRISE}, "grantee", "not an organisation registered"),
        ({"purpose": Purpose.LAW_ENFORCEMENT}, "purpose", "may not use records for purpose LAW_ENFORCEMENT"),
        ({"purpose": Purpose.SELF_ACCESS}, "purpose", "may not use records"),
        ({"record_types": []}, "recordTypes", "at least one record type"),
        ({"record_types": ["penalty", "health_records"]}, "recordTypes", "recordTypes[1] is not a record type"),
        ({"record_types": ["tax_credit"]}, "recordTypes", "not kept for natural persons"),
        ({"sensitive_categories": ["horoscope"]}, "sensitiveCategories", "not a known sensitive category"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_stored(
    service: ConsentService, store: MemoryStore, changes: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(HubError) as caught:
        await service.grant(PERSON, request(**changes))
    assert caught.value.code is ErrorCode.BAD_USER_INPUT
    assert caught.value.extra["field"] == field
    assert words in caught.value.message
    assert caught.value.fix
    assert store.rows == []


async def test_errors_never_echo_personal_data(service: ConsentService) -> None:
    for changes in ({"grantee": OTHER_PERSON}, {"record_types": [PERSON]}, {"sensitive_categories": [PERSON]}):
        with pytest.raises(HubError) as caught:
            await service.grant(PERSON, request(**changes))
        assert PERSON not in caught.value.render()
        assert OTHER_PERSON not in caught.value.render()


async def test_only_natural_persons_grant(service: ConsentService, store: MemoryStore) -> None:
    with pytest.raises(HubError) as caught:
        await service.grant(ENTERPRISE, request())
    assert caught.value.code is ErrorCode.FORBIDDEN
    assert store.rows == []


async def test_expiry_up_to_exactly_one_year_and_times_in_any_zone(service: ConsentService) -> None:
    row = await service.grant(PERSON, request(expires_at=one_year_after(NOW)))
    assert row.expires_at == datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    beijing = timezone(timedelta(hours=8))
    row = await service.grant(PERSON, request(expires_at=datetime(2026, 6, 1, 8, 0, tzinfo=beijing)))
    assert row.expires_at == datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    naive = await service.grant(PERSON, request(expires_at=datetime(2026, 6, 1, 8, 0)))
    assert naive.expires_at == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def test_one_year_after_a_leap_day() -> None:
    assert one_year_after(datetime(2028, 2, 29, 12, tzinfo=UTC)) == datetime(2029, 2, 28, 12, tzinfo=UTC)


async def test_a_start_a_moment_ago_starts_now_and_a_later_start_waits(service: ConsentService, clock: Clock) -> None:
    row = await service.grant(PERSON, request(starts_at=NOW - timedelta(minutes=1)))
    assert row.starts_at == NOW
    later = await service.grant(PERSON, request(starts_at=NOW + timedelta(days=10)))
    assert status(later, NOW) is ConsentStatus.PENDING
    assert await service([PERSON], BANK, Purpose.CREDIT_LENDING) == {
        PERSON: (frozenset({"registration", "penalty"}), frozenset({row.id}))
    }
    clock.now = NOW + timedelta(days=10)
    covered = await service([PERSON], BANK, Purpose.CREDIT_LENDING)
    assert covered[PERSON][1] == {row.id, later.id}


async def test_lookup_covers_only_grantee_purpose_and_time(
    service: ConsentService, store: MemoryStore, clock: Clock
) -> None:
    row = await service.grant(PERSON, request(record_types=["registration"]))
    other = await service.grant(OTHER_PERSON, request(record_types=["penalty"], purpose=Purpose.POST_LOAN_MONITORING))
    found = await service([PERSON, OTHER_PERSON], BANK, Purpose.CREDIT_LENDING)
    assert found == {PERSON: (frozenset({"registration"}), frozenset({row.id}))}
    assert store.valid_calls == 1, "one store query per request, however many persons"
    assert await service([PERSON], ENTERPRISE, Purpose.CREDIT_LENDING) == {}
    found = await service([OTHER_PERSON], BANK, Purpose.POST_LOAN_MONITORING)
    assert found[OTHER_PERSON] == (frozenset({"penalty"}), frozenset({other.id}))
    clock.now = row.expires_at
    assert await service([PERSON], BANK, Purpose.CREDIT_LENDING) == {}
    assert status(row, clock.now) is ConsentStatus.EXPIRED


async def test_revocation_takes_effect_at_once_and_only_by_the_grantor(service: ConsentService) -> None:
    row = await service.grant(PERSON, request())
    with pytest.raises(HubError) as caught:
        await service.revoke(OTHER_PERSON, row.id)
    assert caught.value.code is ErrorCode.NOT_FOUND
    with pytest.raises(HubError) as unknown:
        await service.revoke(PERSON, "no-such-id")
    assert unknown.value.code is ErrorCode.NOT_FOUND
    assert unknown.value.message == caught.value.message, "someone else's id looks exactly like an unknown one"
    assert (await service([PERSON], BANK, Purpose.CREDIT_LENDING))[PERSON][1] == {row.id}
    revoked = await service.revoke(PERSON, row.id)
    assert revoked.revoked_at == NOW
    assert status(revoked, NOW) is ConsentStatus.REVOKED
    assert await service([PERSON], BANK, Purpose.CREDIT_LENDING) == {}
    assert (await service.revoke(PERSON, row.id)).revoked_at == NOW, "revoking twice changes nothing"


async def test_mine_lists_every_status(service: ConsentService, clock: Clock) -> None:
    first = await service.grant(PERSON, request(expires_at=NOW + timedelta(days=1)))
    clock.now = NOW + timedelta(hours=1)
    second = await service.grant(PERSON, request())
    clock.now = NOW + timedelta(hours=2)
    third = await service.grant(PERSON, request(starts_at=NOW + timedelta(days=5)))
    await service.revoke(PERSON, second.id)
    await service.grant(OTHER_PERSON, request())
    mine = await service.mine(PERSON)
    assert [row.id for row in mine] == [third.id, second.id, first.id]
    clock.now = NOW + timedelta(days=2)
    assert [status(row, clock.now) for row in mine] == [
        ConsentStatus.PENDING,
        ConsentStatus.REVOKED,
        ConsentStatus.EXPIRED,
    ]


async def test_sensitive_record_types_need_the_categories_named(clock: Clock) -> None:
    store = MemoryStore()
    rules = ConsentRules(_with_medical(CATALOG))
    service = ConsentService(store, rules, _purposes, clock=clock)
    assert rules.needs_naming("medical") >= {"health", "genes"}
    assert rules.needs_naming("penalty") == frozenset()
    with pytest.raises(HubError) as caught:
        await service.grant(PERSON, request(record_types=["medical"], sensitive_categories=["health"]))
    assert caught.value.extra["field"] == "sensitiveCategories"
    assert "explicitly" in caught.value.message
    assert store.rows == []
    every = await service.grant(
        PERSON,
        request(record_types=["medical", "penalty"], sensitive_categories=[" Health ", *rules.needs_naming("medical")]),
    )
    assert "health" in every.sensitive_categories
    assert (await service([PERSON], BANK, Purpose.CREDIT_LENDING))[PERSON][0] == {"medical", "penalty"}


async def test_a_consent_stops_covering_a_record_type_that_became_sensitive(clock: Clock) -> None:
    store = MemoryStore()
    before = ConsentService(store, ConsentRules(CATALOG), _purposes, clock=clock)
    row = await before.grant(PERSON, request(record_types=["penalty"]))
    rules = ConsentRules(CATALOG, {"penalty": frozenset({"health"})})
    assert rules.covered([row], NOW) == {}
    assert rules.covered([dataclasses.replace(row, sensitive_categories=("health",))], NOW) == {
        PERSON: (frozenset({"penalty"}), frozenset({row.id}))
    }


async def test_grantees_are_searched_by_name_or_code_and_listed_by_name(store: MemoryStore, clock: Clock) -> None:
    store.names = {BANK: "某银行总行", "11140000MB1A00070K": "省信用办 隐私保护", "91140000MA0B00050X": "工商银行"}
    service = ConsentService(store, ConsentRules(CATALOG), _purposes, clock=clock)
    assert [name for _, name in await service.grantees()] == ["工商银行", "某银行总行", "省信用办 隐私保护"]
    assert await service.grantees("银行") == [("91140000MA0B00050X", "工商银行"), (BANK, "某银行总行")]
    assert await service.grantees(" 11140000mb ") == [("11140000MB1A00070K", "省信用办 隐私保护")]
    assert await service.grantees("银行", first=1) == [("91140000MA0B00050X", "工商银行")]
    assert await service.grantees("保险") == []
