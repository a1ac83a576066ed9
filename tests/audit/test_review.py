"""Privacy officers' review (filters, cursor pagination, CSV) and the citizen's access log (concealment)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from hub.audit.events import Outcome, SubjectDisclosure
from hub.audit.export import export_csv
from hub.audit.review import AuditFilter, access_log, review
from hub.audit.writer import AuditWriter
from hub.errors import ErrorCode, HubError
from hub.store.audit_repo import AuditRepository
from tests.audit.support import SECRET, concealed, event

PERSON = "11010119900307123X"
FIRM = "91110000600037341L"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COURT_CASE_CLOSES = date(2026, 6, 1)


@pytest.fixture
async def register(repo: AuditRepository) -> dict[str, str]:
    """Five events over three hours; returns their ids by name."""
    events = {
        "bank": event(subjects=[PERSON], at=T0, operator="clerk-1"),
        "tax": event(subjects=[FIRM], at=T0 + timedelta(hours=1), department="tax", org="91110000200000000B",
                     org_name="税务局", operator="clerk-2", purpose="ADMINISTRATIVE_APPROVAL",
                     outcome=Outcome.DENIED),
        "court": event(subjects=[concealed(PERSON, COURT_CASE_CLOSES)], at=T0 + timedelta(hours=2),
                       department="court", org="11100000000000000C", org_name="人民法院", purpose="LAW_ENFORCEMENT"),
        "self": event(subjects=[PERSON], at=T0 + timedelta(hours=2, minutes=30), client_id=None, org=None,
                      department=None, operator=None, purpose="SELF_ACCESS"),
        "bulk": event(subjects=[SubjectDisclosure(PERSON, ("name",), ("idNumber",)),
                                SubjectDisclosure(FIRM, ("name", "penalties"))],
                      at=T0 + timedelta(hours=3), outcome=Outcome.PARTIAL, operator="=HYPERLINK(1)"),
    }  # fmt: skip
    async with AuditWriter(repo, secret=SECRET) as writer:
        for item in events.values():
            await writer.append(item)
    return {name: item.event_id for name, item in events.items()}


async def _ids(repo: AuditRepository, where: AuditFilter) -> list[str]:
    return [record.event.event_id for record in (await review(repo, SECRET, where, first=50)).items]


async def test_filters_narrow_the_register(repo: AuditRepository, register: dict[str, str]) -> None:
    ids = {value: name for name, value in register.items()}

    async def names(where: AuditFilter) -> list[str]:
        return [ids[event_id] for event_id in await _ids(repo, where)]

    assert await names(AuditFilter(subject_code=PERSON)) == ["bulk", "self", "court", "bank"]
    assert await names(AuditFilter(subject_code=f" {PERSON.lower()} ")) == ["bulk", "self", "court", "bank"]
    assert await names(AuditFilter(subject_code=FIRM)) == ["bulk", "tax"]
    assert await names(AuditFilter(org="91110000200000000B")) == ["tax"]
    assert await names(AuditFilter(department="court")) == ["court"]
    assert await names(AuditFilter(operator="clerk-1")) == ["bank"]
    assert await names(AuditFilter(purpose="LAW_ENFORCEMENT")) == ["court"]
    assert await names(AuditFilter(outcome="denied")) == ["tax"]
    assert await names(AuditFilter(since=T0 + timedelta(minutes=30), until=T0 + timedelta(hours=2))) == ["tax"]
    assert await names(AuditFilter(department="bank", subject_code=FIRM)) == ["bulk"]


async def test_cursor_pages_walk_newest_first_without_overlap(repo: AuditRepository) -> None:
    async with AuditWriter(repo, secret=SECRET) as writer:
        seqs = [await writer.append(event(at=T0 + timedelta(minutes=n))) for n in range(23)]
    seen: list[int] = []
    after = None
    for expected in (10, 10, 3):
        page = await review(repo, SECRET, AuditFilter(), first=10, after=after)
        assert len(page.items) == expected
        seen += [record.seq for record in page.items]
        after = page.next_cursor
    assert after is None
    assert seen == sorted(seqs, reverse=True)


@pytest.mark.parametrize(("first", "after"), [(0, None), (501, None), (10, "not-a-cursor"), (10, "YXVkaXQ6eA")])
async def test_bad_paging_arguments_are_bad_user_input(repo: AuditRepository, first: int, after: str | None) -> None:
    with pytest.raises(HubError) as raised:
        await review(repo, SECRET, AuditFilter(), first=first, after=after)
    assert raised.value.code is ErrorCode.BAD_USER_INPUT


async def test_csv_export_streams_every_match_without_formulas(repo: AuditRepository, register: dict[str, str]) -> None:
    text = "".join([chunk async for chunk in export_csv(repo, SECRET, AuditFilter(subject_code=PERSON))])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["event_id"] for row in rows] == [register[name] for name in ("bulk", "self", "court", "bank")]
    assert rows[0]["operator"] == "'=HYPERLINK(1)"
    assert rows[0]["subjects"] == f"{PERSON} | {FIRM}"
    assert rows[0]["fields_masked"] == "idNumber | "
    assert rows[2]["concealed_until"] == "2026-06-01"


async def test_access_log_hides_concealed_entries_until_their_date(
    repo: AuditRepository, register: dict[str, str]
) -> None:
    before = await access_log(repo, SECRET, PERSON, datetime(2026, 5, 31, 15, 59, tzinfo=UTC))
    assert [entry.event_id for entry in before.items] == [register["bulk"], register["bank"]]
    # 2026-05-31 16:00 UTC is 2026-06-01 00:00 in China: the court's search appears.
    after = await access_log(repo, SECRET, PERSON, datetime(2026, 5, 31, 16, 0, tzinfo=UTC))
    assert [entry.event_id for entry in after.items] == [register["bulk"], register["court"], register["bank"]]
    court = after.items[1]
    assert (court.organisation, court.department, court.purpose) == ("人民法院", "court", "LAW_ENFORCEMENT")


async def test_access_log_shows_only_this_subjects_fields(repo: AuditRepository, register: dict[str, str]) -> None:
    page = await access_log(repo, SECRET, PERSON, T0 + timedelta(days=1), first=1)
    bulk = page.items[0]
    assert (bulk.fields_clear, bulk.fields_masked, bulk.organisation) == (("name",), ("idNumber",), "示例银行")
    assert page.next_cursor is not None
    rest = await access_log(repo, SECRET, PERSON, T0 + timedelta(days=1), after=page.next_cursor)
    assert [entry.event_id for entry in rest.items] == [register["bank"]]
