"""Closing a case: the department whose searches were concealed until it closes reveals them to their subjects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from hub.audit.reader import unavailable
from hub.errors import ErrorCode, HubError
from hub.store.audit_rows import ClosedCaseRow


class CaseStore(Protocol):
    """Where closures live, next to the register (hub.store.closed_cases.ClosedCaseRepository)."""

    async def concealed_events(self, department: str, case_number: str) -> int:
        """Answers how many register events of `department` are concealed until `case_number` closes."""
        ...

    async def close(self, closure: ClosedCaseRow) -> ClosedCaseRow:
        """Answers the stored closure: `closure` when new, the earlier one when the case was closed before."""
        ...


@dataclass(frozen=True, slots=True)
class CaseClosure:
    """A closed case and how many register entries it concealed (now shown to their subjects)."""

    department: str
    case_number: str
    closed_at: datetime
    revealed: int


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CaseRegister:
    """Closes cases for the department that named them; one per application."""

    def __init__(self, store: CaseStore, clock: Callable[[], datetime] = _utc_now) -> None:
        self.store, self.clock = store, clock

    async def close(self, department: str, case_number: str) -> CaseClosure:
        """Answers the closure of the department's case (the first if closed before); NOT_FOUND if it hid nothing."""
        try:
            count = await self.store.concealed_events(department, case_number)
            if count:
                stored = await self.store.close(ClosedCaseRow(department, case_number, self.clock().astimezone(UTC)))
        except Exception as exc:  # any store failure: the caller gets AUDIT_UNAVAILABLE, never driver text
            raise unavailable(exc) from None
        if not count:
            raise HubError(
                ErrorCode.NOT_FOUND,
                f"no query of department '{department}' is concealed until case {case_number} closes",
                fix="check the case number: it is the X-Hub-Case your department sent with its searches "
                "(another department's case can only be closed by that department)",
            )
        return CaseClosure(department, case_number, stored.closed_at, count)
