"""Reads a subject's standing out of its record view (as the caller's policy let it through) and the overlay."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Protocol, runtime_checkable

from hub.identity.codes import SubjectKind
from hub.measures.model import MeasureList
from hub.measures.results import Basis, Holder, Standing, Through
from hub.store.rights_rows import ItemMark

# What the check reads, per record type (fields) and where the view keeps it.
REQUESTED: dict[str, frozenset[str]] = {
    "registration": frozenset({"registered_on"}),
    "listing": frozenset({"list", "status", "listed_on", "expires_on"}),
    "court_dishonesty": frozenset({"published_on", "performance"}),
    "penalty": frozenset({"decided_on"}),
    "tax_credit": frozenset({"grade", "assessed_on"}),
    "commitment": frozenset({"verification_result", "verified_on"}),
}
LINKED: dict[str, frozenset[str]] = {rt: REQUESTED[rt] for rt in ("listing", "court_dishonesty")}
# For a natural person: the enterprises they represent, read with their serious dishonesty (LINKED).
REPRESENTATION: dict[str, frozenset[str]] = {
    "representation": frozenset({"enterprise_code", "enterprise_name", "role", "since", "until"})
}
VIEW_KEYS = {"listing": "listings", "court_dishonesty": "court_dishonesty", "penalty": "penalties",
             "tax_credit": "tax_credit", "representation": "represented_enterprises",
             "commitment": "commitments"}  # fmt: skip
BROKEN = "BROKEN"  # a commitment the department verified as not kept (catalogue: commitment.verification_result)
PERFORMED = frozenset({"全部履行", "已履行", "履行完毕"})
_SERIOUS = frozenset({MeasureList.BLACK, MeasureList.KEY_ATTENTION})


@runtime_checkable
class Refusal(Protocol):
    """A value the policy withheld (records' Withheld): a contract code and a message."""

    code: Any
    message: str


class _Reader:
    """Walks one view's items, noting record types whose needed values were withheld."""

    def __init__(self, view: Mapping[str, Any], kind: SubjectKind) -> None:
        self.view = view
        self.kind = kind
        self.incomplete: set[str] = set()

    def items(self, record_type: str, prefix: str = "") -> list[Mapping[str, Any]]:
        if record_type == "tax_credit" and self.kind is SubjectKind.NATURAL_PERSON:
            return []  # the catalogue keeps tax grades for organisations only
        value = self.view.get(VIEW_KEYS[record_type])
        if not isinstance(value, list):
            self.incomplete.add(prefix + record_type)
            return []
        needed = REQUESTED.get(record_type) or REPRESENTATION[record_type]
        for item in value:
            if any(isinstance(item.get(name), Refusal) for name in needed):
                self.incomplete.add(prefix + record_type)
        return value

    def day(self, item: Mapping[str, Any], name: str) -> date | None:
        value = item.get(name)
        return value if isinstance(value, date) else None


def bases_of(
    view: Mapping[str, Any], kind: SubjectKind, marks: Mapping[str, ItemMark], today: date, holder: Holder
) -> tuple[list[Basis], list[date], set[str]]:
    """Answers a view's current entries, the dates of its bad records, and what was withheld."""
    reader = _Reader(view, kind)
    bases: list[Basis] = []
    bad: list[date] = []
    for item in reader.items("listing"):
        if item.get("flags"):
            continue  # an entry that fails the catalogue's entry checks (002 §6, §10) is never punished on
        listed = reader.day(item, "listed_on")
        status, raw_list = item.get("status"), str(item.get("list"))
        if raw_list not in MeasureList.__members__ or status not in (None, "ACTIVE"):
            if raw_list in ("BLACK", "KEY_ATTENTION") and listed is not None:
                bad.append(listed)
            continue
        basis = _basis(item["id"], MeasureList(raw_list), listed, reader.day(item, "expires_on"), marks, holder)
        bases.append(basis)
        if basis.list in _SERIOUS:
            bad.append(today)
    for item in reader.items("court_dishonesty"):
        published = reader.day(item, "published_on")
        if item.get("performance") in PERFORMED:
            bad.extend([published] if published else [])
            continue
        bases.append(_basis(item["id"], MeasureList.COURT_DISHONESTY, published, None, marks, holder))
        bad.append(today)
    for item in reader.items("commitment"):
        verified = reader.day(item, "verified_on")
        if item.get("verification_result") == BROKEN and verified is not None:
            bases.append(_basis(item["id"], MeasureList.BROKEN_COMMITMENT, verified, None, marks, holder))
            bad.append(verified)
    bad.extend(d for d in (reader.day(i, "decided_on") for i in reader.items("penalty")) if d)
    taxes = reader.items("tax_credit")
    bad.extend(d for d in (reader.day(i, "assessed_on") for i in taxes if i.get("grade") == "D") if d)
    return bases, bad, reader.incomplete


def _basis(
    item_id: str, kind: MeasureList, starts: date | None, ends: date | None, marks: Mapping[str, ItemMark],
    holder: Holder, through: Through | None = None,
) -> Basis:  # fmt: skip
    mark = marks.get(item_id)
    return Basis(
        item_id, kind, starts, ends, mark.extension_days if mark else 0, bool(mark and mark.open_objection), holder,
        through,
    )  # fmt: skip


def _shown(value: object) -> str | None:
    return str(value) if value is not None and not isinstance(value, Refusal) else None


def _held_then(started: date | None, since: date | None, until: date | None) -> bool:
    """Answers whether an entry that began on `started` began while the person held the role [since, until]."""
    if started is None:
        return True
    return (since is None or started >= since) and (until is None or started <= until)


def enterprise_bases(view: Mapping[str, Any], marks: Mapping[str, ItemMark]) -> tuple[list[Basis], set[str]]:
    """Answers the serious entries of the enterprises a person represents, and what was withheld.

    An entry counts only if it began while the person held the role (from `since` to `until`, as far as the
    source says): the enterprise's serious dishonesty is recorded against whoever represented it then (000 #30),
    a former representative included.
    """
    reader = _Reader(view, SubjectKind.NATURAL_PERSON)
    bases: list[Basis] = []
    for enterprise in reader.items("representation"):
        since = reader.day(enterprise, "since")
        through = Through(
            _shown(enterprise.get("enterprise_code")), _shown(enterprise.get("enterprise_name")),
            _shown(enterprise.get("role")),
        )  # fmt: skip
        linked = _Reader(enterprise, SubjectKind.LEGAL_ENTITY)
        found: list[Basis] = []
        for item in linked.items("listing"):
            if item.get("list") == "BLACK" and item.get("status") in (None, "ACTIVE"):
                found.append(
                    _basis(item["id"], MeasureList.BLACK, linked.day(item, "listed_on"),
                           linked.day(item, "expires_on"), marks, Holder.REPRESENTED_ENTERPRISE, through)
                )  # fmt: skip
        for item in linked.items("court_dishonesty"):
            if item.get("performance") not in PERFORMED:
                published = linked.day(item, "published_on")
                found.append(
                    _basis(item["id"], MeasureList.COURT_DISHONESTY, published, None, marks,
                           Holder.REPRESENTED_ENTERPRISE, through)
                )  # fmt: skip
        until = reader.day(enterprise, "until")
        bases += [b for b in found if _held_then(b.starts_on, since, until)]
        reader.incomplete |= {f"representation.{rt}" for rt in linked.incomplete}
    return bases, reader.incomplete


def standing(
    code: str, kind: SubjectKind, view: Mapping[str, Any], marks: Mapping[str, ItemMark], today: date,
    *, representative: Mapping[str, Any] | None = None, missing: Iterable[str] = (), represents: bool = False,
) -> Standing:  # fmt: skip
    """Answers a subject's standing from its view and, for an enterprise, its legal representative's view.

    With `represents`, a person's view also carries the enterprises they represent, whose serious dishonesty
    reaches them (holder REPRESENTED_ENTERPRISE).
    """
    bases, bad, incomplete = bases_of(view, kind, marks, today, Holder.SUBJECT)
    if represents and kind is SubjectKind.NATURAL_PERSON:
        through, withheld = enterprise_bases(view, marks)
        bases += through
        incomplete |= withheld
    if representative is not None:
        linked, _, rep_missing = bases_of(
            representative, SubjectKind.NATURAL_PERSON, marks, today, Holder.LEGAL_REPRESENTATIVE
        )
        bases += [b for b in linked if b.list is not MeasureList.RED]
        incomplete |= {f"legal_representative.{rt}" for rt in rep_missing if rt in LINKED}
    registered = view.get("registered_on")
    if isinstance(registered, Refusal):
        incomplete.add("registration")
    return Standing(
        code=code,
        kind=kind,
        bases=tuple(bases),
        last_bad_record=max(bad, default=None),
        registered_on=registered if isinstance(registered, date) else None,
        incomplete=tuple(sorted(incomplete | set(missing))),
    )
