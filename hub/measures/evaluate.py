"""Which measures of a matter apply to a subject today: pure, on plain facts, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from hub.identity.codes import SubjectKind
from hub.measures.model import Measure, MeasureKind, MeasureList, MeasuresList
from hub.measures.results import (
    AppliedMeasure,
    Basis,
    CommitmentBar,
    CommitmentOption,
    CreditCheck,
    GreenChannel,
    GreenReason,
    Holder,
    ListStatus,
    Standing,
)


def years_before(day: date, years: int) -> date:
    """Answers the same calendar day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def measure_end(measure: Measure, basis: Basis) -> date | None:
    """Answers the last day `measure` runs on `basis`: its duration plus suspension, never past the entry."""
    ends = [basis.ends_on] if basis.ends_on is not None else []
    if measure.duration is not None and basis.starts_on is not None:
        own = measure.duration.ends(basis.starts_on) - timedelta(days=1)
        ends.append(own + timedelta(days=basis.extension_days))
    return min(ends) if ends else None


def list_status(bases: Sequence[Basis]) -> ListStatus:
    """Answers the most serious list among the subject's own current entries."""
    own = {b.list for b in bases if b.holder is Holder.SUBJECT}
    if own & {MeasureList.BLACK, MeasureList.COURT_DISHONESTY}:
        return ListStatus.BLACK
    if MeasureList.KEY_ATTENTION in own:
        return ListStatus.KEY_ATTENTION
    return ListStatus.RED if MeasureList.RED in own else ListStatus.NONE


def reached_through_enterprise(standing: Standing) -> bool:
    """Answers whether a seriously dishonest enterprise the subject represents reaches them, or might (unread)."""
    return any(b.holder is Holder.REPRESENTED_ENTERPRISE for b in standing.bases) or any(
        part.startswith("representation") for part in standing.incomplete
    )


def green_channel(measures: MeasuresList, standing: Standing, today: date) -> GreenChannel:
    """Answers green-channel eligibility: on the red list, or `clean_record_years` without a bad record.

    Never for a person whose represented enterprise is seriously dishonest (000 #30), nor while that is unknown.
    """
    own = [b for b in standing.bases if b.holder is Holder.SUBJECT]
    if reached_through_enterprise(standing):
        return GreenChannel(False, None, measures.green_channel_basis)
    if any(b.list is MeasureList.RED and not b.suspended for b in own):
        return GreenChannel(True, GreenReason.RED_LIST, measures.green_channel_basis)
    since = years_before(today, measures.clean_record_years)
    clean = (
        not standing.incomplete
        and all(b.list is MeasureList.RED for b in own)
        and (standing.last_bad_record is None or standing.last_bad_record < since)
        and (standing.registered_on is None or standing.registered_on <= since)
    )
    return GreenChannel(clean, GreenReason.CLEAN_RECORD if clean else None, measures.green_channel_basis)


def commitment_option(measures: MeasuresList, matter: str, standing: Standing, today: date) -> CommitmentOption:
    """Answers whether the subject may use 告知承诺 for `matter`: offered for it, no broken commitment within the
    period the measures list states, on none of its barring lists, and everything needed read."""
    rules = measures.commitments
    if matter not in rules.matters or rules.barred_for is None:
        return CommitmentOption(False, False, None, CommitmentBar.NOT_OFFERED, None, rules.legal_basis)
    own = [b for b in standing.bases if b.holder is Holder.SUBJECT and not b.suspended]
    barred = [
        (b, rules.barred_for.last_day(b.starts_on) + timedelta(days=b.extension_days))
        for b in own
        if b.list is MeasureList.BROKEN_COMMITMENT and b.starts_on is not None
    ]
    barred = [(b, until) for b, until in barred if until >= today]
    if barred:
        basis, until = max(barred, key=lambda pair: pair[1])
        return CommitmentOption(True, False, until, CommitmentBar.BROKEN_COMMITMENT, basis.item_id, rules.legal_basis)
    serious = [b for b in own if b.list in rules.barred_lists]
    if serious:
        return CommitmentOption(
            True, False, None, CommitmentBar.SERIOUS_DISHONESTY, serious[0].item_id, rules.legal_basis
        )
    needed = {"commitment", *(("listing", "court_dishonesty") if rules.barred_lists else ())}
    if needed & set(standing.incomplete):
        return CommitmentOption(True, False, None, CommitmentBar.INCOMPLETE, None, rules.legal_basis)
    return CommitmentOption(True, True, None, None, None, rules.legal_basis)


def _applied(measure: Measure, bases: Sequence[Basis], today: date) -> AppliedMeasure | None:
    live = [(b, measure_end(measure, b)) for b in bases]
    live = [(b, end) for b, end in live if end is None or end >= today]
    if not live and bases:
        return None
    standing = [pair for pair in live if not pair[0].suspended] or live
    primary, end = max(standing, key=lambda pair: pair[1] or date.max) if standing else (None, None)
    return AppliedMeasure(
        code=measure.code, content=measure.content, kind=measure.kind, mandatory=measure.mandatory,
        suspended=bool(live) and all(b.suspended for b, _ in live), legal_basis=measure.legal_basis,
        initiating_departments=measure.initiating, implementing_departments=measure.implementing,
        basis_item_id=primary.item_id if primary else None, basis_item_ids=tuple(b.item_id for b, _ in live),
        basis_list=primary.list if primary else None, via=primary.holder if primary else None,
        starts_on=primary.starts_on if primary else None, ends_on=end, through=primary.through if primary else None,
    )  # fmt: skip


def _bases(measure: Measure, standing: Standing) -> list[Basis]:
    """Answers the entries a punishment rests on: the subject's own, and those its `reaches` lets through."""
    own_kind = standing.kind in measure.subject_kinds
    by_rep = own_kind and measure.legal_representative and standing.kind is SubjectKind.LEGAL_ENTITY
    by_enterprise = measure.reaches_representatives and standing.kind is SubjectKind.NATURAL_PERSON
    found: list[Basis] = []
    for basis in standing.bases:
        if basis.list not in measure.lists:
            continue
        if basis.holder is Holder.REPRESENTED_ENTERPRISE:
            role = basis.through.role if basis.through else None
            if by_enterprise and (role is None or role in measure.reaches_roles):
                found.append(basis)
        elif (basis.holder is Holder.SUBJECT and own_kind) or (basis.holder is Holder.LEGAL_REPRESENTATIVE and by_rep):
            found.append(basis)
    return found


def evaluate(
    measures: MeasuresList, matter: str, standing: Standing, today: date, *, of_matter: Sequence[Measure] = ()
) -> CreditCheck:
    """Answers the credit check of one subject for `matter` on `today`."""
    green = green_channel(measures, standing, today)
    tainted = reached_through_enterprise(standing)
    applied: list[AppliedMeasure] = []
    for measure in of_matter or measures.for_matter(matter):
        if measure.kind is MeasureKind.REWARD:
            if tainted or standing.kind not in measure.subject_kinds:
                continue  # no reward for a person whose enterprise is seriously dishonest (000 #30)
            bases = [b for b in standing.bases if b.list is MeasureList.RED and b.holder is Holder.SUBJECT]
            bases = [b for b in bases if not b.suspended]
            if not bases and not (measure.clean_record and green.reason is GreenReason.CLEAN_RECORD):
                continue
        else:
            bases = _bases(measure, standing)
            if not bases:
                continue
        found = _applied(measure, bases, today)
        if found is not None:
            applied.append(found)
    applied.sort(key=lambda m: (not m.mandatory, m.kind is not MeasureKind.PUNISHMENT, m.suspended, m.code))
    return CreditCheck(
        code=standing.code, kind=standing.kind, matter=matter, checked_on=today,
        list_status=list_status(standing.bases), entries=standing.bases, measures=tuple(applied),
        green_channel=green, incomplete=standing.incomplete,
        commitment=commitment_option(measures, matter, standing, today),
    )  # fmt: skip
