"""The audit event: what was asked, by whom, why, about whom, and what was disclosed in which form."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import orjson

EVENT_VERSION = 1


class EventType(StrEnum):
    """What kind of operation an event registers."""

    QUERY = "query"
    MUTATION = "mutation"
    AUTH_FAILURE = "auth_failure"
    CONSENT = "consent"
    OBJECTION = "objection"
    REPAIR = "repair"
    MEASURE_FEEDBACK = "measure_feedback"
    AUDIT_REVIEW = "audit_review"
    CASE = "case"
    SOURCE_FEEDBACK = "source_feedback"
    TRUSTED_DOCUMENT = "trusted_document"
    SUBMISSION = "submission"  # a department's submission of records (POST /records/<type>, submitRecord)


class Outcome(StrEnum):
    """How the operation ended for the caller."""

    OK = "ok"
    PARTIAL = "partial"
    DENIED = "denied"
    ERROR = "error"
    UNAUTHENTICATED = "unauthenticated"


@dataclass(frozen=True, slots=True)
class SubjectDisclosure:
    """One subject an operation touched and, per field, the form it left in: clear, masked or denied."""

    code: str
    fields_clear: tuple[str, ...] = ()
    fields_masked: tuple[str, ...] = ()
    fields_denied: tuple[str, ...] = ()
    concealed_until: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """Answers the JSON-ready form of this disclosure."""
        return {
            "code": self.code,
            "fields_clear": list(self.fields_clear),
            "fields_masked": list(self.fields_masked),
            "fields_denied": list(self.fields_denied),
            "concealed_until": self.concealed_until.isoformat() if self.concealed_until else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SubjectDisclosure:
        """Answers the disclosure stored as `data`."""
        until = data.get("concealed_until")
        return cls(
            code=str(data["code"]),
            fields_clear=tuple(data.get("fields_clear", ())),
            fields_masked=tuple(data.get("fields_masked", ())),
            fields_denied=tuple(data.get("fields_denied", ())),
            concealed_until=date.fromisoformat(until) if until else None,
        )


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One registered operation, typed and versioned; its canonical JSON is what the chain hashes."""

    type: EventType
    outcome: Outcome
    event_id: str = field(default_factory=_new_id)
    at: datetime = field(default_factory=_utc_now)
    version: int = EVENT_VERSION
    request_id: str | None = None
    client_id: str | None = None
    org: str | None = None
    org_name: str | None = None
    department: str | None = None
    operator: str | None = None
    purpose: str | None = None
    legal_basis: str | None = None
    consent_ids: tuple[str, ...] = ()
    subjects: tuple[SubjectDisclosure, ...] = ()
    error_codes: tuple[str, ...] = ()
    query_hash: str | None = None
    operation_name: str | None = None
    latency_ms: float | None = None
    case_number: str | None = None
    concealed_until_case_closes: bool = False
    document_id: str | None = None  # the trusted document the operation ran (sha256:<hex>)
    # Federation: the asking hub's event this one answers ({"hub", "event_id", "client_id"}), and the other hubs'
    # receipts this hub received for its own event ({"hub", "event_id"} each).
    upstream: dict[str, str] | None = None
    remote_receipts: tuple[dict[str, str], ...] = ()
    # Written from the plan while the sources answered: the subjects name every field the plan let out, whether
    # or not a source held a value for it (more than left the hub, never less); outcome and codes are the plan's.
    receipt_before_fetch: bool = False

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("AuditEvent.at must be timezone-aware")
        if self.at.tzinfo is not UTC:
            object.__setattr__(self, "at", self.at.astimezone(UTC))
        if type(self.type) is not EventType:
            object.__setattr__(self, "type", EventType(self.type))
        if type(self.outcome) is not Outcome:
            object.__setattr__(self, "outcome", Outcome(self.outcome))

    def to_dict(self) -> dict[str, Any]:
        """Answers the JSON-ready form of this event (the register's record).

        Keys added after the first release (`case_number`, `concealed_until_case_closes`, `document_id`, `upstream`,
        `remote_receipts`, `receipt_before_fetch`) are written
        only when set, so an event without them has the same body as before they existed.
        """
        data: dict[str, Any] = {
            "event_id": self.event_id,
            "version": self.version,
            "type": self.type.value,
            "at": self.at.isoformat(timespec="microseconds").replace("+00:00", "Z"),
            "request_id": self.request_id,
            "client_id": self.client_id,
            "org": self.org,
            "org_name": self.org_name,
            "department": self.department,
            "operator": self.operator,
            "purpose": self.purpose,
            "legal_basis": self.legal_basis,
            "consent_ids": list(self.consent_ids),
            "subjects": [subject.to_dict() for subject in self.subjects],
            "outcome": self.outcome.value,
            "error_codes": list(self.error_codes),
            "query_hash": self.query_hash,
            "operation_name": self.operation_name,
            "latency_ms": self.latency_ms,
        }
        if self.case_number is not None:
            data["case_number"] = self.case_number
        if self.concealed_until_case_closes:
            data["concealed_until_case_closes"] = True
        if self.document_id is not None:
            data["document_id"] = self.document_id
        if self.upstream is not None:
            data["upstream"] = dict(self.upstream)
        if self.remote_receipts:
            data["remote_receipts"] = [dict(receipt) for receipt in self.remote_receipts]
        if self.receipt_before_fetch:
            data["receipt_before_fetch"] = True
        return data

    def unstorable(self) -> str | None:
        """Answers why the register cannot hold this event (a control character or lone surrogate in a field), or None.

        PostgreSQL refuses a NUL, and a lone surrogate has no UTF-8 form to hash: either would fail the
        whole commit the event shares, so such an event is refused before it joins one.
        """
        return _unstorable(self.to_dict(), "")

    def canonical(self) -> str:
        """Answers the canonical JSON text (sorted keys, no whitespace) the chain hashes as UTF-8."""
        return record_json(self.to_dict(), self.latency_ms)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditEvent:
        """Answers the event stored as `data` (any version this code knows)."""
        return cls(
            type=EventType(data["type"]),
            outcome=Outcome(data["outcome"]),
            event_id=str(data["event_id"]),
            at=datetime.fromisoformat(str(data["at"]).replace("Z", "+00:00")),
            version=int(data.get("version", EVENT_VERSION)),
            request_id=data.get("request_id"),
            client_id=data.get("client_id"),
            org=data.get("org"),
            org_name=data.get("org_name"),
            department=data.get("department"),
            operator=data.get("operator"),
            purpose=data.get("purpose"),
            legal_basis=data.get("legal_basis"),
            consent_ids=tuple(data.get("consent_ids", ())),
            subjects=tuple(SubjectDisclosure.from_dict(item) for item in data.get("subjects", ())),
            error_codes=tuple(data.get("error_codes", ())),
            query_hash=data.get("query_hash"),
            operation_name=data.get("operation_name"),
            latency_ms=data.get("latency_ms"),
            case_number=data.get("case_number"),
            concealed_until_case_closes=bool(data.get("concealed_until_case_closes", False)),
            document_id=data.get("document_id"),
            upstream=dict(data["upstream"]) if data.get("upstream") else None,
            remote_receipts=tuple(dict(receipt) for receipt in data.get("remote_receipts", ())),
            receipt_before_fetch=bool(data.get("receipt_before_fetch", False)),
        )

    @classmethod
    def from_json(cls, text: str) -> AuditEvent:
        """Answers the event whose canonical JSON is `text`."""
        return cls.from_dict(json.loads(text))


def _unstorable(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        for char in value:
            if char < " " or "\x7f" <= char < "\xa0" or "\ud800" <= char <= "\udfff":
                return f"{where or 'a value'} holds U+{ord(char):04X}"
        return None
    items: Any = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        inner = f"{where}.{key}" if where else str(key)
        if (problem := _unstorable(key, where) or _unstorable(item, inner)) is not None:
            return problem
    return None


def maybe_unstorable(body: str) -> bool:
    """Answers whether a canonical body may hold a character the register refuses (False: it surely does not).

    Such a character shows in the body as itself (U+007F-U+009F, lone surrogates: not printable) or as a
    JSON escape (C0 controls: a backslash); a printable body without a backslash holds none.
    """
    return "\\" in body or not body.isprintable()


def canonical_json(data: Any) -> str:
    """Answers `data` as canonical JSON: sorted keys, no whitespace, non-ASCII kept as is."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


# Types orjson would write and json refuses are handed to json, which refuses them as before.
_ORJSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def record_json(data: dict[str, Any], latency_ms: float | None) -> str:
    """Answers canonical_json(data) for an event's record (`to_dict`), written by orjson where it writes the same text.

    orjson writes strings, integers and sorted keys as json does; floats too, except the exponents -5 to -9
    (json pads them: 1e-05) and NaN or infinity (null, where json refuses). The record's one float is
    `latency_ms`: outside the range where both agree, and for anything orjson refuses (a lone surrogate,
    an integer beyond 64 bits, a key that is not a string), json writes it.
    """
    if latency_ms is None or latency_ms == 0 or 1e-4 <= abs(latency_ms) < math.inf:
        try:
            return orjson.dumps(data, option=_ORJSON_OPTIONS).decode()
        except orjson.JSONEncodeError:
            pass
    return canonical_json(data)


def normalise_code(code: str) -> str:
    """Answers the form of a subject code that is hashed and compared (trimmed, upper case)."""
    return code.strip().upper()


def subject_key(secret: str, code: str) -> str:
    """Answers the keyed hash HMAC-SHA256(secret, code) under which a subject is searchable."""
    keyed = _keyed(secret).copy()  # the key's inner and outer pads are computed once per secret
    keyed.update(normalise_code(code).encode())
    return keyed.hexdigest()


@functools.lru_cache(maxsize=8)
def _keyed(secret: str) -> hmac.HMAC:
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=512)
def query_hash(query: str) -> str:
    """Answers sha256 of a GraphQL document with whitespace runs collapsed (pass a printed AST if any)."""
    # surrogatepass: a lone surrogate (valid JSON, no UTF-8) hashes rather than failing after execution
    return hashlib.sha256(_SPACE.sub(" ", query).strip().encode("utf-8", "surrogatepass")).hexdigest()
