from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hub.cli.policy import register
from hub.config import resource_dir

POLICIES = resource_dir("policies")
CATALOG = resource_dir("schema") / "catalog.yaml"


def run(*args: str) -> tuple[int, str, str]:
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["policy", "check", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(POLICIES, target)
    return target


def test_shipped_policies_pass_with_a_table_per_department() -> None:
    code, out, err = run()
    assert (code, err) == (0, "")
    for department in ("approval-bureau", "market-regulation", "tax", "court", "bank", "public", "privacy-office"):
        assert f"{department}: " in out
    assert "7 department policies valid" in out
    assert "CREDIT_LENDING" in out


def test_explicit_paths_work(copied: Path) -> None:
    code, out, _ = run("--policies", str(copied), "--catalog", str(CATALOG), "--cases", str(copied / "cases"))
    assert code == 0
    assert "expected decisions met" in out


def test_a_bad_policy_exits_non_zero_with_file_line_and_fix(copied: Path) -> None:
    bank = copied / "bank.yaml"
    text = bank.read_text(encoding="utf-8")
    bank.write_text(text.replace("  report: deny", "  report: allow"), encoding="utf-8")
    line = next(i for i, t in enumerate(bank.read_text(encoding="utf-8").splitlines(), 1) if "report: allow" in t)
    code, out, err = run("--policies", str(copied))
    assert code == 1
    assert err.startswith(f"{bank}:{line}: 'report.received_on' is restricted in the catalogue")
    assert "(fix: write `received_on: deny` under report.fields)" in err
    assert "Traceback" not in out + err


def test_a_scope_the_department_may_not_hold_is_named_with_file_line(copied: Path) -> None:
    public = copied / "public.yaml"
    public.write_text(
        public.read_text(encoding="utf-8").replace("scopes: [subject:read]", "scopes: [subject:read, audit:read]")
    )
    line = next(i for i, t in enumerate(public.read_text(encoding="utf-8").splitlines(), 1) if t.startswith("scopes:"))
    code, _out, err = run("--policies", str(copied))
    assert code == 1
    assert err.startswith(f"{public}:{line}: a public department may not hold audit:read")
    assert "(fix: remove it; only an audit department" in err


def test_a_failing_case_exits_non_zero(copied: Path) -> None:
    cases = copied / "cases" / "public.yaml"
    cases.write_text(
        cases.read_text(encoding="utf-8").replace("tax_credit.grade, expect: deny", "tax_credit.grade, expect: allow"),
        encoding="utf-8",
    )
    code, _, err = run("--policies", str(copied))
    assert code == 1
    assert "public PUBLIC_DISCLOSURE LEGAL_ENTITY tax_credit.grade: expected allow, got deny" in err
    assert "1 expected decision(s) not met" in err


def test_missing_folder_and_catalogue_are_reported(tmp_path: Path) -> None:
    code, _, err = run("--policies", str(tmp_path / "nowhere"))
    assert code == 1
    assert err.startswith(f"{tmp_path / 'nowhere'}: policies folder not found")
    code, _, err = run("--catalog", str(tmp_path / "catalog.yaml"))
    assert code == 1
    assert "cannot read file" in err


def test_malformed_cases_file_is_reported_not_raised(copied: Path) -> None:
    (copied / "cases" / "tax.yaml").write_text("- {purpose: NOPE, expect: deny}\n", encoding="utf-8")
    code, out, err = run("--policies", str(copied))
    assert code == 1
    assert err.startswith(f"{copied / 'cases' / 'tax.yaml'}:1: ")
    assert "Traceback" not in out + err


def test_an_inconsistent_measures_list_exits_non_zero_with_file_line(copied: Path) -> None:
    measures = copied / "measures.yaml"
    text = measures.read_text(encoding="utf-8")
    start = text.index("  - code: HO-01")
    reach = text.index("    reaches:", start)
    end = text.index("\n  - code:", reach)
    measures.write_text(text[:reach] + text[end + 1 :], encoding="utf-8")  # HO-01 keeps 含法定代表人, loses reaches
    line = next(
        i
        for i, t in enumerate(measures.read_text(encoding="utf-8").splitlines(), 1)
        if "content:" in t and "含法定代表人" in t
    )
    code, out, err = run("--policies", str(copied))
    assert code == 1
    assert err.startswith(f"{measures}:{line}: measure 'HO-01' says it reaches the legal representative")
    assert "(fix: add `reaches:" in err
    assert "Traceback" not in out + err


def test_the_shipped_measures_list_is_checked_too() -> None:
    code, out, _ = run()
    assert code == 0
    assert "measures list valid" in out


def test_the_deployment_s_configuration_decides_what_is_checked(
    copied: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank = copied / "bank.yaml"
    bank.write_text(bank.read_text(encoding="utf-8").replace("  report: deny", "  report: allow"), encoding="utf-8")
    config = tmp_path / "hub.toml"
    config.write_text(f'policies_dir = "{copied}"\n', encoding="utf-8")
    code, _, err = run("--config", str(config))
    assert code == 1, "the policies hub.toml names are the ones checked"
    assert err.startswith(f"{bank}:")
    monkeypatch.setenv("HUB_POLICIES_DIR", str(copied))
    code, _, err = run()
    assert code == 1, "HUB_POLICIES_DIR is honoured as serve honours it"
    assert err.startswith(f"{bank}:")
