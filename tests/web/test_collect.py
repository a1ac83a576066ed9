"""POST /records/{recordType} over real HTTP, on both databases: files land, bad rows come back, nothing twice."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from stdnum.cn import uscc

from tests.support.server import HubFixture

SUBJECT = """query($code: ID!) { subject(code: $code, purpose: SUPERVISION) {
  licences { id source decisionNumber title authority decidedOn content }
  penalties { id decisionNumber authority decidedOn amount decisionText } } }"""
HEADER = "XK_XDR_SHXYM,XK_WSH,XK_XMMC,XK_XKLB,XK_XKJG,XK_JDRQ,XK_JZQ,XK_NR\r\n"
AUTHORITY = "太原市市场监督管理局"


def _code(n: int) -> str:
    body = f"9114010{n:010d}"[:17]
    return body + uscc.calc_check_digit(body)


def _post(
    hub: HubFixture,
    record_type: str,
    body: bytes,
    content_type: str,
    department: str = "market-regulation",
    operator: str | None = "clerk-9",
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {hub.token(department)}", "Content-Type": content_type}
    if operator:
        headers["X-Hub-Operator"] = operator
    return httpx.post(f"{hub.base_url}/records/{record_type}", content=body, headers=headers, timeout=60)


def _licences(hub: HubFixture, code: str) -> list[dict[str, Any]]:
    response = hub.graphql("market-regulation", SUBJECT, {"code": code})
    assert response.status_code == 200, response.text
    subject = response.json()["data"]["subject"]  # null: the hub holds nothing about the subject
    return [item for item in subject["licences"] if item["source"] == "collected"] if subject else []


def test_a_gb18030_file_with_the_national_column_names_lands_and_is_queryable_at_once(hub: HubFixture) -> None:
    code = _code(101)
    rows = [
        f"{code},晋食许〔2026〕{n}号,食品经营许可,普通,{AUTHORITY},2026-11-2{n},2031-11-2{n},准予许可\r\n"
        for n in (1, 2)
    ]
    response = _post(hub, "licence", (HEADER + "".join(rows)).encode("gb18030"), "text/csv; charset=gb18030")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["accepted"], body["refused"], body["rows"]) == (2, [], 2)
    assert body["auditEventId"] == response.headers["X-Hub-Audit-Event-Id"]
    found = sorted(_licences(hub, code), key=lambda item: item["decisionNumber"])
    assert [(i["decisionNumber"], i["decidedOn"], i["authority"]) for i in found] == [
        ("晋食许〔2026〕1号", "2026-11-21", AUTHORITY),
        ("晋食许〔2026〕2号", "2026-11-22", AUTHORITY),
    ]


def test_every_kind_of_bad_row_comes_back_with_its_reason_and_none_is_stored(hub: HubFixture) -> None:
    good = _code(202)
    bad_rows = {
        "REQUIRED": f"{good},,食品经营许可,普通,{AUTHORITY},2026-11-20,,x",
        "INVALID_CODE": f"{good[:-1]}0,晋A〔2026〕2号,食品经营许可,普通,{AUTHORITY},2026-11-20,,x"
        if not good.endswith("0")
        else f"{good[:-1]}1,晋A〔2026〕2号,食品经营许可,普通,{AUTHORITY},2026-11-20,,x",
        "BAD_DATE": f"{good},晋A〔2026〕3号,食品经营许可,普通,{AUTHORITY},2026-13-45,,x",
        "FUTURE_DATE": f"{good},晋A〔2026〕4号,食品经营许可,普通,{AUTHORITY},2099-01-01,,x",
        "DATE_ORDER": f"{good},晋A〔2026〕5号,食品经营许可,普通,{AUTHORITY},2026-11-20,2025-01-01,x",
        "NOT_ALLOWED": f"{good},晋A〔2026〕6号,食品经营许可,随便,{AUTHORITY},2026-11-20,,x",
        "TOO_LONG": f"{good},晋A〔2026〕7号,{'长' * 201},普通,{AUTHORITY},2026-11-20,,x",
        "AUTHORITY": f"{good},晋A〔2026〕8号,食品经营许可,普通,太原市税务局,2026-11-20,,x",
        "MALFORMED": f"{good},晋A〔2026〕9号,食品经营许可,普通,{AUTHORITY},2026-11-20,,x,extra",
    }
    body = (HEADER + "\r\n".join(bad_rows.values()) + "\r\n").encode("utf-8")
    response = _post(hub, "licence", body, "text/csv")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["accepted"] == 0
    by_row = {r["row"]: r for r in answer["refused"]}
    assert sorted(by_row) == list(range(2, 2 + len(bad_rows)))
    for line, expected in enumerate(bad_rows, start=2):
        refusal = by_row[line]
        assert refusal["code"] == expected, refusal
        assert refusal["reason"]
        assert refusal["fix"]
    assert by_row[2]["field"] == "decision_number"
    assert by_row[5]["field"] == "decided_on"
    assert _licences(hub, good) == []


def test_a_resubmitted_file_changes_nothing(hub: HubFixture) -> None:
    code = _code(303)
    lines = [
        json.dumps(
            {
                "subject_code": code,
                "decision_number": f"晋食许〔2026〕3{n}号",
                "title": "食品经营许可",
                "category": "普通",
                "authority": AUTHORITY,
                "decided_on": "2026-11-02",
            },
            ensure_ascii=False,
        )
        for n in range(5)
    ]
    body = "\n".join(lines).encode()
    first = _post(hub, "licence", body, "application/jsonl").json()
    again = _post(hub, "licence", body, "application/jsonl").json()
    assert (first["accepted"], first["unchanged"]) == (5, 0)
    assert (again["accepted"], again["unchanged"], again["refused"]) == (0, 5, [])
    assert len(_licences(hub, code)) == 5


def test_a_correction_keeps_the_trace_and_a_different_resubmission_is_refused(hub: HubFixture) -> None:
    code = _code(404)
    item = {
        "subject_code": code,
        "decision_number": "晋食许〔2026〕404号",
        "title": "食品经营许可",
        "category": "普通",
        "authority": AUTHORITY,
        "decided_on": "2026-11-03",
        "content": "准予许可",
    }
    assert (
        _post(hub, "licence", json.dumps(item, ensure_ascii=False).encode(), "application/jsonl").json()["accepted"]
        == 1
    )
    changed = {**item, "content": "准予许可（经营项目：预包装食品销售）"}
    refused = _post(hub, "licence", json.dumps(changed, ensure_ascii=False).encode(), "application/jsonl").json()
    assert [r["code"] for r in refused["refused"]] == ["DUPLICATE"]
    no_reason = {**changed, "action": "correct"}
    assert (
        _post(hub, "licence", json.dumps(no_reason, ensure_ascii=False).encode(), "application/jsonl").json()[
            "refused"
        ][0]["code"]
        == "REASON_REQUIRED"
    )
    correction = {**no_reason, "reason": "经营项目漏填"}
    assert (
        _post(hub, "licence", json.dumps(correction, ensure_ascii=False).encode(), "application/jsonl").json()[
            "accepted"
        ]
        == 1
    )
    [shown] = _licences(hub, code)
    assert shown["content"] == "准予许可（经营项目：预包装食品销售）"
    history = hub.graphql(
        "market-regulation",
        "query($id: ID!) { collectedItemHistory(id: $id) { version action reason fields } }",
        {"id": shown["id"]},
    ).json()
    versions = history["data"]["collectedItemHistory"]
    assert [(v["version"], v["action"], v["reason"]) for v in versions] == [
        (1, "SUBMIT", None),
        (2, "CORRECT", "经营项目漏填"),
    ]
    assert versions[0]["fields"]["content"] == "准予许可"
    withdrawal = {
        "subject_code": code,
        "decision_number": "晋食许〔2026〕404号",
        "authority": AUTHORITY,
        "action": "withdraw",
        "reason": "许可决定已撤销",
    }
    assert (
        _post(hub, "licence", json.dumps(withdrawal, ensure_ascii=False).encode(), "application/jsonl").json()[
            "accepted"
        ]
        == 1
    )
    assert _licences(hub, code) == []


@pytest.mark.parametrize(
    ("department", "record_type", "code"),
    [("bank", "licence", "FORBIDDEN"), ("tax", "court_dishonesty", "NOT_FOUND"), ("court", "licence", "FORBIDDEN")],
)
def test_a_department_submits_only_what_it_is_authoritative_for(
    hub: HubFixture, department: str, record_type: str, code: str
) -> None:
    response = _post(hub, record_type, HEADER.encode(), "text/csv", department=department)
    assert response.json()["errors"][0]["extensions"]["code"] == code
    assert response.status_code in (403, 404)


def test_without_an_operator_a_department_that_requires_one_is_refused(hub: HubFixture) -> None:
    response = _post(hub, "licence", HEADER.encode(), "text/csv", operator=None)
    assert response.status_code == 403
    assert "X-Hub-Operator" in response.json()["errors"][0]["extensions"]["fix"]


def test_the_refused_rows_come_back_as_csv_when_asked_for(hub: HubFixture) -> None:
    code = _code(606)
    body = (
        HEADER + f"{code},晋食许〔2026〕606号,食品经营许可,普通,{AUTHORITY},2026-11-20,,x\r\n"
        f"{code},,食品经营许可,普通,{AUTHORITY},2026-11-20,,x\r\n"
    ).encode("gb18030")
    headers = {
        "Authorization": f"Bearer {hub.token('market-regulation')}",
        "X-Hub-Operator": "clerk-9",
        "Content-Type": "text/csv; charset=gb18030",
        "Accept": "text/csv",
    }
    response = httpx.post(f"{hub.base_url}/records/licence", content=body, headers=headers, timeout=60)
    assert response.status_code == 200
    assert (response.headers["X-Hub-Accepted"], response.headers["X-Hub-Refused"]) == ("1", "1")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "row,field,code,reason,fix"
    assert lines[1].startswith("3,decision_number,REQUIRED,")
