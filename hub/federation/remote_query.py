"""The GraphQL document a hub sends another hub for some record types and fields, and reading its answer back."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from hub.errors import ErrorCode
from hub.federation.adapter import ITEM, SOURCE, SUBJECT, Row

REGISTRATION = "registration"
# The Subject field of each many-valued record type (hub.records.service.VIEW_KEYS, in GraphQL's spelling).
LIST_KEYS = {
    "licence": "licences",
    "penalty": "penalties",
    "listing": "listings",
    "court_dishonesty": "courtDishonesty",
    "tax_credit": "taxCredit",
    "report": "reports",
    "commitment": "commitments",
    "representation": "representedEnterprises",
}
WITHHELD = "_withheld"  # a row standing for a whole record type the other hub withheld for a subject
PERIODS_APPLIED = "_periods_applied"  # a row the other hub already kept to its disclosure period
_DATE = re.compile(r"(_on|_until|^since|^until)$")
_LIST_CODES = frozenset(code.value for code in ErrorCode)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A value, list or subject another hub refused: its error code and message, naming that hub."""

    code: ErrorCode
    message: str


def camel(name: str) -> str:
    """Answers GraphQL's spelling of a catalogue field name (`decided_on` -> `decidedOn`)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def selection(needs: Mapping[str, frozenset[str]]) -> str:
    """Answers the Subject selection that asks for exactly the fields in `needs` (record type -> fields)."""
    parts = ["code"]
    registration = needs.get(REGISTRATION, frozenset())
    parts += [camel(name) for name in sorted(registration) if "." not in name]
    representative = sorted(name.split(".", 1)[1] for name in registration if name.startswith("legal_representative."))
    if representative:
        parts.append("legalRepresentative { " + " ".join(camel(name) for name in representative) + " }")
    for record_type, fields in sorted(needs.items()):
        if record_type == REGISTRATION or record_type not in LIST_KEYS:
            continue
        parts.append(f"{LIST_KEYS[record_type]} {{ id " + " ".join(camel(name) for name in sorted(fields)) + " }")
    return " ".join(parts)


def document(needs: Mapping[str, frozenset[str]], many: bool) -> str:
    """Answers the whole query: `subjects` for several codes (one request), `subject` for one."""
    if many:
        return f"query Federated($codes: [ID!]!, $purpose: Purpose!) {{ subjects(codes: $codes, purpose: $purpose) {{ {selection(needs)} }} }}"  # noqa: E501
    return f"query Federated($code: ID!, $purpose: Purpose!) {{ subject(code: $code, purpose: $purpose) {{ {selection(needs)} }} }}"  # noqa: E501


@dataclass(frozen=True, slots=True)
class Part:
    """One read's share of a request to another hub: its codes and the fields it needs."""

    codes: tuple[str, ...]
    needs: Mapping[str, frozenset[str]]

    @property
    def many(self) -> bool:
        """Answers whether the part asks `subjects` (several codes) rather than `subject`."""
        return len(self.codes) > 1


def alias(index: int) -> str:
    """Answers the root field alias of the part at `index` in a request of several parts."""
    return f"p{index}"


OWN_ROOT = "myRecord"  # a subject's own read: the other hub answers the subject its token names, and no other


def batch(parts: Sequence[Part], purpose: str, *, own: bool = False) -> tuple[str, dict[str, Any]]:
    """Answers one document and its variables for every part: the plain document for one part, otherwise one
    aliased root field per part (`p0`, `p1`, ...), so that the reads of one request cost one round trip; `own`:
    the subject's own read (`myRecord`, no code or purpose to send)."""
    if own:
        if len(parts) == 1:
            return f"query Federated {{ {OWN_ROOT} {{ {selection(parts[0].needs)} }} }}", {}
        fields = [f"{alias(index)}: {OWN_ROOT} {{ {selection(part.needs)} }}" for index, part in enumerate(parts)]
        return f"query Federated {{ {' '.join(fields)} }}", {}
    if len(parts) == 1:
        [part] = parts
        codes: dict[str, Any] = {"codes": list(part.codes)} if part.many else {"code": part.codes[0]}
        return document(part.needs, part.many), {"purpose": purpose, **codes}
    declared, fields = ["$purpose: Purpose!"], []
    variables: dict[str, Any] = {"purpose": purpose}
    for index, part in enumerate(parts):
        name = f"c{index}"
        if part.many:
            declared.append(f"${name}: [ID!]!")
            fields.append(f"{alias(index)}: subjects(codes: ${name}, purpose: $purpose) {{ {selection(part.needs)} }}")
            variables[name] = list(part.codes)
        else:
            declared.append(f"${name}: ID!")
            fields.append(f"{alias(index)}: subject(code: ${name}, purpose: $purpose) {{ {selection(part.needs)} }}")
            variables[name] = part.codes[0]
    return f"query Federated({', '.join(declared)}) {{ {' '.join(fields)} }}", variables


def _typed(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if _DATE.search(name):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if name == "amount":
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


ItemKey = tuple[int, str, int]  # subject index, Subject field, item position


@dataclass
class Answer:
    """The rows another hub answered, per record type; errors it gave without a path (the whole answer)."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    refusal: Refusal | None = None
    receipt: str | None = None


def _code(error: Mapping[str, Any]) -> ErrorCode:
    raw = str((error.get("extensions") or {}).get("code", ""))
    return ErrorCode(raw) if raw in _LIST_CODES else ErrorCode.SOURCE_UNAVAILABLE


class AnswerReader:
    """Turns another hub's GraphQL answer into rows with canonical field names; its refusals become Refusal."""

    def __init__(self, source: str, title: str, needs: Mapping[str, frozenset[str]], codes: Sequence[str]) -> None:
        self.source, self.title, self.needs, self.codes = source, title, needs, list(codes)

    def refused(self, code: ErrorCode, message: str) -> Refusal:
        """Answers a refusal by the other hub, saying which hub refused."""
        return Refusal(code, f"{message} (decided at {self.title})")

    def read(self, body: Mapping[str, Any], root: str | None = None) -> Answer:
        """Answers the rows of every subject answered, with the other hub's denials in place of values; `root`: the
        alias of this reader's part in a request of several."""
        answer = Answer()
        data = body.get("data") or {}
        audit = (body.get("extensions") or {}).get("audit") or {}
        answer.receipt = str(audit["eventId"]) if isinstance(audit, dict) and audit.get("eventId") else None
        many = len(self.codes) > 1
        field_name = root or ("subjects" if many else "subject")
        found = data.get(field_name)
        subjects: list[Any] = (found or []) if many else [found]
        for record_type in self.needs:
            answer.rows[record_type] = []
        items: dict[ItemKey, Row] = {}
        registration: dict[int, Row] = {}
        for index, subject in enumerate(subjects):
            if index >= len(self.codes) or not isinstance(subject, dict):
                continue
            code = self.codes[index]
            if REGISTRATION in self.needs:
                row = registration[index] = self._registration(code, subject)
                answer.rows[REGISTRATION].append(row)
            for record_type, fields in self.needs.items():
                key = LIST_KEYS.get(record_type)
                if key is None or not isinstance(subject.get(key), list):
                    continue
                for position, item in enumerate(subject[key]):
                    row = self._item(code, record_type, fields, item)
                    items[(index, key, position)] = row
                    answer.rows[record_type].append(row)
        for error in body.get("errors") or []:
            path = list(error.get("path") or [])
            if path and path[0] != field_name:
                continue  # another part's
            if path:
                error = {**error, "path": ["subjects" if many else "subject", *path[1:]]}
            self._place(error, answer, registration, items)
        return answer

    def _registration(self, code: str, subject: Mapping[str, Any]) -> Row:
        row: Row = {SUBJECT: code, ITEM: f"{self.source}:{REGISTRATION}:{code}", SOURCE: self.source}
        for name in self.needs.get(REGISTRATION, frozenset()):
            head, _, tail = name.partition(".")
            if tail:
                nested = subject.get(camel(head))
                row[name] = _typed(tail, nested.get(camel(tail))) if isinstance(nested, dict) else None
            else:
                row[name] = _typed(name, subject.get(camel(name)))
        return row

    def _item(self, code: str, record_type: str, fields: frozenset[str], item: Mapping[str, Any]) -> Row:
        row: Row = {SUBJECT: code, ITEM: f"{self.source}/{item.get('id')}", SOURCE: self.source, PERIODS_APPLIED: True}
        for name in fields:
            row[name] = _typed(name, item.get(camel(name)))
        return row

    def _place(
        self, error: Mapping[str, Any], answer: Answer, registration: dict[int, Row], items: dict[ItemKey, Row]
    ) -> None:
        code, message = _code(error), str(error.get("message", "refused"))
        path = list(error.get("path") or [])
        if path[:1] == ["subject"]:
            path = ["subjects", 0, *path[1:]]
        if len(path) < 2 or not isinstance(path[1], int):
            answer.refusal = self.refused(code, message)
            return
        index = path[1]
        if index >= len(self.codes):
            return
        subject_code, rest = self.codes[index], path[2:]
        if not rest:  # the whole subject: not on record there, or refused as a whole
            if code is not ErrorCode.NOT_FOUND:
                for record_type in self.needs:
                    answer.rows[record_type].append(self.sentinel(subject_code, self.refused(code, message)))
            return
        listed = next((rt for rt, key in LIST_KEYS.items() if key == rest[0]), None)
        if listed is not None and len(rest) == 1:  # the whole list
            answer.rows.setdefault(listed, []).append(self.sentinel(subject_code, self.refused(code, message)))
            return
        if listed is not None and len(rest) >= 3 and isinstance(rest[1], int):
            row = items.get((index, str(rest[0]), rest[1]))
            name = _field_name(str(rest[2]), self.needs.get(listed, frozenset()))
            if row is not None and name is not None:
                row[name] = self.refused(code, message)
            return
        reg = registration.get(index)
        name = _field_name(".".join(str(part) for part in rest), self.needs.get(REGISTRATION, frozenset()))
        if reg is not None and name is not None:
            reg[name] = self.refused(code, message)

    def sentinel(self, code: str, withheld: Refusal) -> Row:
        """Answers a row standing for a whole record type the other hub refused for subject `code`."""
        return {SUBJECT: code, ITEM: f"{self.source}:{WITHHELD}:{code}", SOURCE: self.source, WITHHELD: withheld}


def _field_name(graphql_path: str, fields: frozenset[str]) -> str | None:
    """Answers the catalogue field a GraphQL path (`legalRepresentative.idNumber`) stands for, among `fields`."""
    for name in fields:
        if ".".join(camel(part) for part in name.split(".")) == graphql_path:
            return name
    return None
