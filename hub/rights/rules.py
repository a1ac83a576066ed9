"""Which items may be repaired (002 §11: all but those the law rules out), and which corrections are valid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from hub.catalog.model import RecordType
from hub.catalog.rules import repairable_from, severity_class
from hub.errors import ErrorCode, HubError
from hub.federation.adapter import Row

REPAIRABLE = frozenset({"penalty", "listing", "court_dishonesty"})
PERFORMED = frozenset({"全部履行", "已履行", "履行完毕"})
LIFE_AND_HEALTH = ("危害人民群众身体健康和生命安全", "身体健康和生命安全", "生命安全")
CODED_VALUES: dict[str, frozenset[str]] = {
    "listing.list": frozenset({"RED", "BLACK", "KEY_ATTENTION"}),
    "listing.status": frozenset({"ACTIVE", "REMOVED", "EXPIRED"}),
}


def _refuse(message: str, fix: str) -> HubError:
    return HubError(ErrorCode.BAD_USER_INPUT, message, fix=fix)


def check_repairable(record_type: str, row: Row) -> None:
    """Answers nothing; BAD_USER_INPUT naming the legal reason when the law rules out repairing this item."""
    if record_type not in REPAIRABLE:
        raise _refuse(
            f"a {record_type} item is not a record of dishonesty; there is nothing to repair",
            "file an objection (fileObjection) if the item is wrong",
        )
    if record_type == "listing" and row.get("list") == "RED":
        raise _refuse("a red-list entry is not a record of dishonesty", "nothing to repair")
    if record_type == "court_dishonesty" and row.get("performance") not in PERFORMED:
        raise _refuse(
            "a dishonest judgment debtor entry cannot be repaired while the obligation is unperformed "
            "(《最高人民法院关于公布失信被执行人名单信息的若干规定》第十条: the court deletes it once performed)",
            "perform the obligation set by the judgment; the court then removes the entry",
        )
    reason = str(row.get("reason") or "")
    if record_type == "listing" and row.get("list") == "BLACK" and any(w in reason for w in LIFE_AND_HEALTH):
        raise _refuse(
            "a black-list entry for endangering people's life and health cannot be repaired "
            "(湘政办发〔2021〕54号 第十一条; 《中华人民共和国食品安全法》第一百三十五条)",
            "the entry ends when its period expires; an objection is open if the entry is wrong",
        )


def check_repair_period(rt: RecordType, row: Row, today: date) -> None:
    """Answers nothing; BAD_USER_INPUT naming the first day when the item's minimum period (its class's
    `repair_after` in the catalogue) has not run yet on `today`."""
    first = repairable_from(rt, row)
    cls = severity_class(rt, row)
    if first is not None and cls is not None and today < first:
        raise _refuse(
            f"a {rt.name} item of the class '{cls.title}' may be repaired only after its minimum disclosure period "
            f"of {cls.repair_after.text if cls.repair_after else ''}: from {first.isoformat()}",
            f"apply again on or after {first.isoformat()}; an objection is open at once if the item is wrong",
        )


def repair_refusal(rt: RecordType, row: Row, today: date) -> str | None:
    """Answers why an item may not be repaired on `today` (the reason applyCreditRepair gives), or None."""
    try:
        check_repairable(rt.name, row)
        check_repair_period(rt, row, today)
    except HubError as exc:
        return exc.message
    return None


def coerce_correction(path: str, current: Any, value: str) -> Any:
    """Answers a corrected value with the type of the current one; BAD_USER_INPUT when it does not fit."""
    allowed = CODED_VALUES.get(path)
    if allowed is not None and value not in allowed:
        raise _refuse(f"'{path}' takes one of {', '.join(sorted(allowed))}", "send one of the listed values")
    try:
        if isinstance(current, date):
            return date.fromisoformat(value)
        if isinstance(current, Decimal):
            return Decimal(value)
        if isinstance(current, int) and not isinstance(current, bool):
            return int(value)
    except (ValueError, InvalidOperation):
        kind = type(current).__name__
        raise _refuse(f"'{path}' takes a {kind} value", f"send the {kind} as text, dates as YYYY-MM-DD") from None
    return value
