"""`creditReport(code, purpose)`: a signed PDF credit report rendered for the caller's policy, with its own receipt."""

from __future__ import annotations

import datetime

import strawberry

from hub.errors import HubError
from hub.graphql.evaluation import caller_policy
from hub.graphql.permissions import HubInfo, needs
from hub.graphql.query import note_lookup
from hub.identity.codes import parse_subject_code
from hub.identity.scopes import Scope
from hub.policy.purposes import DepartmentKind, Purpose
from hub.reports.content import Edition, Register
from hub.reports.service import Issued, ReportService

strawberry.enum(Edition, name="ReportEdition", description="PUBLIC (desensitised), DEPARTMENT (its policy) or SELF.")


@strawberry.type(description="A signed credit report (信用报告) as issued; `pdf` is the signed file in base64.")
class CreditReport:
    number: str = strawberry.field(description="The report number printed on it and in its QR code.")
    edition: Edition
    issued_at: datetime.datetime
    sha256: str = strawberry.field(description="SHA-256 of the PDF before its signature trailer.")
    signature: str = strawberry.field(description="The detached JWS (ES256, the hub's key) over number and hash.")
    verify_url: str
    pdf_base64: str = strawberry.field(description="The signed PDF; GET /reports/{code}.pdf serves it as a file.")


@strawberry.type(description="What the hub knows of a report number: when and in which edition it was issued.")
class ReportVerification:
    number: str
    edition: Edition
    issued_at: datetime.datetime
    sha256: str
    department: str | None
    event_id: str


def _reports(info: HubInfo) -> ReportService:
    return info.context.services.reports


@strawberry.type
class ReportQuery:
    """Credit reports."""

    @strawberry.field(
        description="A signed credit report on the subject, rendered for your policy and purpose, in Chinese; "
        "it names this request's register entry. Registered and limited like any query.",
        extensions=needs(Scope.SUBJECT_READ, Scope.SELF_READ),
    )
    async def credit_report(self, info: HubInfo, code: strawberry.ID, purpose: Purpose) -> CreditReport:
        context, services = info.context, info.context.services
        subject = parse_subject_code(str(code))
        policy = caller_policy(context, subject, purpose)
        edition = (
            Edition.SELF if context.principal.self_code is not None
            else Edition.PUBLIC if policy.kind is DepartmentKind.PUBLIC else Edition.DEPARTMENT
        )  # fmt: skip
        event_id = context.event_id  # the receipt's id is known before the operation runs: the report prints it
        now = datetime.datetime.now(datetime.UTC)
        entry = Register(
            event_id, now, context.principal.client_name or context.principal.org, context.principal.department,
            context.operator, purpose.value,
        )  # fmt: skip
        try:
            issued: Issued = await _reports(info).issue(
                policy, context.principal.org, purpose, subject, edition, entry, services.today(), now
            )
        except HubError:
            await note_lookup(context, [subject], [])
            raise
        context.disclosures.extend(issued.disclosures)
        if edition is not Edition.SELF:
            await note_lookup(context, [subject], issued.disclosures)
        return CreditReport(
            number=issued.number, edition=issued.edition, issued_at=issued.issued_at, sha256=issued.sha256,
            signature=issued.signature, verify_url=issued.verify_url, pdf_base64=issued.pdf_base64,
        )  # fmt: skip

    @strawberry.field(
        description="Look a report number up: its edition, when it was issued, its hash and register entry.",
        extensions=needs(Scope.AUDIT_READ),
    )
    async def report_verification(self, info: HubInfo, number: str) -> ReportVerification:
        found = await _reports(info).lookup(number)
        return ReportVerification(
            number=found.number, edition=Edition(found.edition), issued_at=found.issued_at, sha256=found.sha256,
            department=found.department, event_id=found.event_id,
        )  # fmt: skip
