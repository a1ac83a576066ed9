"""The deployment's files checked against its settings before anything opens: officers' groups map to departments
whose policies let them read the register."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.composition.parts import load_files
from hub.config import OidcSettings, Settings
from hub.errors import ConfigError


def _settings(groups: dict[str, str]) -> Settings:
    oidc = OidcSettings(
        issuer="https://idp", jwks_url="https://idp/jwks", client_id="credit-hub",
        authorization_endpoint="https://idp/authorize", token_endpoint="https://idp/token", officer_groups=groups,
    )  # fmt: skip
    return Settings(database_url="sqlite+aiosqlite:///unused.db", oidc=oidc)


def test_officer_groups_of_a_department_holding_audit_read_load() -> None:
    files = load_files(_settings({"privacy-officers": "privacy-office"}))
    assert files.policies.get("privacy-office") is not None


@pytest.mark.parametrize(
    ("department", "problem"),
    [("nowhere", "has no policy"), ("market-regulation", "may not read the register (scope audit:read)")],
)
def test_a_group_mapped_to_a_department_its_officers_cannot_use_is_refused(department: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_files(_settings({"auditors": department}))
    assert caught.value.message == (
        f"oidc.officer_groups maps group 'auditors' to department '{department}', which {problem}"
    )
    assert caught.value.place == "oidc.officer_groups"
    assert "privacy-office" in (caught.value.fix or "")


def test_the_calendar_folder_loads_with_the_files_and_a_mistake_stops_the_start(tmp_path: Path) -> None:
    (tmp_path / "2027.yaml").write_text("year: 2027\nholidays:\n  元旦: [2027-01-01]\n", encoding="utf-8")
    assert set(load_files(_settings({}).model_copy(update={"calendar_dir": tmp_path})).calendar.years) == {2027}
    (tmp_path / "2027.yaml").write_text("year: 2027\nholidays:\n  元旦: [2026-01-01]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_files(_settings({}).model_copy(update={"calendar_dir": tmp_path}))
    assert f"{tmp_path / '2027.yaml'}:3" in raised.value.render()
