"""`credit-hub submit` against a running hub, and `credit-hub quality report` on its collected source."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from stdnum.cn import uscc
from typer.testing import CliRunner

from hub.cli.main import app
from tests.support.server import HubFixture

runner = CliRunner()


def _code(n: int) -> str:
    body = f"9114010{n:010d}"[:17]
    return body + uscc.calc_check_digit(body)


def _env(hub: HubFixture, department: str = "tax") -> dict[str, str]:
    client = hub.clients[department]
    return {"CREDIT_HUB_CLIENT_ID": client["client_id"], "CREDIT_HUB_CLIENT_SECRET": client["client_secret"]}


def test_submit_sends_a_file_and_writes_the_refused_rows_in_its_format(hub: HubFixture, tmp_path: Path) -> None:
    path = tmp_path / "penalties.csv"
    rows = [
        "CF_XDR_SHXYM,CF_WSH,CF_CFLB,CF_CFJG,CF_JDRQ,CF_FKJE,CF_YJ,CF_NR",
        f"{_code(501)},并税稽罚〔2026〕501号,罚款,国家税务总局太原市税务局,2026-11-16,2000,《税收征收管理法》第六十二条,未按期申报",
        f"{_code(502)},并税稽罚〔2026〕502号,罚款,国家税务总局太原市税务局,2026-11-16,-5,《税收征收管理法》第六十二条,未按期申报",
    ]
    path.write_bytes("\n".join(rows).encode("gb18030"))
    refused = tmp_path / "refused.csv"
    args = [
        "submit",
        str(path),
        "--record-type",
        "penalty",
        "--url",
        hub.base_url,
        "--operator",
        "clerk-3",
        "--refused",
        str(refused),
    ]
    result = runner.invoke(app, args, env=_env(hub))
    assert result.exit_code == 1, result.output
    assert "2 rows: 1 accepted, 0 unchanged, 1 refused" in result.output
    with refused.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert [(r["row"], r["field"], r["code"]) for r in written] == [("3", "amount", "BAD_NUMBER")]
    again = runner.invoke(app, [*args[:-2], "--json"], env=_env(hub))
    assert again.exit_code == 1
    assert json.loads(again.output)["unchanged"] == 1


def test_submit_names_a_refused_credential_and_an_unknown_format(hub: HubFixture, tmp_path: Path) -> None:
    path = tmp_path / "penalties.xlsx"
    path.write_bytes(b"x")
    result = runner.invoke(
        app,
        ["submit", str(path), "--record-type", "penalty", "--url", hub.base_url, "--operator", "clerk-3"],
        env=_env(hub),
    )
    assert result.exit_code == 2
    assert "name the file .csv or .jsonl" in result.output
    good = tmp_path / "p.csv"
    good.write_text("subject_code\n", encoding="utf-8")
    wrong = {"CREDIT_HUB_CLIENT_ID": "nobody", "CREDIT_HUB_CLIENT_SECRET": "nothing"}
    result = runner.invoke(
        app,
        ["submit", str(good), "--record-type", "penalty", "--url", hub.base_url, "--operator", "clerk-3"],
        env=wrong,
    )
    assert result.exit_code == 2
    assert "refused the client credentials" in result.output
    assert "Traceback" not in result.output


def test_quality_report_counts_the_submissions_per_department(hub: HubFixture, tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    item = {
        "subject_code": _code(503),
        "decision_number": "并税稽罚〔2026〕503号",
        "category": "罚款",
        "authority": "国家税务总局太原市税务局",
        "decided_on": "2026-11-02",
        "legal_basis": "《税收征收管理法》",
    }
    path.write_text(json.dumps(item, ensure_ascii=False) + "\n" + json.dumps({**item, "decided_on": "x"}) + "\n")
    runner.invoke(
        app,
        ["submit", str(path), "--record-type", "penalty", "--url", hub.base_url, "--operator", "clerk-3"],
        env=_env(hub),
    )
    collected = hub.settings.database_url
    result = runner.invoke(
        app,
        ["quality", "report", "--json", "--database-url", collected, "--hub-database-url", collected,
         "--since", "2026-01-01"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    tax = next(r for r in report["quality"] if (r["department"], r["record_type"]) == ("tax", "penalty"))
    assert tax["accepted"] >= 1
    assert dict(tax["refused_by_reason"])["BAD_DATE"] >= 1
    timed = next(r for r in report["timeliness"] if (r["department"], r["record_type"]) == ("tax", "penalty"))
    assert timed["items"] >= 1
    assert isinstance(report["read_faults"], list)
    table = runner.invoke(app, ["quality", "report", "--database-url", collected, "--hub-database-url", collected])
    assert "collection quality" in table.output
    assert "found on read" in table.output
    empty = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"  # not migrated
    refused = runner.invoke(app, ["quality", "report", "--database-url", collected, "--hub-database-url", empty])
    assert refused.exit_code != 0
    assert "--hub-database-url" in refused.output
    assert "credit-hub migrate" in refused.output
    assert "Traceback" not in refused.output
