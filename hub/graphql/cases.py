"""closeCase: a department closes its own case, and what it concealed until then shows in subjects' access logs."""

from __future__ import annotations

import datetime

import strawberry

from hub.audit.cases import CaseRegister
from hub.errors import ErrorCode, HubError
from hub.graphql.context import HubContext
from hub.graphql.permissions import HubInfo, needs
from hub.identity.case import canonical_case_number
from hub.identity.scopes import Scope


@strawberry.type(description="A closed case: the queries its department concealed until then show to their subjects.")
class CaseClosure:
    case_number: str = strawberry.field(description="Canonical form, e.g. （2024）晋01执123号.")
    department: str
    closed_at: datetime.datetime = strawberry.field(description="When it was first closed.")
    revealed: int = strawberry.field(description="Register entries that were concealed until the case closed.")


def _closing(context: HubContext) -> tuple[str, CaseRegister]:
    department = context.principal.department
    if department is None:
        raise HubError(ErrorCode.FORBIDDEN, "cases are closed by a department's client", fix="use its token")
    policy = context.services.policies.get(department)
    if policy is not None and policy.operator_required and not context.operator:
        raise HubError(
            ErrorCode.FORBIDDEN,
            "your department must name the operator who closes a case",
            fix="send the X-Hub-Operator header with the clerk's name or staff number",
        )
    return department, context.services.cases


@strawberry.type
class CaseMutation:
    """Closing cases (case:close)."""

    @strawberry.mutation(
        description="Close your department's case: the queries it concealed show to their subjects.",
        extensions=needs(Scope.CASE_CLOSE),
    )
    async def close_case(self, info: HubInfo, case_number: str) -> CaseClosure:
        context = info.context
        department, cases = _closing(context)
        number = canonical_case_number(case_number, place="caseNumber")
        if context.case_number not in (None, number):
            raise HubError(
                ErrorCode.BAD_USER_INPUT,
                "the X-Hub-Case header names another case than caseNumber",
                fix="leave the header out or send the same case number",
            )
        context.case_number = number
        closure = await cases.close(department, number)
        return CaseClosure(
            case_number=closure.case_number, department=closure.department, closed_at=closure.closed_at,
            revealed=closure.revealed,
        )  # fmt: skip
