"""Concealment until a case closes: the event body, the derived columns, closures, the access log, the
officers' view and CSV, and a chain that still verifies with events written before these fields existed."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from hub.audit.cases import CaseRegister
from hub.audit.chain import index_columns
from hub.audit.concealment import Concealment, concealment
from hub.audit.events import AuditEvent, SubjectDisclosure
from hub.audit.export import export_csv
from hub.audit.review import AuditFilter, access_log, review
from hub.audit.verify import verify_chain
from hub.audit.writer import AuditWriter
from hub.errors import ErrorCode, HubError
from hub.store.audit_repo import AuditRepository
from hub.store.closed_cases import ClosedCaseRepository
from tests.audit.support import SECRET, concealed, event, execute, tamper

PERSON = "11010119900307123X"
CASE = "（2026）晋01执123号"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in China
BOUND = date(2026, 8, 29)
COURT = {"department": "court", "org": "11140000MB1A00040X", "org_name": "人民法院", "purpose": "LAW_ENFORCEMENT"}


def court_search(case: str | None = CASE, *, until: date | None = BOUND, at: datetime = T0) -> AuditEvent:
    """A court search about PERSON naming `case`, concealed until it closes (and at most until `until`)."""
    subject = concealed(PERSON, until) if until else SubjectDisclosure(PERSON, ("listings",))
    return event(subjects=[subject], at=at, case_number=case, concealed_until_case_closes=case is not None, **COURT)


def test_new_keys_are_written_only_when_set() -> None:
    plain = event()
    assert "case_number" not in plain.to_dict()
    assert "concealed_until_case_closes" not in plain.to_dict()
    search = court_search()
    data = json.loads(search.canonical())
    assert (data["case_number"], data["concealed_until_case_closes"]) == (CASE, True)
    assert AuditEvent.from_json(search.canonical()) == search
    assert AuditEvent.from_json(search.canonical()).canonical() == search.canonical()


FIRST_RELEASE_BODY = (
    '{"at":"2026-03-02T01:00:00.000000Z","client_id":"client-bank","consent_ids":[],"department":"bank",'
    '"error_codes":[],"event_id":"0b4e7d1e-2f4c-4a65-9d59-4d3c2f1a0b9e","latency_ms":3.5,"legal_basis":null,'
    '"operation_name":null,"operator":"loan-officer-7","org":"91110000100000000A","org_name":"示例银行",'
    '"outcome":"ok","purpose":"CREDIT_LENDING","query_hash":null,"request_id":"r-1","subjects":[{"code":'
    '"11010119900307123X","concealed_until":null,"fields_clear":["name"],"fields_denied":[],"fields_masked":'
    '["phone"]}],"type":"query","version":1}'
)


def test_an_event_of_the_first_release_reads_and_reserialises_unchanged() -> None:
    parsed = AuditEvent.from_json(FIRST_RELEASE_BODY)
    assert (parsed.case_number, parsed.concealed_until_case_closes) == (None, False)
    assert parsed.canonical() == FIRST_RELEASE_BODY


def test_index_columns_derive_the_case_columns_from_the_body() -> None:
    assert index_columns(court_search().to_dict())["case_number"] == CASE
    assert index_columns(court_search().to_dict())["concealed_case"] == CASE
    named_only = event(case_number=CASE).to_dict()
    assert (index_columns(named_only)["case_number"], index_columns(named_only)["concealed_case"]) == (CASE, None)
    assert index_columns(event().to_dict())["case_number"] is None


@pytest.mark.parametrize(
    ("until", "by_case", "closed", "days", "state"),
    [
        (None, False, None, 0, Concealment.NONE),
        (BOUND, False, None, 0, Concealment.CONCEALED),
        (BOUND, False, None, 200, Concealment.REVEALED),
        (BOUND, True, None, 0, Concealment.CONCEALED),
        (BOUND, True, T0 + timedelta(days=3), 5, Concealment.REVEALED),
        (BOUND, True, T0 + timedelta(days=3), 2, Concealment.CONCEALED),  # closed after `now`: not yet
        (BOUND, True, None, 200, Concealment.REVEALED),  # the bound passed, the case is still open
        (None, True, None, 5000, Concealment.CONCEALED),  # no bound: until the case closes
    ],
)
def test_concealment_states(until: date | None, by_case: bool, closed: datetime | None, days: int, state: str) -> None:
    search = court_search(CASE if by_case else None, until=until)
    assert concealment(search, search.subjects[0], closed, T0 + timedelta(days=days)) == state


async def _write(repo: AuditRepository, *events: AuditEvent) -> None:
    async with AuditWriter(repo, secret=SECRET) as writer:
        for item in events:
            await writer.append(item)


async def _visible(repo: AuditRepository, now: datetime) -> list[str]:
    return [entry.event_id for entry in (await access_log(repo, SECRET, PERSON, now, first=50)).items]


async def test_the_access_log_shows_a_case_bound_search_once_its_case_closes(repo: AuditRepository) -> None:
    search, unbounded, other = court_search(), court_search(until=None), court_search("（2026）晋01执999号")
    bank = event(subjects=[PERSON], at=T0)
    await _write(repo, bank, search, unbounded, other)
    assert await _visible(repo, T0 + timedelta(days=1)) == [bank.event_id]

    cases = CaseRegister(ClosedCaseRepository(repo.engine), clock=lambda: T0 + timedelta(days=2))
    closure = await cases.close("court", CASE)
    assert (closure.revealed, closure.closed_at) == (2, T0 + timedelta(days=2))
    assert await _visible(repo, T0 + timedelta(days=1)) == [bank.event_id]  # not closed yet at that time
    assert await _visible(repo, T0 + timedelta(days=3)) == [unbounded.event_id, search.event_id, bank.event_id]
    later = await _visible(repo, datetime(2026, 8, 28, 16, 0, tzinfo=UTC))  # 29 August in China: the bound
    assert later == [other.event_id, unbounded.event_id, search.event_id, bank.event_id]

    again = await CaseRegister(ClosedCaseRepository(repo.engine)).close("court", CASE)
    assert again.closed_at == closure.closed_at


async def test_only_the_concealing_department_closes_and_an_unknown_case_is_not_found(repo: AuditRepository) -> None:
    await _write(repo, court_search())
    cases = CaseRegister(ClosedCaseRepository(repo.engine))
    with pytest.raises(HubError) as caught:
        await cases.close("tax", CASE)
    assert caught.value.code is ErrorCode.NOT_FOUND
    with pytest.raises(HubError):
        await cases.close("court", "（2026）晋01执1号")
    assert await _visible(repo, T0 + timedelta(days=1)) == []


async def test_officers_see_the_case_and_its_state_in_review_and_csv(repo: AuditRepository) -> None:
    search, other = court_search(), court_search("（2026）晋01执999号")
    await _write(repo, search, other)
    await CaseRegister(ClosedCaseRepository(repo.engine), clock=lambda: T0 + timedelta(days=1)).close("court", CASE)
    page = await review(repo, SECRET, AuditFilter(case_number=CASE))
    assert [(r.event.event_id, r.case_closed_at) for r in page.items] == [(search.event_id, T0 + timedelta(days=1))]
    unclosed = (await review(repo, SECRET, AuditFilter(department="court"))).items[0]
    assert (unclosed.event.event_id, unclosed.case_closed_at) == (other.event_id, None)

    text = "".join([chunk async for chunk in export_csv(repo, SECRET, AuditFilter(), T0 + timedelta(days=2))])
    rows = {row["event_id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows[search.event_id]["case_number"] == CASE
    assert rows[search.event_id]["concealed_until_case_closes"] == "true"
    assert rows[search.event_id]["concealment"] == "revealed"
    assert rows[search.event_id]["case_closed_at"].startswith("2026-03-03T01:00")
    assert (rows[other.event_id]["concealment"], rows[other.event_id]["case_closed_at"]) == ("concealed", "")


async def test_the_subjects_own_operations_are_not_in_its_access_log(repo: AuditRepository) -> None:
    own = event(subjects=[PERSON], at=T0, client_id="dev-login", org=PERSON, department=None, operator=None,
                purpose=None, org_name=None)  # fmt: skip
    bank = event(subjects=[PERSON], at=T0)
    await _write(repo, own, bank)
    assert await _visible(repo, T0 + timedelta(days=1)) == [bank.event_id]


async def test_the_chain_verifies_across_old_and_new_events_and_closures_are_append_only(
    repo: AuditRepository, audit_url: str
) -> None:
    await _write(repo, event(), court_search(), event(case_number=CASE), event())
    await CaseRegister(ClosedCaseRepository(repo.engine)).close("court", CASE)
    report = await verify_chain(repo, secret=SECRET)
    assert report.verified, report
    assert report.events_checked == 4
    rows = await execute(audit_url, "SELECT seq, case_number, concealed_case FROM audit_events ORDER BY seq")
    assert [tuple(row) for row in rows] == [(1, None, None), (2, CASE, CASE), (3, CASE, None), (4, None, None)]
    with pytest.raises(Exception, match="append-only"):
        await execute(audit_url, "DELETE FROM closed_cases")
    await tamper(audit_url, "UPDATE audit_events SET body = replace(body, '123号', '124号') WHERE seq = 2")
    assert not (await verify_chain(repo, secret=SECRET)).verified
