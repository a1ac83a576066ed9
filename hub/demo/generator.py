"""Deterministic synthetic subjects: subject i depends only on (seed, i), so a small run is a prefix of a big one.

Subjects 0, 1 and 2 are special so that `samples()` holds for any run of at least three subjects:
0 is a Taiyuan enterprise with items in all four sources, 1 a black-listed Datong enterprise (listed by
the tax bureau) whose legal representative (kept in datong's t_person) also represents enterprise 2;
2 also holds an exited key-attention listing and a warning (never published). After them comes the
showcase minor, a person black-listed at 14 (002 §10: flagged, never punished on), seeded with 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from random import Random

from hub.demo import items
from hub.demo.codes import (
    MAX_SUBJECTS,
    landline,
    mobile,
    organisation_code,
    person_slot,
    resident_id,
    unified_code,
)
from hub.demo.facts import (
    CommitmentResult,
    CourtCase,
    FormerRepresentative,
    Listing,
    ListKind,
    ListStatus,
    Organisation,
    Person,
    SourceName,
    SubjectFacts,
)
from hub.demo.items import REFERENCE_DATE, add_years, between
from hub.demo.names import company_name, person_name, shop_name, social_org_name
from hub.demo.places import (
    CITY_AREA_CODE,
    CITY_SHORT,
    DATONG,
    TAIYUAN,
    birth_division,
    district_in,
    home_address,
    office_address,
)
from hub.demo.sectors import PERSON_LICENCE, PERSON_VIOLATIONS, SECTORS, TAX_EVASION, UNSAFE_FOOD, Sector

SPECIAL_SUBJECTS = 3
_RESERVED = 1000
MAX_GENERATED = MAX_SUBJECTS - _RESERVED
MINOR_INDEX = MAX_SUBJECTS - 1  # the showcase minor's own slot, past every subject and reserved person
_SERIALS_PER_SUBJECT = 16
_HOME: dict[str, SourceName] = {TAIYUAN: "taiyuan", DATONG: "datong"}
_OTHER_CITY = {TAIYUAN: DATONG, DATONG: TAIYUAN}
_FIRST_ITEM_DAY = date(2019, 1, 1)
_LAST_ITEM_DAY = REFERENCE_DATE - timedelta(days=7)
_RECENT_DAY = REFERENCE_DATE - timedelta(days=180)  # the special subjects' items stay disclosable for years


def _rng(seed: int, index: int, stream: str) -> Random:
    return Random(f"{seed}:{index}:{stream}")


def is_organisation(seed: int, index: int) -> bool:
    """Answers whether subject `index` is an organisation (about 70%) rather than a natural person."""
    return index < SPECIAL_SUBJECTS or _rng(seed, index, "kind").random() < 0.7


def person(seed: int, index: int) -> Person:
    """Answers the natural person that belongs to subject `index` (as the subject or as a legal representative)."""
    rng = _rng(seed, index, "person")
    born, sequence = person_slot(seed, index)
    male = sequence % 2 == 1
    district = district_in(rng, DATONG if rng.random() < 0.6 else TAIYUAN)
    return Person(
        resident_id(birth_division(rng, district.city, born.year), born, sequence),
        person_name(rng, male),
        male,
        born,
        mobile(rng),
        home_address(rng, district),
        district,
    )


def _special_representative(seed: int, which: int, after: int | None = None) -> int:
    """Answers a reserved person slot, past every subject index, for special subject `which`: born by 1985."""
    for offset in range(_RESERVED // 2):
        index = MAX_GENERATED + which * (_RESERVED // 2) + offset
        if (after is None or index > after) and person_slot(seed, index)[0] <= date(1985, 12, 31):
            return index
    raise RuntimeError("no reserved person slot born by 1985")


def _former_representative(seed: int) -> int:
    """Answers the reserved slot of the person who represented the black-listed subject 1 before its current one."""
    return _special_representative(seed, 1, after=_special_representative(seed, 1))


class _Serials:
    """Hands out item serial numbers that no other subject uses, so document numbers never collide."""

    def __init__(self, index: int) -> None:
        self._next = index * _SERIALS_PER_SUBJECT + 1
        self._end = self._next + _SERIALS_PER_SUBJECT

    def __call__(self) -> int:
        serial = self._next
        if serial >= self._end:
            raise RuntimeError("a subject used more serial numbers than reserved")
        self._next += 1
        return serial


def _list_roll(rng: Random, black: float, key: float, red: float) -> tuple[ListKind | None, ListStatus]:
    roll = rng.random()
    kind: ListKind | None = None
    if roll < black + key + red:
        kind = "BLACK" if roll < black else "KEY_ATTENTION" if roll < black + key else "RED"
    status: ListStatus = rng.choices(("ACTIVE", "EXPIRED", "REMOVED"), (70, 20, 10))[0]
    return kind, status


def subject_facts(seed: int, index: int) -> SubjectFacts:
    """Answers everything generated for subject `index`; a pure function of (seed, index)."""
    if not 0 <= index < MAX_GENERATED:
        raise ValueError(f"subject index must be in [0, {MAX_GENERATED})")
    if is_organisation(seed, index):
        return _OrganisationFacts(seed, index).build()
    return _PersonFacts(seed, index).build()


def generate(seed: int, start: int, stop: int) -> Iterator[SubjectFacts]:
    """Answers the facts of subjects start..stop-1 in order."""
    for index in range(start, stop):
        yield subject_facts(seed, index)


def minor_facts(seed: int) -> SubjectFacts:
    """Answers the showcase minor: a Datong person on the black list since the age of 14."""
    rng = _rng(seed, MINOR_INDEX, "minor")
    listed = REFERENCE_DATE - timedelta(days=60)
    born = add_years(listed, -14) - timedelta(days=rng.randint(30, 300))
    male = rng.random() < 0.5
    district = district_in(rng, DATONG)
    sequence = rng.randint(1, 499) * 2 - (1 if male else 0)
    code = resident_id(birth_division(rng, DATONG, born.year), born, sequence)
    minor = Person(code, person_name(rng, male), male, born, mobile(rng), home_address(rng, district), district)
    serial = _Serials(MINOR_INDEX)
    number = serial()
    entry = items.listing(
        serial(), "BLACK", "ACTIVE", listed, add_years(listed, 3) - timedelta(days=1), f"{DATONG}中级人民法院",
        f"（{listed.year - 1}）晋0212执{number % 10000}号",
        "有履行能力而拒不履行生效法律文书确定的义务，被依法纳入失信被执行人名单",
    )  # fmt: skip
    return SubjectFacts(MINOR_INDEX, minor, "datong", persons=[minor], items=[("datong", entry)])


def samples(seed: int, subjects: int) -> dict[str, str]:
    """Answers the demo's sample codes (enterprise in all sources, legal representative, black-listed)."""
    if subjects < SPECIAL_SUBJECTS:
        raise ValueError(f"samples need at least {SPECIAL_SUBJECTS} subjects")
    enterprise = subject_facts(seed, 0).subject
    blacklisted = subject_facts(seed, 1).subject
    assert isinstance(blacklisted, Organisation)
    return {
        "enterprise": enterprise.code,
        "person": blacklisted.representative.code,
        "blacklisted": blacklisted.code,
        "minor": minor_facts(seed).subject.code,
        "former_representative": person(seed, _former_representative(seed)).code,
        **({"objector": objector} if (objector := _person_with_items(seed, subjects)) else {}),
    }


_OBJECTOR_SEARCH = 2_000  # enough for any seed: about 1 in 50 subjects is such a person


def _objectable(item: object) -> bool:
    """Answers whether an item stays on its person's record for years: a court case, or an active black or
    key-attention listing (penalties leave the record once their disclosure period ends)."""
    return isinstance(item, CourtCase) or (isinstance(item, Listing) and item.list != "RED" and item.status == "ACTIVE")


def _person_with_items(seed: int, subjects: int) -> str | None:
    """Answers the first generated natural person with an item on their record to object to."""
    for index in range(SPECIAL_SUBJECTS, min(subjects, _OBJECTOR_SEARCH)):
        if is_organisation(seed, index):
            continue
        facts = subject_facts(seed, index)
        if any(_objectable(item) for _, item in facts.items):
            return facts.subject.code
    return None


class _OrganisationFacts:
    """Builds an organisation subject: registration, then licences, penalties, lists, tax, court, reports."""

    def __init__(self, seed: int, index: int) -> None:
        self.seed, self.index = seed, index
        self.rng = _rng(seed, index, "unit")
        self.serial = _Serials(index)

    def build(self) -> SubjectFacts:
        rng, index = self.rng, self.index
        city = (TAIYUAN, DATONG, TAIYUAN)[index] if index < SPECIAL_SUBJECTS else rng.choice((TAIYUAN, DATONG))
        rep_index, owns_rep = self._representative_index()
        rep = person(self.seed, rep_index)
        kind, status = _list_roll(rng, 0.03, 0.05, 0.05)
        if index < SPECIAL_SUBJECTS:
            kind, status = (("KEY_ATTENTION", "ACTIVE"), ("BLACK", "ACTIVE"), (None, "ACTIVE"))[index]
        listed_on, expires_on = items.listing_dates(rng, kind or "RED", status)
        if kind is not None and index < SPECIAL_SUBJECTS:
            listed_on, expires_on = items.recent_listing_dates(rng, kind)
        latest = date(2020, 12, 31) if index < SPECIAL_SUBJECTS else REFERENCE_DATE - timedelta(days=30)
        if kind is not None:
            latest = min(latest, listed_on - timedelta(days=365))
        self.city = city
        self.org, self.sector = self._organisation(city, rep, latest)
        if self.org.registered_on > latest:
            kind = None
        if index == 1:  # a change of representative long before the entries: the rule of 000 #30 has a period
            handover = self.org.registered_on + timedelta(days=365)
            former = FormerRepresentative(
                person(self.seed, _former_representative(self.seed)), self.org.registered_on, handover - timedelta(1)
            )
            self.org = replace(self.org, representative_since=handover)
        self.facts = SubjectFacts(index, self.org, _HOME[city])
        if index == 1:
            self.facts.former_representatives.append(former)
        keeps_rep = index < SPECIAL_SUBJECTS or city == DATONG or kind in ("BLACK", "KEY_ATTENTION")
        if owns_rep and (keeps_rep or rng.random() < 0.25):
            self.facts.persons.append(rep)
        self._licences()
        self.tax_overrides: dict[int, str] = {}
        if kind is not None:
            self._listing(kind, status, listed_on, expires_on)
        self._penalties()
        self._tax()
        if index < 2 or (index >= SPECIAL_SUBJECTS and rng.random() < 0.05):
            earliest = min(max(self.org.registered_on + timedelta(180), _FIRST_ITEM_DAY), _LAST_ITEM_DAY)
            if index < SPECIAL_SUBJECTS:
                earliest = _RECENT_DAY - timedelta(days=200)
            self._court(between(rng, earliest, _RECENT_DAY))
        if index == 0 or rng.random() < 0.01:
            self.facts.items.append(("datong", items.report(rng, self.serial(), self.org, self.sector.report_topic)))
        if index == SPECIAL_SUBJECTS - 1:
            self._exit_and_warning()
            self.facts.others.append(minor_facts(self.seed))
        if city == TAIYUAN:
            self._commitments()
        return self.facts

    def _commitments(self) -> None:
        """Adds credit commitments (taiyuan keeps them): subject 0 one kept, one broken and one pending; 2 one kept."""
        rng = _rng(self.seed, self.index, "commitment")  # its own stream: the other items stay as they were
        first = max(self.org.registered_on, _FIRST_ITEM_DAY)
        results: tuple[CommitmentResult, ...] = ()
        if self.index == 0:
            results = ("KEPT", "BROKEN", "COMMITTED")
        elif self.index == SPECIAL_SUBJECTS - 1:
            results = ("KEPT",)
        elif rng.random() < 0.15:
            results = (rng.choices(("KEPT", "COMMITTED", "BROKEN"), (70, 20, 10))[0],)
        for position, result in enumerate(results):
            latest = _LAST_ITEM_DAY - timedelta(days=60 if result == "COMMITTED" else 250)
            if first > latest:
                continue  # registered too recently for a commitment to have been verified by now
            day = between(rng, max(first, latest - timedelta(days=700)), latest)
            if self.index == 0:  # the broken one recent enough to bar 告知承诺 for years; the pending one current
                day = {"KEPT": date(2024, 3, 11), "BROKEN": date(2025, 6, 16), "COMMITTED": date(2026, 5, 8)}[result]
            serial = self.index * 4 + position + 1
            self.facts.items.append(("taiyuan", items.commitment(rng, serial, self.org, self.city, day, result)))

    def _exit_and_warning(self) -> None:
        """Adds a key-attention listing exited early (REMOVED) and a warning: neither is ever shown."""
        city, home = self.city, _HOME[self.city]
        listed = REFERENCE_DATE - timedelta(days=150)
        serial = self.serial()
        exited = items.listing(
            serial, "KEY_ATTENTION", "REMOVED", listed, add_years(listed, 1) - timedelta(days=1),
            f"{city}人力资源和社会保障局", f"{CITY_SHORT[city]}人社监〔{listed.year}〕{serial}号",
            "拖欠劳动者工资，经责令限期支付逾期仍未支付（已全额支付，提前移出）",
        )  # fmt: skip
        warning = next(v for v in SECTORS[0].violations if v.category == "警告")
        day = self._item_day()
        self.facts.items += [
            (home, exited),
            (home, items.penalty(self.rng, self.serial(), self.org, city, warning, day)),
        ]

    def _representative_index(self) -> tuple[int, bool]:
        """Answers whose person represents this organisation and whether this subject keeps that person."""
        if self.index < SPECIAL_SUBJECTS:
            return _special_representative(self.seed, min(self.index, 1)), self.index < 2
        if self.index > 2 * SPECIAL_SUBJECTS and self.rng.random() < 0.08:
            for _ in range(3):
                candidate = self.rng.randrange(max(SPECIAL_SUBJECTS, self.index - 1000), self.index)
                if not is_organisation(self.seed, candidate):
                    return candidate, False
        return self.index, True

    def _organisation(self, city: str, rep: Person, latest: date) -> tuple[Organisation, Sector]:
        rng = self.rng
        category = "91" if self.index < SPECIAL_SUBJECTS else rng.choices(("91", "92", "52"), (85, 10, 5))[0]
        district = district_in(rng, city)
        start = max(date(2000, 1, 1), add_years(rep.born, 20))
        registered_on = between(rng, start, latest)
        org_code = organisation_code(self.seed, self.index, new_style=registered_on.year >= 2015)
        if category == "91":
            sector = SECTORS[0] if self.index == 0 else rng.choice(SECTORS)
            name = company_name(rng, city, rng.choice(sector.industries))
            form = (
                "股份有限公司（非上市、自然人投资或控股）"
                if name.endswith("股份有限公司")
                else rng.choice(("有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）"))
            )
            capital = rng.choice((10, 30, 50, 100, 200, 500, 1000, 3000, 5000))
        elif category == "92":
            sector, name, form = SECTORS[0], shop_name(rng, district.name, rep.name), "个体工商户"
            capital = rng.choice((1, 3, 5, 10))
        else:
            sector, name, form = SECTORS[-1], social_org_name(rng, city, district.name), "民办非企业单位"
            capital = rng.choice((3, 10, 30))
        status = rng.choices(("存续", "在业", "吊销", "注销"), (82, 8, 4, 6))[0]
        if self.index < SPECIAL_SUBJECTS:
            status = "存续"
        roll = rng.random()
        phone = landline(rng, CITY_AREA_CODE[city]) if roll < 0.5 else rep.mobile if roll < 0.8 else mobile(rng)
        code = unified_code(category, district.code_in(registered_on.year), org_code)
        organisation = Organisation(
            code,
            name,
            category,
            form,
            district,
            registered_on,
            status,
            phone,
            office_address(rng, district),
            Decimal(capital).quantize(Decimal("0.01")),
            rep,
        )
        return organisation, sector

    def _item_day(self) -> date:
        if self.index < SPECIAL_SUBJECTS:
            return between(self.rng, _RECENT_DAY, _LAST_ITEM_DAY)
        return between(self.rng, max(self.org.registered_on, _FIRST_ITEM_DAY), _LAST_ITEM_DAY)

    def _licences(self) -> None:
        rng = self.rng
        count = rng.choices((0, 1, 2, 3), (25, 45, 20, 10))[0] or (1 if self.index == 0 else 0)
        places = [self.city] * count + ([_OTHER_CITY[self.city]] if rng.random() < 0.08 else [])
        for city in places:
            kind = rng.choice(self.sector.licences)
            special = self.index < SPECIAL_SUBJECTS
            day = self._item_day() if special else between(rng, self.org.registered_on, _LAST_ITEM_DAY)
            item = items.licence(rng, self.serial(), self.org, city, kind, day, published=rng.random() > 0.02)
            self.facts.items.append((_HOME[city], item))

    def _penalties(self) -> None:
        rng = self.rng
        if self.index == 0:
            places = [self.city, _OTHER_CITY[self.city]]
        else:
            count = (2 if rng.random() < 0.3 else 1) if rng.random() < 0.22 else 0
            places = [self.city] * count + ([_OTHER_CITY[self.city]] if rng.random() < 0.05 else [])
        for city in places:
            violation = rng.choice(self.sector.violations)
            published = self.index == 0 or rng.random() > 0.02
            item = items.penalty(rng, self.serial(), self.org, city, violation, self._item_day(), published=published)
            self.facts.items.append((_HOME[city], item))

    def _listing(self, kind: ListKind, status: ListStatus, listed_on: date, expires_on: date) -> None:
        rng, city, short = self.rng, self.city, CITY_SHORT[self.city]
        year = listed_on.year
        home = _HOME[city]
        if kind == "BLACK":
            domain = "tax" if self.index == 1 else rng.choice(("food", "tax", "court"))
            if domain == "court":
                case = self._court(listed_on - timedelta(days=rng.randint(60, 300)))
                department, basis = f"{city}中级人民法院", case.number
                reason = "有履行能力而拒不履行生效法律文书确定的义务，被依法纳入失信被执行人名单"
            else:
                violation = TAX_EVASION if domain == "tax" else UNSAFE_FOOD
                decided = listed_on - timedelta(days=rng.randint(10, 60))
                basis_penalty = items.penalty(rng, self.serial(), self.org, city, violation, decided)
                self.facts.items.append((home, basis_penalty))
                basis = basis_penalty.number
                if domain == "tax":
                    department = f"国家税务总局{city}税务局"
                    reason = f"{violation.fact}，被认定为重大税收违法失信主体，严重破坏市场公平竞争秩序"
                    self.tax_overrides.update({y: "D" for y in range(decided.year - 1, decided.year + 3)})
                else:
                    department = basis_penalty.authority
                    reason = f"{violation.fact}，被处以吊销许可证件的行政处罚，严重危害人民群众身体健康和生命安全"
        elif kind == "KEY_ATTENTION":
            if self.index == 0 or rng.random() < 0.5:
                department, basis = f"{city}人力资源和社会保障局", f"{short}人社监〔{year}〕{self.serial()}号"
                reason = "拖欠劳动者工资，经责令限期支付逾期仍未支付"
            else:
                department = f"{city}市场监督管理局"
                numbers = [
                    items.penalty(rng, self.serial(), self.org, city, violation, listed_on - timedelta(days=days))
                    for violation, days in zip(self.sector.violations * 2, (30, 200), strict=False)
                ]
                self.facts.items.extend((home, number) for number in numbers)
                basis = "、".join(number.number for number in numbers)
                reason = "一年内因同类违法行为受到两次以上行政处罚"
        elif rng.random() < 0.5 and self.org.category != "52":
            department, basis = f"国家税务总局{city}税务局", f"{short}税发〔{year}〕{self.serial()}号"
            reason = f"{year - 3}至{year - 1}年度连续三年纳税信用评价为A级"
            self.tax_overrides.update({y: "A" for y in range(year - 3, year)})
        else:
            department, basis = f"{city}市场监督管理局", f"{short}市监发〔{year}〕{self.serial()}号"
            reason = f"{year - 1}年度“守合同重信用”企业"
        entry = items.listing(self.serial(), kind, status, listed_on, expires_on, department, basis, reason)
        self.facts.items.append((home, entry))

    def _tax(self) -> None:
        rng = self.rng
        if self.org.category == "52" or (self.index >= SPECIAL_SUBJECTS and rng.random() >= 0.85):
            return
        first = max(2021, self.org.registered_on.year)
        for year in range(first, 2026):
            grade = rng.choices(("A", "B", "C", "D"), (25, 55, 15, 5))[0]
            if year == self.org.registered_on.year:
                grade = "M"
            grade = self.tax_overrides.get(year, grade)
            self.facts.items.append(("tax", items.tax_grade(rng, self.org, year, grade)))

    def _court(self, filed_on: date) -> CourtCase:
        case = items.court_case(self.rng, self.serial(), self.org, filed_on)
        self.facts.items.append(("court", case))
        return case


class _PersonFacts:
    """Builds a natural-person subject, kept in datong: licences, penalties, lists, court cases, reports."""

    def __init__(self, seed: int, index: int) -> None:
        self.index = index
        self.rng = _rng(seed, index, "unit")
        self.serial = _Serials(index)
        self.person = person(seed, index)
        self.adult = add_years(self.person.born, 18)

    def build(self) -> SubjectFacts:
        rng, me = self.rng, self.person
        facts = SubjectFacts(self.index, me, "datong", persons=[me])
        self.facts = facts
        first = max(_FIRST_ITEM_DAY, self.adult)
        if rng.random() < 0.05:
            day = between(rng, first, _LAST_ITEM_DAY)
            facts.items.append(("datong", items.licence(rng, self.serial(), me, DATONG, PERSON_LICENCE, day)))
        if rng.random() < 0.08:
            for _ in range(2 if rng.random() < 0.2 else 1):
                day = between(rng, first, _LAST_ITEM_DAY)
                violation = rng.choice(PERSON_VIOLATIONS)
                facts.items.append(("datong", items.penalty(rng, self.serial(), me, DATONG, violation, day)))
        kind, status = _list_roll(rng, 0.01, 0.02, 0.03)
        listed_on, expires_on = items.listing_dates(rng, kind or "RED", status)
        if kind is not None and listed_on - timedelta(days=400) > self.adult:
            self._listing(kind, status, listed_on, expires_on)
        if rng.random() < 0.04:
            self._court(between(rng, first, _LAST_ITEM_DAY))
        if rng.random() < 0.005:
            facts.items.append(("datong", items.report(rng, self.serial(), me, "违规占道经营")))
        return facts

    def _listing(self, kind: ListKind, status: ListStatus, listed_on: date, expires_on: date) -> None:
        rng, year = self.rng, listed_on.year
        if kind == "BLACK":
            case = self._court(listed_on - timedelta(days=rng.randint(60, 300)))
            department, basis = f"{DATONG}中级人民法院", case.number
            reason = "有履行能力而拒不履行生效法律文书确定的义务，被依法纳入失信被执行人名单"
        elif kind == "KEY_ATTENTION":
            numbers = [
                items.penalty(rng, self.serial(), self.person, DATONG, PERSON_VIOLATIONS[0], listed_on - timedelta(d))
                for d in (40, 220)
            ]
            self.facts.items.extend(("datong", number) for number in numbers)
            department, basis = numbers[0].authority, "、".join(number.number for number in numbers)
            reason = "一年内两次以上违反城市管理规定受到行政处罚"
        else:
            honour = rng.choice(("见义勇为先进个人", "优秀志愿者", "诚信个体经营者"))
            department, basis = f"{DATONG}精神文明建设委员会办公室", f"同文明委〔{year}〕{self.serial()}号"
            reason = f"{year - 1}年度{DATONG}{honour}"
        entry = items.listing(self.serial(), kind, status, listed_on, expires_on, department, basis, reason)
        self.facts.items.append(("datong", entry))

    def _court(self, filed_on: date) -> CourtCase:
        case = items.court_case(self.rng, self.serial(), self.person, filed_on)
        self.facts.items.append(("court", case))
        return case
