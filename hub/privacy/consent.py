"""Consent of natural persons (DOMAIN.md rule 2): what a grant may say, where it stands, what it covers.

A natural person grants an organisation registered with the hub a consent for ONE purpose that the
organisation may state, over some catalogue record types, from now (or a later start) to an expiry
no more than one year away: no lifetime consent. Record types that hold sensitive personal data
(health, religion, biometrics, genes, ...) are covered only by a consent that names those
categories. Revoking takes effect on the next query: valid consents are read per request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from hub.catalog.model import Catalog
from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectKind, parse_subject_code
from hub.policy.load import PolicySet
from hub.policy.purposes import Purpose
from hub.store.consents import ConsentRow, utc

if TYPE_CHECKING:
    pass

# Categories of sensitive personal information that need a consent naming them (002 §4, rule 2).
SENSITIVE_CATEGORIES: dict[str, str] = {
    "health": "健康状况与疾病 health and illness",
    "medical_history": "病史 medical history",
    "religion": "宗教信仰 religion",
    "biometrics": "生物识别 fingerprints, face and other biometrics",
    "genes": "基因 genes",
    "blood_type": "血型 blood type",
}
BACKDATING_TOLERANCE = timedelta(minutes=5)

Covered = dict[str, tuple[frozenset[str], frozenset[str]]]


class ConsentStatus(StrEnum):
    """Where a consent stands at a moment."""

    ACTIVE = "ACTIVE"
    PENDING = "PENDING"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"


def status(consent: ConsentRow, now: datetime) -> ConsentStatus:
    """Answers whether the consent is revoked, expired, not started yet, or in force at `now`."""
    if consent.revoked_at is not None and consent.revoked_at <= now:
        return ConsentStatus.REVOKED
    if consent.expires_at <= now:
        return ConsentStatus.EXPIRED
    if consent.starts_at > now:
        return ConsentStatus.PENDING
    return ConsentStatus.ACTIVE


def one_year_after(moment: datetime) -> datetime:
    """Answers the same instant one calendar year later (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, day=28)


@dataclass(frozen=True, slots=True)
class GrantRequest:
    """What a person asks for in `grantConsent`, as given."""

    grantee: str
    purpose: Purpose
    record_types: Sequence[str]
    expires_at: datetime
    starts_at: datetime | None = None
    sensitive_categories: Sequence[str] = ()


def _bad(message: str, fix: str, at: str) -> HubError:
    return HubError(ErrorCode.BAD_USER_INPUT, message, fix=fix, extra={"field": at})


@dataclass(frozen=True)
class ConsentRules:
    """The checks on a grant and what valid consents cover; plain Python over the catalogue."""

    catalog: Catalog
    # record type -> the sensitive categories a consent must name to cover it (see `needs_naming`)
    sensitive: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def needs_naming(self, record_type: str) -> frozenset[str]:
        """Answers the sensitive categories a consent must name to cover `record_type` (none for most)."""
        found = self.catalog.record_types.get(record_type)
        if found is None:
            return frozenset()
        if record_type in self.sensitive:
            return self.sensitive[record_type]
        holds = any(f.pd_class(SubjectKind.NATURAL_PERSON) == "sensitive" for f in found.fields.values())
        return frozenset(SENSITIVE_CATEGORIES) if holds else frozenset()

    def grantor(self, code: str) -> str:
        """Answers the grantor's code; raises FORBIDDEN unless it is a natural person's."""
        if parse_subject_code(code).kind is not SubjectKind.NATURAL_PERSON:
            raise HubError(
                ErrorCode.FORBIDDEN,
                "only a natural person grants consent to use their records",
                fix="sign in as the person whose records the consent is about",
            )
        return code

    def grantee(self, raw: str) -> str:
        """Answers the grantee organisation's canonical USCC; raises BAD_USER_INPUT otherwise."""
        try:
            code = parse_subject_code(raw)
        except HubError as error:
            fix = "give the organisation's Unified Social Credit Code"
            raise _bad(f"grantee: {error.message}", fix, "grantee") from None
        if code.kind is not SubjectKind.LEGAL_ENTITY:
            raise _bad(
                "grantee must be an organisation, not a natural person",
                "give the organisation's 18-character Unified Social Credit Code",
                "grantee",
            )
        return code.value

    def terms(
        self, grantor: str, org: str, purposes: frozenset[Purpose], request: GrantRequest, now: datetime, new_id: str
    ) -> ConsentRow:
        """Answers the consent to store for a valid request, or raises BAD_USER_INPUT at the first problem."""
        if request.purpose not in purposes:
            allowed = ", ".join(sorted(purposes)) or "none"
            raise _bad(
                f"the organisation may not use records for purpose {request.purpose}",
                f"grant one of the purposes the organisation may state: {allowed}",
                "purpose",
            )
        record_types = self._record_types(request.record_types)
        categories = self._categories(request.sensitive_categories, record_types)
        starts_at, expires_at = self._term(request, now)
        return ConsentRow(
            id=new_id,
            subject_code=grantor,
            grantee_org=org,
            purpose=request.purpose.value,
            record_types=record_types,
            sensitive_categories=categories,
            starts_at=starts_at,
            expires_at=expires_at,
            created_at=now,
        )

    def _record_types(self, given: Sequence[str]) -> tuple[str, ...]:
        known = [n for n, rt in self.catalog.record_types.items() if SubjectKind.NATURAL_PERSON in rt.subject_kinds]
        fix = f"use catalogue record types kept for natural persons: {', '.join(known)}"
        if not given:
            raise _bad("name at least one record type the consent covers", fix, "recordTypes")
        for index, name in enumerate(given):
            record_type = self.catalog.record_types.get(name.strip())
            if record_type is None:
                raise _bad(f"recordTypes[{index}] is not a record type of the catalogue", fix, "recordTypes")
            if SubjectKind.NATURAL_PERSON not in record_type.subject_kinds:
                raise _bad(f"record type '{record_type.name}' is not kept for natural persons", fix, "recordTypes")
        return tuple(sorted({name.strip() for name in given}))

    def _categories(self, given: Sequence[str], record_types: Iterable[str]) -> tuple[str, ...]:
        named: set[str] = set()
        for index, raw in enumerate(given):
            category = raw.strip().lower()
            if category not in SENSITIVE_CATEGORIES:
                raise _bad(
                    f"sensitiveCategories[{index}] is not a known sensitive category",
                    f"use: {', '.join(SENSITIVE_CATEGORIES)}",
                    "sensitiveCategories",
                )
            named.add(category)
        for record_type in record_types:
            missing = sorted(self.needs_naming(record_type) - named)
            if missing:
                raise _bad(
                    f"record type '{record_type}' holds sensitive personal data ({', '.join(missing)}): "
                    "a consent must name such categories explicitly",
                    f"add {', '.join(missing)} to sensitiveCategories, or leave '{record_type}' out",
                    "sensitiveCategories",
                )
        return tuple(sorted(named))

    @staticmethod
    def _term(request: GrantRequest, now: datetime) -> tuple[datetime, datetime]:
        expires_at = utc(request.expires_at)
        latest = one_year_after(now)
        window = f"choose an expiry after now and no later than {latest:%Y-%m-%dT%H:%M}Z (one year from now)"
        if expires_at <= now:
            raise _bad("expiresAt is in the past: the consent would never hold", window, "expiresAt")
        if expires_at > latest:
            raise _bad(
                "expiresAt is more than one year away: a consent lasts at most one year (no lifetime consent)",
                window + "; grant a new consent when it expires",
                "expiresAt",
            )
        starts_at = now if request.starts_at is None else utc(request.starts_at)
        if starts_at < now - BACKDATING_TOLERANCE:
            raise _bad(
                "startsAt is in the past: a consent cannot be backdated", "leave startsAt out to start now", "startsAt"
            )
        starts_at = max(starts_at, now)
        if starts_at >= expires_at:
            raise _bad("startsAt is not before expiresAt", "choose a start before the expiry", "startsAt")
        return starts_at, expires_at

    def covered(self, consents: Iterable[ConsentRow], now: datetime) -> Covered:
        """Answers, per person, the record types their consents in force cover and the ids of those consents."""
        types: dict[str, set[str]] = {}
        ids: dict[str, set[str]] = {}
        for consent in consents:
            if status(consent, now) is not ConsentStatus.ACTIVE:
                continue
            named = set(consent.sensitive_categories)
            usable = {
                rt for rt in consent.record_types if rt in self.catalog.record_types and self.needs_naming(rt) <= named
            }
            if usable:
                types.setdefault(consent.subject_code, set()).update(usable)
                ids.setdefault(consent.subject_code, set()).add(consent.id)
        return {code: (frozenset(found), frozenset(ids[code])) for code, found in types.items()}


class ConsentStore(Protocol):
    """Where consents are kept (hub.store.consents.ConsentRepository)."""

    async def add(self, row: ConsentRow) -> None: ...
    async def of_subject(self, subject_code: str) -> list[ConsentRow]: ...
    async def revoke(self, consent_id: str, subject_code: str, at: datetime) -> ConsentRow | None: ...
    async def valid(self, subject_codes: Sequence[str], org: str, purpose: str, at: datetime) -> list[ConsentRow]: ...
    async def departments_of(self, org: str) -> frozenset[str]: ...
    async def organisation_names(self, orgs: Sequence[str]) -> dict[str, str]: ...
    async def organisations(self) -> dict[str, str]: ...


def _now() -> datetime:
    return datetime.now(UTC)


class ConsentService:
    """Grants, revokes and lists consents; called with (persons, org, purpose) it is the records service's lookup."""

    def __init__(
        self,
        store: ConsentStore,
        rules: ConsentRules,
        purposes_of: Callable[[Iterable[str]], frozenset[Purpose]],
        *,
        clock: Callable[[], datetime] = _now,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.store = store
        self.rules = rules
        self.purposes_of = purposes_of
        self.clock = clock
        self.new_id = new_id

    async def __call__(self, person_codes: Sequence[str], org: str, purpose: Purpose) -> Covered:
        """Answers what the persons' consents to `org` for `purpose` cover now, in one store query."""
        now = self.clock()
        return self.rules.covered(await self.store.valid(person_codes, org, purpose.value, now), now)

    async def grant(self, grantor: str, request: GrantRequest) -> ConsentRow:
        """Answers the stored consent; everything is checked before the one insert."""
        subject = self.rules.grantor(grantor)
        org = self.rules.grantee(request.grantee)
        departments = await self.store.departments_of(org)
        if not departments:
            raise _bad(
                "grantee is not an organisation registered with the hub",
                "grant consent to an organisation that queries the hub, by its Unified Social Credit Code",
                "grantee",
            )
        row = self.rules.terms(subject, org, self.purposes_of(departments), request, self.clock(), self.new_id())
        await self.store.add(row)
        return row

    async def revoke(self, grantor: str, consent_id: str) -> ConsentRow:
        """Answers the revoked consent; NOT_FOUND unless `grantor` granted it (no probing of other ids)."""
        found = await self.store.revoke(consent_id.strip()[:64], grantor, self.clock())
        if found is None:
            raise HubError(
                ErrorCode.NOT_FOUND,
                "you have granted no consent with this id",
                fix="list your consents with myConsents and use one of their ids",
            )
        return found

    async def grantees(self, search: str | None = None, first: int = 200) -> list[tuple[str, str]]:
        """Answers (USCC, name) of the registered organisations whose name or code holds `search`, by name."""
        needle = (search or "").strip().casefold()
        found = [(code, name) for code, name in (await self.store.organisations()).items()
                 if needle in code.casefold() or needle in name.casefold()]  # fmt: skip
        return sorted(found, key=lambda pair: (pair[1], pair[0]))[: max(0, min(first, 500))]

    async def mine(self, grantor: str) -> list[ConsentRow]:
        """Answers every consent `grantor` granted, newest first."""
        return await self.store.of_subject(grantor)


def purposes_of(policies: PolicySet) -> Callable[[Iterable[str]], frozenset[Purpose]]:
    """Answers a function giving the purposes any of some departments may state under their policies."""

    def purposes(departments: Iterable[str]) -> frozenset[Purpose]:
        found = (policies.get(d) for d in departments)
        return frozenset(p for policy in found if policy is not None for p in policy.purposes)

    return purposes
