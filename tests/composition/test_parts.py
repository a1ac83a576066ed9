"""The deployment's files checked against its settings before anything opens: officers' groups map to departments
whose policies let them read the register."""

from __future__ import annotations

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
