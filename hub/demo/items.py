"""Builds one credit item at a time: penalties, licences, listings, tax grades, court cases, reports."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from random import Random

from hub.demo.codes import mobile
from hub.demo.facts import (
    Commitment,
    CommitmentResult,
    CourtCase,
    Licence,
    Listing,
    ListKind,
    ListStatus,
    Organisation,
    Penalty,
    Person,
    Report,
    Subject,
    TaxGrade,
)
from hub.demo.names import company_name, person_name
from hub.demo.places import CITY_DISTRICTS, CITY_SHORT
from hub.demo.sectors import LicenceKind, Violation
from hub.demo.texts import (
    court_obligation,
    licence_content,
    party_of_organisation,
    party_of_person,
    penalty_outcome,
    penalty_text,
    report_topic,
)

REFERENCE_DATE = date(2026, 6, 30)
_LIST_YEARS: dict[ListKind, int] = {"BLACK": 3, "KEY_ATTENTION": 1, "RED": 2}
EXIT_CONDITIONS: dict[ListKind, str] = {
    "BLACK": (
        "自列入之日起满三年且已履行相关义务的，自动移出；期间主动纠正失信行为并经认定部门同意信用修复的，可提前移出。"
    ),
    "KEY_ATTENTION": "自列入之日起满一年且未再发生同类失信行为的，自动移出。",
    "RED": "有效期两年；有效期内发生严重失信行为的，即时移出。",
}


def between(rng: Random, start: date, end: date) -> date:
    """Answers a day in [start, end] (start when the range is empty)."""
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def add_years(day: date, years: int) -> date:
    """Answers the same calendar day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _party(subject: Subject) -> str:
    if isinstance(subject, Person):
        return party_of_person(subject.name, subject.male, subject.code, subject.address, subject.mobile)
    rep = subject.representative
    return party_of_organisation(
        subject.name,
        subject.code,
        subject.address,
        rep.name,
        rep.code,
        rep.mobile,
        operator=subject.is_individual_business,
    )


def penalty(
    rng: Random,
    serial: int,
    subject: Subject,
    city: str,
    violation: Violation,
    decided_on: date,
    *,
    published: bool = True,
) -> Penalty:
    """Answers a penalty decision by `city`'s authority for `violation`, with its full text."""
    authority = violation.agency.format(city=city)
    number = f"{CITY_SHORT[city]}{violation.doc}〔{decided_on.year}〕{serial}号"
    amount = Decimal(rng.randint(violation.low // 100, violation.high // 100) * 100) if violation.high else Decimal(0)
    confiscated = Decimal(rng.randint(2, 300) * 100) if "没收" in violation.category else None
    outcome = penalty_outcome(violation.category, amount, confiscated)
    text = penalty_text(
        authority=authority,
        number=number,
        party=_party(subject),
        violation=violation,
        inspected_on=decided_on - timedelta(days=rng.randint(20, 90)),
        outcome=outcome,
        city=city,
        court=CITY_DISTRICTS[city][0].court,
    )
    return Penalty(
        serial,
        number,
        authority,
        violation.category,
        f"{subject.name}{violation.fact}案",
        violation.fact,
        violation.basis,
        amount.quantize(Decimal("0.01")),
        confiscated.quantize(Decimal("0.01")) if confiscated else None,
        decided_on,
        text,
        published,
    )


def licence(
    rng: Random,
    serial: int,
    subject: Subject,
    city: str,
    kind: LicenceKind,
    decided_on: date,
    *,
    published: bool = True,
) -> Licence:
    """Answers a licence decision by `city`'s authority."""
    valid_until = add_years(decided_on, kind.years) - timedelta(days=1) if kind.years else None
    certificate_no = f"{kind.number_prefix}{subject.district.code}{serial:07d}"
    return Licence(
        serial,
        f"{CITY_SHORT[city]}{kind.doc}〔{decided_on.year}〕{serial}号",
        kind.title,
        kind.category,
        kind.certificate,
        certificate_no,
        kind.agency.format(city=city),
        decided_on,
        valid_until,
        licence_content(subject.name, kind.title, certificate_no, subject.address, valid_until),
        published,
    )


def listing_dates(rng: Random, kind: ListKind, status: ListStatus) -> tuple[date, date]:
    """Answers when a listing started and ends, so that ACTIVE ones are current and EXPIRED ones are over."""
    years = _LIST_YEARS[kind]
    if status == "EXPIRED":
        listed = between(rng, add_years(REFERENCE_DATE, -years - 3), add_years(REFERENCE_DATE, -years) - timedelta(1))
    else:
        listed = between(rng, add_years(REFERENCE_DATE, -years) + timedelta(days=30), REFERENCE_DATE - timedelta(20))
    return listed, add_years(listed, years) - timedelta(days=1)


def recent_listing_dates(rng: Random, kind: ListKind) -> tuple[date, date]:
    """Answers dates of a listing made in the half year before the reference date, so it stays current for long."""
    listed = between(rng, REFERENCE_DATE - timedelta(days=200), REFERENCE_DATE - timedelta(days=20))
    return listed, add_years(listed, _LIST_YEARS[kind]) - timedelta(days=1)


def listing(
    serial: int,
    kind: ListKind,
    status: ListStatus,
    listed_on: date,
    expires_on: date,
    department: str,
    basis_document: str,
    reason: str,
) -> Listing:
    """Answers a list entry with the exit conditions of its list."""
    return Listing(
        serial, kind, department, basis_document, reason, listed_on, expires_on, EXIT_CONDITIONS[kind], status
    )


_GRADE_SCORES = {"A": (90, 100), "B": (70, 89), "C": (40, 69), "D": (0, 39)}


def tax_grade(rng: Random, organisation: Organisation, year: int, grade: str) -> TaxGrade:
    """Answers the grade of `year`, published the following April."""
    low_high = _GRADE_SCORES.get(grade)
    score = rng.randint(*low_high) if low_high and grade != "D" else None
    office = f"国家税务总局{organisation.district.city}{organisation.district.name}税务局"
    return TaxGrade(year, grade, score, date(year + 1, 4, rng.randint(8, 28)), office)


_DEBTS = ("借款本金", "货款", "工程款", "劳动报酬", "房屋租金")
_SITUATIONS = ("有履行能力而拒不履行生效法律文书确定义务", "违反财产报告制度", "违反限制消费令")


def court_case(rng: Random, serial: int, subject: Subject, filed_on: date) -> CourtCase:
    """Answers a dishonest-debtor entry filed by the court of the subject's district."""
    district = subject.district
    by_person = rng.random() < 0.5
    creditor = person_name(rng, rng.random() < 0.5) if by_person else company_name(rng, district.city, "商贸")
    amount = Decimal(rng.randint(2, 800) * 1000)
    return CourtCase(
        number=f"（{filed_on.year}）{district.court_code}执{serial}号",
        court=district.court,
        filed_on=filed_on,
        published_on=min(filed_on + timedelta(days=rng.randint(40, 150)), REFERENCE_DATE - timedelta(days=1)),
        basis_number=f"（{filed_on.year - 1}）{district.court_code}民初{serial}号",
        obligation=court_obligation(subject.name, creditor, rng.choice(_DEBTS), amount),
        performance="全部未履行" if rng.random() < 0.8 else "部分履行",
        situation=rng.choice(_SITUATIONS),
    )


def report(rng: Random, serial: int, subject: Subject, conduct: str) -> Report:
    """Answers a whistle-blower report with the reporter's name and phone kept apart from the topic."""
    received = between(rng, date(2022, 1, 1), REFERENCE_DATE - timedelta(days=3))
    witness = subject.representative.name if isinstance(subject, Organisation) else subject.name
    topic = report_topic(subject.name, conduct, received - timedelta(days=rng.randint(1, 20)), witness)
    return Report(
        serial, f"JB{received.year}{serial:08d}", received, topic, person_name(rng, rng.random() < 0.5), mobile(rng)
    )


# Matters for which approval systems accept a written commitment instead of documents (告知承诺制), and
# what the applicant promises.
_COMMITTED_MATTERS = (
    (
        "食品经营许可（告知承诺）",
        "审批替代型",
        "经营场所、设施设备和食品安全管理制度符合《食品经营许可审查通则》要求，自取得许可之日起三个月内接受现场核查",
    ),
    ("公共场所卫生许可（告知承诺）", "审批替代型", "经营场所卫生条件符合国家卫生标准和要求，三个月内补齐检测报告"),
    (
        "建筑业企业资质（告知承诺）",
        "审批替代型",
        "企业净资产、技术负责人和技术工人数量符合资质标准，六个月内补交证明材料",
    ),
    ("财政专项资金申报信用承诺", "主动型", "申报材料真实有效，专款专用，不截留、挪用项目资金"),
    ("公共资源交易投标信用承诺", "主动型", "不围标串标，不弄虚作假骗取中标，中标后按合同约定履约"),
)


def commitment(
    rng: Random, serial: int, subject: Subject, city: str, committed_on: date, result: CommitmentResult
) -> Commitment:
    """Answers a commitment made on `committed_on`; a verified one was checked after its deadline."""
    matter, kind, content = rng.choice(_COMMITTED_MATTERS)
    deadline = committed_on + timedelta(days=rng.choice((90, 180)))
    verified = None if result == "COMMITTED" else deadline + timedelta(days=rng.randint(3, 30))
    department = f"{city}行政审批服务管理局" if kind == "审批替代型" else f"{city}发展和改革委员会"
    return Commitment(serial, matter, kind, f"{subject.name}承诺：{content}。", committed_on, department, deadline,
                      result, verified)  # fmt: skip
