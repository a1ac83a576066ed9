from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from stdnum.cn import ric, uscc

from hub.demo.facts import (
    SOURCES,
    Commitment,
    CourtCase,
    Licence,
    Listing,
    Organisation,
    Penalty,
    Person,
    Report,
    SubjectFacts,
    TaxGrade,
)
from hub.demo.generator import generate, samples, subject_facts
from hub.demo.items import REFERENCE_DATE, add_years
from hub.demo.rows import encode, new_rows
from hub.errors import HubError
from hub.identity.codes import SubjectKind, parse_subject_code

SEED = 42
N = 3000


@pytest.fixture(scope="module")
def population() -> list[SubjectFacts]:
    return list(generate(SEED, 0, N))


def _day(item: object) -> date:
    for name in ("decided_on", "listed_on", "published_on", "assessed_on", "received_on", "committed_on"):
        day = getattr(item, name, None)
        if isinstance(day, date):
            return day
    raise AssertionError(item)


def _persons(facts: SubjectFacts) -> list[Person]:
    subject = facts.subject
    return [*facts.persons, subject.representative if isinstance(subject, Organisation) else subject]


def test_every_code_validates_with_stdnum(population: list[SubjectFacts]) -> None:
    for facts in population:
        subject = facts.subject
        if isinstance(subject, Organisation):
            assert uscc.is_valid(subject.code), subject.code
            assert subject.code[:2] in {"91", "92", "52"}
            assert subject.code[2:6] == ("1401" if facts.home == "taiyuan" else "1402")
        for person in _persons(facts):
            assert ric.is_valid(person.code), person.code
            assert ric.get_birth_date(person.code) == person.born
            assert (int(person.code[16]) % 2 == 1) == person.male


def test_hub_accepts_every_generated_code(population: list[SubjectFacts]) -> None:
    for facts in population:
        expected = SubjectKind.LEGAL_ENTITY if isinstance(facts.subject, Organisation) else SubjectKind.NATURAL_PERSON
        try:
            assert parse_subject_code(facts.subject.code).kind is expected
        except HubError as exc:
            raise AssertionError(f"{facts.subject.code}: {exc}") from None


def test_codes_and_document_numbers_never_collide(population: list[SubjectFacts]) -> None:
    subjects = Counter(facts.subject.code for facts in population)
    kept_persons = Counter(person.code for facts in population for person in facts.persons)
    assert max(subjects.values()) == 1
    assert max(kept_persons.values()) == 1
    numbers = Counter(
        item.number for facts in population for _, item in facts.items if isinstance(item, Penalty | Licence | Report)
    )
    assert max(numbers.values()) == 1


def test_same_seed_same_rows_and_another_seed_other_rows() -> None:
    def rows(seed: int) -> dict[str, dict[str, list[dict[str, object]]]]:
        collected = new_rows()
        for facts in generate(seed, 0, 200):
            encode(facts, collected)
        return {source: dict(tables) for source, tables in collected.items()}

    assert rows(7) == rows(7)
    assert rows(7) != rows(8)


def test_a_subject_does_not_depend_on_how_many_are_generated() -> None:
    assert list(generate(SEED, 0, 50)) == list(generate(SEED, 0, 400))[:50]
    assert subject_facts(SEED, 123) == list(generate(SEED, 100, 130))[23]


def test_samples_hold_their_promises_without_a_database() -> None:
    codes = samples(SEED, 20)
    enterprise, blacklisted = subject_facts(SEED, 0), subject_facts(SEED, 1)
    assert codes["enterprise"] == enterprise.subject.code
    assert enterprise.sources() == set(SOURCES)
    assert isinstance(blacklisted.subject, Organisation)
    assert codes["blacklisted"] == blacklisted.subject.code
    current_black = [
        item
        for _, item in blacklisted.items
        if isinstance(item, Listing) and item.list == "BLACK" and item.status == "ACTIVE"
    ]
    assert current_black
    assert all(item.expires_on and item.expires_on > add_years(REFERENCE_DATE, 2) for item in current_black)
    dated = {source: max(_day(item) for s, item in enterprise.items if s == source) for source in SOURCES}
    assert min(dated.values()) > add_years(REFERENCE_DATE, -1), "the sample stays disclosable for years"
    assert codes["person"] == blacklisted.subject.representative.code
    assert blacklisted.subject.representative in blacklisted.persons
    represented = subject_facts(SEED, 2).subject
    assert isinstance(represented, Organisation)
    assert represented.representative.code == codes["person"]
    small, big = samples(SEED, 20), samples(SEED, 100_000)
    assert {key: big[key] for key in small} == small, "a bigger run keeps every sample of a smaller one"
    assert samples(SEED, 20) != samples(SEED + 1, 20)


def test_the_objector_is_a_person_with_lasting_items_to_object_to() -> None:
    from hub.demo.facts import CourtCase, Person

    code = samples(SEED, 100_000)["objector"]
    found = next(f for i in range(3, 2_000) if (f := subject_facts(SEED, i)).subject.code == code)
    assert isinstance(found.subject, Person)
    lasting = [item for _, item in found.items
               if isinstance(item, CourtCase) or (isinstance(item, Listing) and item.list != "RED")]  # fmt: skip
    assert lasting, "a court case or a black or key-attention listing stays on the record for years"
    assert samples(SEED, found.index + 1)["objector"] == code
    assert "objector" not in samples(SEED, found.index)


def test_samples_refuse_runs_too_small_to_hold_them() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        samples(SEED, 2)


def test_list_shares_are_roughly_as_intended(population: list[SubjectFacts]) -> None:
    organisations = [facts for facts in population if isinstance(facts.subject, Organisation)]
    kinds = Counter(item.list for facts in organisations for _, item in facts.items if isinstance(item, Listing))
    share = {kind: count / len(organisations) for kind, count in kinds.items()}
    assert 0.015 < share["BLACK"] < 0.05
    assert 0.03 < share["KEY_ATTENTION"] < 0.08
    assert 0.03 < share["RED"] < 0.08
    statuses = Counter(item.status for facts in population for _, item in facts.items if isinstance(item, Listing))
    assert statuses["EXPIRED"] > 0
    assert statuses["REMOVED"] > 0
    listings = [item for facts in population for _, item in facts.items if isinstance(item, Listing)]
    expired = [item for item in listings if item.status == "EXPIRED"]
    assert all(item.expires_on and item.expires_on < REFERENCE_DATE for item in expired)


def test_decision_texts_carry_personal_data_like_real_decisions(population: list[SubjectFacts]) -> None:
    checked = 0
    for facts in population:
        subject = facts.subject
        for _, item in facts.items:
            if not isinstance(item, Penalty):
                continue
            person = subject.representative if isinstance(subject, Organisation) else subject
            for needle in (subject.name, person.name, person.code, person.mobile, item.number):
                assert needle in item.text
            assert re.search(r"〔20\d\d〕\d+号", item.number)
            assert "《" in item.text
            assert "》第" in item.text
            if item.amount:
                assert f"{item.amount:.0f}元" in item.text
            checked += 1
    assert checked > 100


def test_items_sit_where_the_sources_keep_them(population: list[SubjectFacts]) -> None:
    allowed = {
        "taiyuan": (Penalty, Licence, Listing, Commitment),
        "datong": (Penalty, Licence, Listing, Report),
        "tax": (TaxGrade,),
        "court": (CourtCase,),
    }
    for facts in population:
        for source, item in facts.items:
            assert isinstance(item, allowed[source])
        if isinstance(facts.subject, Person):
            assert {source for source, _ in facts.items} <= {"datong", "court"}


def test_dates_follow_the_fixed_reference_date_not_today(population: list[SubjectFacts]) -> None:
    for facts in population:
        for _, item in facts.items:
            for day in (
                getattr(item, name, None)
                for name in (
                    "decided_on",
                    "listed_on",
                    "assessed_on",
                    "filed_on",
                    "published_on",
                    "received_on",
                    "committed_on",
                    "verified_on",
                )
            ):
                assert day is None or date(2000, 1, 1) <= day <= REFERENCE_DATE
        subject = facts.subject
        if isinstance(subject, Organisation):
            assert subject.registered_on <= REFERENCE_DATE
            assert subject.registered_on.year - subject.representative.born.year >= 19


def test_commitments_follow_their_lifecycle(population: list[SubjectFacts]) -> None:
    found = [item for facts in population for _, item in facts.items if isinstance(item, Commitment)]
    assert {c.result for c in found} == {"COMMITTED", "KEPT", "BROKEN"}
    for commitment in found:
        assert commitment.committed_on < commitment.deadline
        if commitment.result == "COMMITTED":
            assert commitment.verified_on is None
        else:
            assert commitment.verified_on is not None
            assert commitment.verified_on > commitment.deadline
    sample = [item for _, item in subject_facts(SEED, 0).items if isinstance(item, Commitment)]
    assert sorted(c.result for c in sample) == ["BROKEN", "COMMITTED", "KEPT"]
