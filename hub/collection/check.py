"""Checking one submitted row against the catalogue: required fields, codes, dates, values, lengths, authority.

A row either becomes a `CheckedRow` (canonical text per field, its item key and content hash) or comes back as
refusals naming the field, the reason (in Chinese and English) and the fix. Nothing here reads a database.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from hub.catalog.collection import SUBJECT_FIELD, CollectedField, Collection
from hub.catalog.model import Catalog, RecordType
from hub.collection.rows import ACTION, REASON, RawRow
from hub.errors import ErrorCode, HubError
from hub.identity.codes import parse_subject_code

MAX_REASON = 500
_DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$")


class Action(StrEnum):
    """What a row does to its item."""

    SUBMIT = "SUBMIT"
    CORRECT = "CORRECT"
    WITHDRAW = "WITHDRAW"


_ACTIONS = {
    "": Action.SUBMIT,
    "submit": Action.SUBMIT,
    "新增": Action.SUBMIT,
    "correct": Action.CORRECT,
    "更正": Action.CORRECT,
    "withdraw": Action.WITHDRAW,
    "撤回": Action.WITHDRAW,
    "撤销": Action.WITHDRAW,
}


class Reason(StrEnum):
    """Why a row was refused (the `code` of a refusal)."""

    MALFORMED = "MALFORMED"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    NOT_ALLOWED = "NOT_ALLOWED"
    BAD_DATE = "BAD_DATE"
    FUTURE_DATE = "FUTURE_DATE"
    DATE_ORDER = "DATE_ORDER"
    BAD_NUMBER = "BAD_NUMBER"
    INVALID_CODE = "INVALID_CODE"
    SUBJECT_KIND = "SUBJECT_KIND"
    AUTHORITY = "AUTHORITY"
    BAD_ACTION = "BAD_ACTION"
    REASON_REQUIRED = "REASON_REQUIRED"
    DUPLICATE = "DUPLICATE"
    NOT_FOUND = "NOT_FOUND"
    WITHDRAWN = "WITHDRAWN"


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refused row: the line it is on, the field at fault (None: the whole row), why, and how to fix it."""

    row: int
    field: str | None
    code: Reason
    reason: str
    fix: str

    def to_dict(self) -> dict[str, object]:
        """Answers the refusal as the submission's answer lists it."""
        return {"row": self.row, "field": self.field, "code": self.code.value, "reason": self.reason, "fix": self.fix}


@dataclass(frozen=True, slots=True)
class CheckedRow:
    """A row that passed every check: canonical values, what it does, and how to know it again."""

    row: int
    item_key: str
    subject_code: str
    payload: dict[str, str]
    decided_on: date
    action: Action
    reason: str | None
    content_hash: str


def item_key(record_type: str, values: list[str]) -> str:
    """Answers the stable key of an item from its key fields (same decision number, same authority: same item)."""
    text = "\x1f".join([record_type, *(" ".join(v.split()) for v in values)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@functools.lru_cache(maxsize=4096)  # a file's decisions fall on a few hundred days
def parse_date(text: str) -> date | None:
    """Answers a date written as 2026-03-01, 20260301, 2026/3/1 or 2026年3月1日, or None."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def department_may_submit(catalog: Catalog, record_type: RecordType, department: str) -> bool:
    """Answers whether a department may submit items of a record type at all (its owner, or a deciding authority)."""
    if record_type.collection is None:
        return False
    if department == record_type.department:
        return True
    return record_type.decided_by is not None and department in dict(catalog.authorities)


def submittable(catalog: Catalog, name: str, department: str) -> RecordType:
    """Answers the record type a department submits to; NOT_FOUND or FORBIDDEN saying why not."""
    record_type = catalog.record_types.get(name)
    if record_type is None or record_type.collection is None:
        open_types = [rt.name for rt in catalog.record_types.values() if rt.collection is not None]
        raise HubError(
            ErrorCode.NOT_FOUND,
            f"record type '{name}' is not open to submission (该信息类别不接受报送)",
            fix=f"submit one of: {', '.join(open_types)}",
        )
    if not department_may_submit(catalog, record_type, department):
        raise HubError(
            ErrorCode.FORBIDDEN,
            f"department '{department}' is not authoritative for '{name}' (本部门不是该信息的责任部门)",
            fix="items are submitted by the department that decided them (谁产生、谁负责)",
        )
    return record_type


class RowChecker:
    """Checks rows of one record type for one department, on one day (`today`: no date may lie after it)."""

    def __init__(self, catalog: Catalog, record_type: RecordType, department: str, today: date) -> None:
        assert record_type.collection is not None
        self.catalog, self.record_type, self.department, self.today = catalog, record_type, department, today
        self.collection: Collection = record_type.collection
        self._words = dict(catalog.authorities)

    def check(self, raw: RawRow) -> CheckedRow | list[Refusal]:
        """Answers the checked row, or every refusal it earns."""
        line = raw.line
        if raw.error is not None:
            return [
                Refusal(line, None, Reason.MALFORMED, f"行格式错误 ({raw.error})", "write one complete row per line")
            ]
        found: list[Refusal] = [
            Refusal(
                line,
                name,
                Reason.UNKNOWN_FIELD,
                "目录外字段 (not a field of the catalogue)",
                f"use only: {', '.join([SUBJECT_FIELD, *self.collection.fields])}",
            )
            for name in raw.unknown
        ]
        action = _ACTIONS.get((raw.values.get(ACTION) or "").strip().casefold())
        reason = (raw.values.get(REASON) or "").strip() or None
        if action is None:
            found.append(
                Refusal(
                    line,
                    ACTION,
                    Reason.BAD_ACTION,
                    "操作类型无效 (unknown action)",
                    "leave it empty, or write submit, correct or withdraw",
                )
            )
            action = Action.SUBMIT
        if action is not Action.SUBMIT and reason is None:
            found.append(
                Refusal(
                    line,
                    REASON,
                    Reason.REASON_REQUIRED,
                    "更正或撤回须说明原因 (a correction or withdrawal needs its reason)",
                    "write the reason in the reason column",
                )
            )
        if reason is not None and len(reason) > MAX_REASON:
            found.append(
                Refusal(
                    line,
                    REASON,
                    Reason.TOO_LONG,
                    f"原因超过{MAX_REASON}字 (reason too long)",
                    f"shorten it to {MAX_REASON} characters",
                )
            )
        subject = self._subject(line, raw.values.get(SUBJECT_FIELD), found)
        payload: dict[str, str] = {}
        wanted = self.collection.key if action is Action.WITHDRAW else tuple(self.collection.fields)
        for name, spec in self.collection.fields.items():
            text = (
                " ".join((raw.values.get(name) or "").split())
                if spec.kind != "text"
                else ((raw.values.get(name) or "").strip())
            )
            if not text:
                if spec.required and name in wanted:
                    found.append(
                        Refusal(line, name, Reason.REQUIRED, "必填项为空 (required field is empty)", f"fill in {name}")
                    )
                continue
            value = self._value(line, spec, text, found)
            if value is not None:
                payload[name] = value
        if action is not Action.WITHDRAW:
            self._order(line, payload, found)
            self._authority(line, payload, found)
        if found or subject is None:
            return found
        decided = parse_date(payload.get(self.collection.decided_on, "")) or self.today
        key = item_key(self.record_type.name, [payload.get(name, "") for name in self.collection.key])
        canonical = json.dumps([subject, payload], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        return CheckedRow(line, key, subject, payload, decided, action, reason, digest)

    def identify(self, raw: RawRow) -> tuple[str, date | None] | None:
        """Answers the item key and decision date of a refused row when its key fields are usable (so that a
        decision refused and never sent again counts as missing its publication), else None."""
        values: list[str] = []
        for name in self.collection.key:
            spec, text = self.collection.fields[name], (raw.values.get(name) or "").strip()
            value = self._value(raw.line, spec, text, []) if text else None
            if value is None:
                return None
            values.append(value)
        decided = parse_date(raw.values.get(self.collection.decided_on) or "")
        return item_key(self.record_type.name, values), decided if decided and decided <= self.today else None

    def _subject(self, line: int, text: str | None, found: list[Refusal]) -> str | None:
        if not (text or "").strip():
            found.append(
                Refusal(
                    line,
                    SUBJECT_FIELD,
                    Reason.REQUIRED,
                    "主体代码为空 (subject code is empty)",
                    "give the USCC or resident ID of the subject",
                )
            )
            return None
        try:
            code = parse_subject_code(text or "")
        except HubError as error:
            found.append(
                Refusal(
                    line,
                    SUBJECT_FIELD,
                    Reason.INVALID_CODE,
                    f"主体代码无效 ({error.message})",
                    error.fix or "check the code",
                )
            )
            return None
        if code.kind not in self.record_type.subject_kinds:
            found.append(
                Refusal(
                    line,
                    SUBJECT_FIELD,
                    Reason.SUBJECT_KIND,
                    f"主体类型不符 (this record type is not kept for a {code.kind.value})",
                    "give the subject's other code",
                )
            )
            return None
        return code.value

    def _value(self, line: int, spec: CollectedField, text: str, found: list[Refusal]) -> str | None:
        name = spec.name
        if len(text) > spec.max_length:
            found.append(
                Refusal(
                    line,
                    name,
                    Reason.TOO_LONG,
                    f"超过{spec.max_length}字 (longer than {spec.max_length} characters)",
                    f"shorten {name}",
                )
            )
            return None
        if spec.values is not None and text not in spec.values:
            found.append(
                Refusal(
                    line,
                    name,
                    Reason.NOT_ALLOWED,
                    "取值不在代码表内 (not an allowed value)",
                    f"use one of: {', '.join(sorted(spec.values))}",
                )
            )
            return None
        if spec.kind == "date":
            day = parse_date(text)
            if day is None:
                found.append(
                    Refusal(
                        line,
                        name,
                        Reason.BAD_DATE,
                        "日期格式错误 (not a date)",
                        "write it as YYYY-MM-DD, e.g. 2026-11-30",
                    )
                )
                return None
            if day > self.today and name == self.collection.decided_on:
                found.append(
                    Refusal(
                        line,
                        name,
                        Reason.FUTURE_DATE,
                        "决定日期晚于今天 (the decision date is in the future)",
                        "give the day the decision was made",
                    )
                )
                return None
            return day.isoformat()
        if spec.kind == "number":
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite() or number < 0:
                found.append(
                    Refusal(
                        line,
                        name,
                        Reason.BAD_NUMBER,
                        "金额格式错误 (not a number of yuan)",
                        "write digits with an optional decimal point, e.g. 5000.00",
                    )
                )
                return None
            return str(number)
        if spec.kind == "code":
            try:
                return parse_subject_code(text).value
            except HubError as error:
                found.append(
                    Refusal(
                        line, name, Reason.INVALID_CODE, f"代码无效 ({error.message})", error.fix or "check the code"
                    )
                )
                return None
        return text

    def _order(self, line: int, payload: dict[str, str], found: list[Refusal]) -> None:
        for name, spec in self.collection.fields.items():
            if (
                spec.not_before
                and name in payload
                and spec.not_before in payload
                and (payload[name] < payload[spec.not_before])
            ):
                found.append(
                    Refusal(
                        line,
                        name,
                        Reason.DATE_ORDER,
                        f"早于{spec.not_before} (before {spec.not_before})",
                        f"a {name} comes on or after the {spec.not_before}",
                    )
                )

    def _authority(self, line: int, payload: dict[str, str], found: list[Refusal]) -> None:
        field = self.record_type.decided_by
        if field is None or field not in payload:
            return
        named = payload[field]
        owner = next((key for key, words in self._words.items() if any(w in named for w in words)), None)
        if owner == self.department or (owner is None and self.department == self.record_type.department):
            return
        whose = f"department '{owner}'" if owner else "no department's"
        found.append(
            Refusal(
                line,
                field,
                Reason.AUTHORITY,
                f"非本部门作出的决定 (this authority is {whose}, not '{self.department}')",
                "submit only what your own authorities decided",
            )
        )
