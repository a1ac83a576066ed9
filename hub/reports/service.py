"""Issues credit reports: the caller's view and evaluation, laid out, signed, noted; the register entry inside."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from joserfc.jwk import ECKey

from hub.catalog.model import Catalog
from hub.errors import ErrorCode, HubError
from hub.evaluation.service import EvaluationService, evaluation_view
from hub.identity.codes import SubjectCode
from hub.identity.keys import SigningKey
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose
from hub.privacy.disclose import Disclosure, Withheld
from hub.records.service import REGISTRATION, ReadRequest, ReadResult
from hub.reports import content
from hub.reports.content import Edition, Register
from hub.reports.render import render
from hub.reports.signing import sign
from hub.store.reports import IssuedReport, ReportRepository

# Every record type a report shows; the caller's policy decides each field.
SHOWN = (REGISTRATION, "listing", "penalty", "licence", "court_dishonesty", "tax_credit", "commitment")
VERIFY_PATH = "/reports/verify/"

Read = Callable[[ReadRequest, date], Awaitable[ReadResult]]
Signer = Callable[[], Awaitable[tuple[ECKey, str]]]


def signing_with(active: Callable[[], Awaitable[SigningKey]]) -> Signer:
    """Answers a report signer that signs with the hub's active token-signing key (its kid names it in the JWKS)."""

    async def key() -> tuple[ECKey, str]:
        found = await active()
        return found.private, found.kid

    return key


@dataclass(frozen=True, slots=True)
class Issued:
    """An issued report: the signed file, its number, hash and signature, and what it disclosed (for the register)."""

    number: str
    edition: Edition
    issued_at: datetime
    signed: bytes
    sha256: str
    signature: str
    verify_url: str
    disclosures: list[Disclosure] = field(default_factory=list)

    @property
    def pdf_base64(self) -> str:
        """Answers the signed file in base64, as GraphQL carries it."""
        return base64.b64encode(self.signed).decode("ascii")


def new_number(now: datetime) -> str:
    """Answers a fresh report number: the day and 40 random bits, e.g. CR20261206A1B2C3D4E5."""
    return f"CR{now:%Y%m%d}{secrets.token_hex(5).upper()}"


class ReportService:
    """Renders, signs and notes reports; the read and the evaluation go through the records and evaluation services."""

    def __init__(
        self, catalog: Catalog, read: Read, evaluation: EvaluationService, repository: ReportRepository,
        signer: Signer, issuer: str,
    ) -> None:  # fmt: skip
        self.catalog, self.read, self.evaluation = catalog, read, evaluation
        self.repository, self.signer, self.issuer = repository, signer, issuer.rstrip("/")
        self.requested = {rt: frozenset(catalog.record_types[rt].fields) for rt in SHOWN}

    def verify_url(self, number: str) -> str:
        """Answers where anyone checks a report number (the QR code's link)."""
        return f"{self.issuer}{VERIFY_PATH}{number}"

    async def issue(
        self, policy: Policy, org: str | None, purpose: Purpose, code: SubjectCode, edition: Edition,
        entry: Register, today: date, now: datetime,
    ) -> Issued:  # fmt: skip
        """Answers the signed report on `code` for the caller's policy and purpose; NOT_FOUND when nothing is held."""
        request = ReadRequest(policy, org, purpose, [code], self.requested)
        # one after the other: each reads every source once, and a source's small pool serves one read at a time
        result = await self.read(request, today)
        [graded] = await self.evaluation.evaluate([code], today)
        view = result.views[0]
        disclosures = list(result.disclosures)
        if isinstance(view, Withheld):
            raise HubError(view.code, view.message)
        found: Mapping[str, Any] | Withheld | None = None
        if not isinstance(graded, Withheld):
            shown = await self.evaluation.shown(policy, org, purpose, graded)
            found = evaluation_view(shown)
            disclosures.append(Disclosure(code.value, clear=set(shown.disclosed)))
        number = new_number(now)
        document = content.build(number, now, edition, code.value, code.kind, view, found, entry)
        pdf = await asyncio.to_thread(render, document, self.verify_url(number), self.issuer)
        key, kid = await self.signer()
        signed, digest, signature = sign(pdf, number, key, kid)
        await self.repository.note_key(kid, json.dumps(key.as_dict(private=False)), now)  # before it is handed out
        await self.repository.add(
            IssuedReport(number, digest, signature, edition.value, now, policy.department, entry.event_id)
        )
        return Issued(number, edition, now, signed, digest, signature, self.verify_url(number), disclosures)

    async def lookup(self, number: str) -> IssuedReport:
        """Answers the report issued under `number`; NOT_FOUND when this hub issued none."""
        found = await self.repository.find(number) if number.isalnum() and len(number) <= 32 else None
        if found is None:
            raise HubError(
                ErrorCode.NOT_FOUND,
                "no report was issued under this number",
                fix="check the number printed at the top of the report",
            )
        return found
