"""GET /reports/{code}.pdf over real HTTP: rendered per policy, signed, registered, verifiable, tamper-evident."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from hub.catalog.load import load_catalog
from hub.cli.main import app
from hub.config import resource_dir
from hub.demo.facts import Organisation
from hub.demo.generator import subject_facts
from hub.identity.codes import SubjectKind
from hub.policy.decision import Action
from hub.policy.load import load_policies
from hub.policy.purposes import Purpose
from hub.reports.content import TABLES
from tests.support.server import SEED, HubFixture
from tests.web.test_console import sign_in as console_sign_in
from tests.web.test_portal import sign_in

POLICIES = load_policies(resource_dir("policies"), load_catalog(resource_dir("schema") / "catalog.yaml"))
RECORD_TYPES = {
    "listings": "listing", "penalties": "penalty", "licences": "licence", "court_dishonesty": "court_dishonesty",
    "tax_credit": "tax_credit", "commitments": "commitment",
}  # fmt: skip
HIDDEN = re.compile(r"依查询方政策不予显示：(.+)")


def _download(hub: HubFixture, department: str, code: str, purpose: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {hub.token(department)}", "X-Hub-Operator": "clerk-7"}
    params = {"purpose": purpose} if purpose else {}
    return httpx.get(f"{hub.base_url}/reports/{code}.pdf", params=params, headers=headers, timeout=60)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _hidden_columns(text: str) -> set[str]:
    return {label for line in HIDDEN.findall(text) for label in line.strip().split("、")}


def _expected_hidden(department: str, purpose: Purpose) -> set[str]:
    policy = POLICIES.departments[department]
    return {
        label
        for _, key, columns in TABLES
        for label, name in columns
        if policy.decide(purpose, SubjectKind.LEGAL_ENTITY, f"{RECORD_TYPES[key]}.{name}").action is Action.DENY
    }


def _verify(path: Path, hub: HubFixture) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["report", "verify", str(path), "--jwks", f"{hub.base_url}/.well-known/jwks.json"])
    return result.exit_code, result.output


def test_a_department_downloads_a_signed_report_naming_its_own_register_entry(hub: HubFixture) -> None:
    response = _download(hub, "approval-bureau", hub.samples["enterprise"], "ADMINISTRATIVE_APPROVAL")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    event_id = response.headers["X-Hub-Audit-Event-Id"]
    number = response.headers["X-Hub-Report-Number"]
    text = _text(response.content)
    assert "公共信用信息报告" in text
    assert number in text
    assert event_id in text, "the report prints the register entry of the very request that rendered it"
    for heading in (
        "基本信息",
        "红黑名单",
        "行政处罚",
        "失信被执行人",
        "纳税信用",
        "信用承诺",
        "综合评价",
        "本次查询登记",
    ):
        assert heading in text
    assert "部门查询版" in text
    register = hub.graphql(
        "privacy-office",
        "query($c: ID) { auditEvents(filter: {subject: $c}, first: 100) { edges { node { eventId purpose } } } }",
        {"c": hub.samples["enterprise"]},
    ).json()
    assert "errors" not in register, register
    nodes = {e["node"]["eventId"]: e["node"] for e in register["data"]["auditEvents"]["edges"]}
    assert nodes[event_id]["purpose"] == "ADMINISTRATIVE_APPROVAL", "the register holds it under the printed id"


def test_reports_for_two_departments_differ_exactly_as_their_policies_say(hub: HubFixture) -> None:
    code = hub.samples["enterprise"]
    approval = _text(_download(hub, "approval-bureau", code, "ADMINISTRATIVE_APPROVAL").content)
    bank = _text(_download(hub, "bank", code, "CREDIT_LENDING").content)
    assert "无记录" not in approval, "the sample enterprise has items of every kind"
    assert _hidden_columns(approval) == _expected_hidden("approval-bureau", Purpose.ADMINISTRATIVE_APPROVAL)
    assert _hidden_columns(bank) == _expected_hidden("bank", Purpose.CREDIT_LENDING)
    assert {"处罚内容", "承诺内容"} <= _hidden_columns(bank)
    assert "计入条数" in approval, "the bureau's policy explains the evaluation"
    assert "计入条数" not in bank
    assert "各项指标得分：（依查询方政策不予显示）" in bank
    grade = re.compile(r"评价等级\n([ABCD]) ")
    assert grade.findall(approval) == grade.findall(bank) != [], "one grade whoever asks"
    facts = subject_facts(SEED, 0)
    assert isinstance(facts.subject, Organisation)
    rep_id = facts.subject.representative.code
    for text in (approval, bank):
        assert rep_id not in text, "both policies mask the legal representative's resident ID"
        assert f"{rep_id[:6]}********{rep_id[-4:]}" in text


def test_the_public_edition_is_desensitised(hub: HubFixture) -> None:
    code = hub.samples["enterprise"]
    text = _text(_download(hub, "public", code, "PUBLIC_DISCLOSURE").content)
    assert "公开版（脱敏）" in text
    facts = subject_facts(SEED, 0)
    assert isinstance(facts.subject, Organisation)
    assert facts.subject.representative.name not in text
    assert facts.subject.representative.name[0] + "*" in text
    assert facts.subject.phone not in text
    assert "评价得分\n（依查询方政策不予显示）" in text


def test_a_report_verifies_and_a_tampered_one_does_not(hub: HubFixture, tmp_path: Path) -> None:
    response = _download(hub, "approval-bureau", hub.samples["blacklisted"], "ADMINISTRATIVE_APPROVAL")
    assert response.status_code == 200, response.text
    original = tmp_path / "report.pdf"
    original.write_bytes(response.content)
    code, output = _verify(original, hub)
    assert code == 0, output
    assert response.headers["X-Hub-Report-Number"] in output
    offline = CliRunner().invoke(app, ["report", "verify", str(original), "--database-url", hub.settings.database_url])
    assert offline.exit_code == 0, offline.output  # the keys read from the hub's database instead of its JWKS
    elsewhere = f"sqlite+aiosqlite:///{tmp_path / 'not-a-hub.db'}"
    unmigrated = CliRunner().invoke(app, ["report", "verify", str(original), "--database-url", elsewhere])
    assert unmigrated.exit_code != 0
    assert unmigrated.exception is None or isinstance(unmigrated.exception, SystemExit), unmigrated.output
    assert "credit-hub migrate" in unmigrated.output

    at = response.content.index(b"/Producer")
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(response.content[:at] + b"/Producxr" + response.content[at + 9 :])
    code, output = _verify(tampered, hub)
    assert code == 1
    assert "altered" in output

    resaved = tmp_path / "resaved.pdf"
    resaved.write_bytes(response.content[: response.content.rindex(b"\n%CREDIT-HUB-SIGNATURE")])
    assert _verify(resaved, hub)[0] == 1

    number = response.headers["X-Hub-Report-Number"]
    found = httpx.get(f"{hub.base_url}/reports/verify/{number}").json()
    pdf = response.content[: response.content.rindex(b"\n%CREDIT-HUB-SIGNATURE")]
    assert found == {**found, "valid": True, "number": number, "edition": "DEPARTMENT",
                     "sha256": hashlib.sha256(pdf).hexdigest()}  # fmt: skip
    page = httpx.get(f"{hub.base_url}/reports/verify/{number}", headers={"Accept": "text/html"})
    assert "信用报告核验" in page.text
    unknown = httpx.get(f"{hub.base_url}/reports/verify/CR20260101FFFFFFFFFF")
    assert unknown.status_code == 404


def test_a_subject_downloads_its_own_report(hub: HubFixture) -> None:
    code = hub.samples["enterprise"]
    token = hub.self_token(code)
    response = httpx.get(
        f"{hub.base_url}/reports/{code}.pdf", params={"purpose": "SELF_ACCESS"},
        headers={"Authorization": f"Bearer {token}"}, timeout=60,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert "本人版" in _text(response.content)
    other = httpx.get(
        f"{hub.base_url}/reports/{hub.samples['blacklisted']}.pdf", params={"purpose": "SELF_ACCESS"},
        headers={"Authorization": f"Bearer {token}"}, timeout=60,
    )  # fmt: skip
    assert other.status_code == 403


def test_refusals_come_back_as_json_with_their_status(hub: HubFixture) -> None:
    code = hub.samples["enterprise"]
    missing = _download(hub, "bank", code, None)
    assert (missing.status_code, missing.json()["errors"][0]["extensions"]["code"]) == (400, "BAD_USER_INPUT")
    foreign = _download(hub, "bank", code, "SUPERVISION")
    assert (foreign.status_code, foreign.json()["errors"][0]["extensions"]["code"]) == (403, "PURPOSE_NOT_ALLOWED")
    assert foreign.headers["X-Hub-Audit-Event-Id"], "a refused report request is registered too"
    anonymous = httpx.get(f"{hub.base_url}/reports/{code}.pdf", params={"purpose": "PUBLIC_DISCLOSURE"})
    assert anonymous.status_code == 401
    assert "WWW-Authenticate" in anonymous.headers
    bad = _download(hub, "bank", "91140100MA0L12345X", "CREDIT_LENDING")
    assert bad.status_code == 400


@pytest.mark.browser
def test_a_signed_in_enterprise_downloads_its_own_report_from_the_portal(
    page: Any, web_hub: Any, tmp_path: Path
) -> None:
    code = web_hub.samples["enterprise"]
    sign_in(page, web_hub, code)
    link = page.get_by_role("link", name="下载我的信用报告")
    assert link.get_attribute("href") == "/portal/report.pdf", "no code in the URL"
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "mine.pdf"
    download.value.save_as(saved)
    text = _text(saved.read_bytes())
    assert "本人版" in text
    assert code in text
    assert _verify(saved, web_hub)[0] == 0


@pytest.mark.browser
def test_an_officer_looks_a_report_number_up_on_the_console(page: Any, web_hub: Any) -> None:
    response = _download(web_hub, "approval-bureau", web_hub.samples["enterprise"], "ADMINISTRATIVE_APPROVAL")
    number, event_id = response.headers["X-Hub-Report-Number"], response.headers["X-Hub-Audit-Event-Id"]
    console_sign_in(page, web_hub)
    page.get_by_role("link", name="信用报告核验").click()
    page.get_by_label("报告编号").fill(number)
    page.get_by_role("button", name="查询").click()
    facts = page.locator("dl.facts").inner_text()
    assert event_id in facts
    assert "approval-bureau" in facts
    page.get_by_label("报告编号").fill("CR20260101FFFFFFFFFF")
    page.get_by_role("button", name="查询").click()
    assert "未出具" in page.get_by_role("alert").inner_text()
