"""CheckService: one batched read for all subjects, one for their legal representatives; views to standing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.demo.generator import samples
from hub.errors import ErrorCode
from hub.federation.fetch import Fetched, SourceOutcome, SourceState
from hub.identity.codes import SubjectCode, parse_subject_code
from hub.measures.check import CheckService
from hub.measures.facts import LINKED, REPRESENTATION, REQUESTED
from hub.measures.load import load_measures, measures_path
from hub.measures.results import CreditCheck, Holder
from hub.policy.load import load_policies
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose
from hub.privacy.disclose import Withheld
from hub.store.rights_rows import ItemMark

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")
POLICY = load_policies(resource_dir("policies"), CATALOG).departments["approval-bureau"]
MEASURES = load_measures(measures_path(resource_dir("policies")))
SAMPLES = samples(7, 80)
FIRM, PERSON, OTHER = SAMPLES["blacklisted"], SAMPLES["person"], SAMPLES["enterprise"]
TODAY = date(2026, 7, 1)
LISTING = "datong:listing:21"
CASE = "court:court_dishonesty:（2025）晋02执9号"


def firm_view(**override: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "code": FIRM,
        "registered_on": date(2012, 3, 1),
        "listings": [
            {"id": LISTING, "list": "BLACK", "status": "ACTIVE", "listed_on": date(2026, 2, 1),
             "expires_on": date(2029, 1, 31)},
            {"id": "datong:listing:3", "list": "RED", "status": "EXPIRED", "listed_on": date(2020, 1, 1),
             "expires_on": date(2021, 12, 31)},
        ],
        "court_dishonesty": [],
        "penalties": [{"id": "datong:penalty:4", "decided_on": date(2026, 1, 5)}],
        "tax_credit": [{"id": "tax:tax_credit:1", "grade": "D", "assessed_on": date(2026, 4, 20)}],
        "commitments": [],
    }  # fmt: skip
    view.update(override)
    return view


PERSON_VIEW = {
    "code": PERSON,
    "listings": [],
    "court_dishonesty": [{"id": CASE, "published_on": date(2025, 12, 1), "performance": "全部未履行"}],
    "commitments": [],
}


@dataclass
class Answer:
    views: list[object]
    disclosures: list[object] = field(default_factory=list)
    marks: dict[str, ItemMark] = field(default_factory=dict)
    failed_sources: list[tuple[int, SourceOutcome]] = field(default_factory=list)


@dataclass
class Stub:
    """A reader and a federation that answer from dicts and remember what they were asked."""

    answers: dict[str, object]
    marks: dict[str, ItemMark] = field(default_factory=dict)
    failed: list[tuple[int, SourceOutcome]] = field(default_factory=list)
    reads: list[tuple[list[str], list[str]]] = field(default_factory=list)
    fetches: list[tuple[list[str], dict[str, frozenset[str]]]] = field(default_factory=list)
    linked: list[dict[str, frozenset[str]]] = field(default_factory=list)
    planned: list[list[str]] = field(default_factory=list)  # the codes of each read that was handed on_planned

    async def __call__(
        self, policy: Policy, org: str | None, purpose: Purpose, codes: Sequence[SubjectCode],
        requested: Mapping[str, frozenset[str]], today: date, *, linked: Mapping[str, frozenset[str]] | None = None,
        on_planned: Callable[[list[Any]], None] | None = None,
    ) -> Answer:  # fmt: skip
        self.reads.append(([c.value for c in codes], sorted(requested)))
        self.linked.append(dict(linked or {}))
        if on_planned is not None:
            self.planned.append([c.value for c in codes])
            on_planned([f"planned:{c.value}" for c in codes])
        failed = self.failed if len(self.reads) == 1 else []
        return Answer([self.answers[c.value] for c in codes], [f"read:{c.value}" for c in codes], self.marks, failed)

    async def fetch(self, codes: Sequence[str], needs: Mapping[str, frozenset[str]]) -> Fetched:
        self.fetches.append((list(codes), dict(needs)))
        rows = {FIRM: {"registration": [{"legal_representative.id_number": PERSON}]}}
        return Fetched(rows={code: rows.get(code, {}) for code in codes})


async def check(
    stub: Stub, matter: str, *codes: str, on_planned: Callable[[list[Any]], None] | None = None
) -> list[object]:
    service = CheckService(MEASURES, stub, stub)  # type: ignore[arg-type]
    parsed = [parse_subject_code(code) for code in codes]
    batch = await service.check(POLICY, "org", Purpose.ADMINISTRATIVE_APPROVAL, parsed, matter, TODAY, on_planned)
    return list(batch.results)


async def test_procurement_needs_no_second_round_trip() -> None:
    stub = Stub({FIRM: firm_view()})
    [found] = await check(stub, "GOVERNMENT_PROCUREMENT", FIRM)
    assert isinstance(found, CreditCheck)
    assert [m.code for m in found.measures] == ["GP-01"]
    assert stub.reads == [([FIRM], sorted(REQUESTED))]
    assert stub.fetches == []
    assert found.complete
    assert not found.green_channel.eligible


async def test_honours_count_the_legal_representatives_own_court_case() -> None:
    stub = Stub({FIRM: firm_view(), PERSON: PERSON_VIEW}, marks={CASE: ItemMark(CASE, PERSON, "court_dishonesty")})
    [found] = await check(stub, "HONOURS", FIRM)
    assert isinstance(found, CreditCheck)
    measure = found.measures[0]
    assert measure.code == "HO-01"
    assert measure.via is Holder.SUBJECT
    assert set(measure.basis_item_ids) == {LISTING, CASE}
    assert stub.fetches == [([FIRM], {"registration": frozenset({"legal_representative.id_number"})})]
    assert stub.reads[1] == ([PERSON], sorted(LINKED)), "one read for all representatives"


async def test_open_objection_marks_suspend_and_withheld_values_make_the_check_incomplete() -> None:
    marks = {LISTING: ItemMark(LISTING, FIRM, "listing", open_objection=True)}
    penalties = [{"id": "datong:penalty:4", "decided_on": Withheld(ErrorCode.FIELD_DENIED, "denied")}]
    stub = Stub({FIRM: firm_view(penalties=penalties)}, marks=marks)
    [found] = await check(stub, "GOVERNMENT_PROCUREMENT", FIRM)
    assert isinstance(found, CreditCheck)
    assert found.measures[0].suspended
    assert found.incomplete == ("penalty",)
    assert not found.complete


async def test_refused_subjects_and_failed_sources_keep_their_place() -> None:
    refused = Withheld(ErrorCode.NOT_FOUND, "no source holds a record for this subject")
    court = SourceOutcome("court", "法院", SourceState.TIMEOUT, 800.0, frozenset({"court_dishonesty"}))
    stub = Stub({FIRM: firm_view(), OTHER: refused}, failed=[(0, court)])
    first, second = await check(stub, "GOVERNMENT_PROCUREMENT", FIRM, OTHER)
    assert isinstance(first, CreditCheck)
    assert first.incomplete == ("court_dishonesty",)
    assert second is refused


def represented(since: date | None, until: date | None = None, **listing: Any) -> dict[str, Any]:
    """Answers the person's view with the black-listed firm they represent (as records attaches it)."""
    black = {"id": LISTING, "list": "BLACK", "status": "ACTIVE", "listed_on": date(2026, 2, 1),
             "expires_on": date(2029, 1, 31), **listing}  # fmt: skip
    enterprise = {"id": f"datong:representation:{FIRM}", "enterprise_code": FIRM, "enterprise_name": "大同某某有限公司",
                  "role": "法定代表人", "since": since, "until": until, "listings": [black],
                  "court_dishonesty": []}  # fmt: skip
    return {
        "code": PERSON,
        "listings": [],
        "court_dishonesty": [],
        "penalties": [],
        "commitments": [],
        "represented_enterprises": [enterprise],
    }


async def test_a_person_is_read_with_the_enterprises_they_represent_in_the_same_round_trip() -> None:
    stub = Stub({PERSON: represented(date(2015, 1, 1))})
    [found] = await check(stub, "HONOURS", PERSON)
    assert isinstance(found, CreditCheck)
    assert stub.reads == [([PERSON], sorted({**REQUESTED, **REPRESENTATION}))]
    assert stub.linked == [LINKED]
    [measure] = found.measures
    assert (measure.code, measure.via, measure.basis_item_id) == ("HO-01", Holder.REPRESENTED_ENTERPRISE, LISTING)
    assert measure.through is not None
    assert measure.through.code == FIRM
    assert found.complete


async def test_an_entry_older_than_the_representation_does_not_reach_the_person() -> None:
    stub = Stub({PERSON: represented(date(2026, 3, 1))})
    [found] = await check(stub, "HONOURS", PERSON)
    assert isinstance(found, CreditCheck)
    assert found.measures == ()


async def test_a_withheld_representation_leaves_the_check_incomplete_and_offers_no_reward() -> None:
    view = represented(None) | {"represented_enterprises": Withheld(ErrorCode.FIELD_DENIED, "denied")}
    stub = Stub({PERSON: view})
    [found] = await check(stub, "ADMINISTRATIVE_LICENCE", PERSON)
    assert isinstance(found, CreditCheck)
    assert "representation" in found.incomplete
    assert found.measures == ()
    assert not found.green_channel.eligible


async def test_matters_without_reaching_measures_or_rewards_do_not_read_representation() -> None:
    stub = Stub({PERSON: PERSON_VIEW})
    await check(stub, "FINANCING", PERSON)
    assert stub.reads == [([PERSON], sorted(REQUESTED))]


async def test_a_former_representative_shares_the_entries_of_their_time_only() -> None:
    then = Stub({PERSON: represented(date(2015, 1, 1), until=date(2026, 3, 1))})  # left after it began
    [found] = await check(then, "HONOURS", PERSON)
    assert isinstance(found, CreditCheck)
    assert [m.code for m in found.measures] == ["HO-01"]
    later = Stub({PERSON: represented(date(2015, 1, 1), until=date(2025, 12, 31))})  # left before it
    [found] = await check(later, "HONOURS", PERSON)
    assert isinstance(found, CreditCheck)
    assert found.measures == ()


async def test_the_plan_is_handed_on_only_where_it_alone_knows_what_the_check_discloses() -> None:
    handed: list[list[Any]] = []
    stub = Stub({FIRM: firm_view(), PERSON: PERSON_VIEW})
    await check(stub, "GOVERNMENT_PROCUREMENT", FIRM, on_planned=handed.append)
    assert handed == [[f"planned:{FIRM}"]], "no representative to look up: the plan knows"
    await check(stub, "HONOURS", FIRM, on_planned=handed.append)  # the representative is known after a fetch
    await check(stub, "HONOURS", PERSON, on_planned=handed.append)  # so are the enterprises the person represents
    assert len(handed) == 1
