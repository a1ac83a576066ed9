"""Settings refuse what they do not know, at every level, naming hub.toml's line or the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.config import load_settings, toml_line
from hub.errors import ConfigError

GOOD = """database_url = "sqlite+aiosqlite:///hub.db"
audit_secret = "a-long-random-secret-for-the-subject-index"

[sources.court]
url = "postgresql+asyncpg://postgres@127.0.0.1:5432/court"
"""


@pytest.mark.parametrize(
    ("added", "key", "line", "hint"),
    [
        ("timeout = 500\n", "sources.court.timeout", 6, "timeout_ms"),
        ("\n[audit_anomalies]\ndenails = 5\n", "audit_anomalies.denails", 8, "denials"),
        (
            "\n[oidc]\nissuer = 'https://idp'\njwks_url = 'https://idp/jwks'\naudiance = 'x'\n",
            "oidc.audiance",
            10,
            "audience",
        ),
        (
            "\n[trusted_hubs.province]\nissuer = 'http://p'\njwks_url = 'http://p/jwks'\nclient_id = 'c'\n"
            "departments = ['tax']\nrecord_types = ['penalty']\nrecord_type = 'x'\n",
            "trusted_hubs.province.record_type",
            13,
            "record_types",
        ),
    ],
    ids=["source", "anomalies", "oidc", "trusted hub"],
)
def test_an_unknown_nested_key_is_refused_with_its_line_and_the_known_keys(
    tmp_path: Path, added: str, key: str, line: int, hint: str
) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(GOOD + added, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert f"setting '{key}'" in caught.value.message
    assert caught.value.place == f"{config}:{line}"
    assert hint in (caught.value.fix or "")


def test_a_port_that_is_not_a_number_is_a_setting_error_not_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(GOOD.replace(":5432/court", ":notaport/court"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert "sources.court.url" in caught.value.message
    assert "port" in caught.value.message
    assert caught.value.place == f"{config}:5"


def test_an_environment_variable_is_named_as_the_place_it_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("HUB_DATABASE_URL", "postgresql+asyncpg://u@h:notaport/db")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert caught.value.place == "environment variable HUB_DATABASE_URL"


def test_toml_line_finds_dotted_and_inline_keys(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text('port = 1\nsources.tax.url = "x"\n[sources]\ncourt = { url = "y" }\n', encoding="utf-8")
    assert toml_line(config, ("port",)) == 1
    assert toml_line(config, ("sources", "tax", "url")) == 2
    assert toml_line(config, ("sources", "court", "url")) == 4
    assert toml_line(config, ("audit_anomalies", "denials")) is None


def test_a_source_may_be_another_hub_by_its_http_url_with_this_hubs_client_there(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    added = '\n[sources.taiyuan]\nurl = "https://credit.taiyuan.example/"\nclient_id = "ch_p"\nclient_secret = "s"\n'
    config.write_text(GOOD + added, encoding="utf-8")
    settings = load_settings(config)
    assert settings.sources["taiyuan"].url == "https://credit.taiyuan.example"
    config.write_text(GOOD.replace("postgresql+asyncpg://postgres@127.0.0.1:5432/court", "ftp://x"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert caught.value.place == f"{config}:5"


def test_the_portals_provider_sign_in_needs_its_client_and_both_endpoints(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    oidc = "\n[oidc]\nissuer = 'https://idp'\njwks_url = 'https://idp/jwks'\nclient_id = 'portal'\n"
    config.write_text(GOOD + oidc, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert "oidc.authorization_endpoint, oidc.token_endpoint as well" in caught.value.render()
    whole = oidc + "authorization_endpoint = 'https://idp/authorize'\ntoken_endpoint = 'https://idp/token'\n"
    config.write_text(GOOD + whole, encoding="utf-8")
    settings = load_settings(config)
    assert settings.oidc is not None
    assert settings.oidc.portal_sign_in
    config.write_text(GOOD + whole.replace("'https://idp/token'", "'idp/token'"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"oidc.token_endpoint must be an http\(s\) URL"):
        load_settings(config)


OIDC_CLIENT = """
[oidc]
issuer = 'https://idp'
jwks_url = 'https://idp/jwks'
client_id = 'credit-hub'
authorization_endpoint = 'https://idp/authorize'
token_endpoint = 'https://idp/token'
"""


def test_officer_groups_map_to_departments_and_a_bad_one_names_its_line(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(GOOD + OIDC_CLIENT + 'officer_groups = {"privacy-officers" = "privacy-office"}\n', "utf-8")
    oidc = load_settings(config).oidc
    assert oidc is not None
    assert oidc.officer_sign_in
    assert not oidc.officer_break_glass
    assert (oidc.officer_claim, oidc.officer_id_claim, oidc.officer_name_claim) == ("groups", "sub", "name")
    assert oidc.officer_groups == {"privacy-officers": "privacy-office"}
    config.write_text(GOOD + OIDC_CLIENT + 'officer_groups = {"privacy-officers" = "Privacy Office"}\n', "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert "setting 'oidc.officer_groups'" in caught.value.message
    assert "'Privacy Office', which is not a department key" in caught.value.message
    assert caught.value.place == f"{config}:13"


def test_an_unknown_officer_key_is_refused_with_its_line(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(GOOD + OIDC_CLIENT + "officer_group = 'x'\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert caught.value.place == f"{config}:13"
    assert "officer_groups" in (caught.value.fix or "")
    assert "officer_break_glass" in (caught.value.fix or "")


def test_officer_groups_need_the_hubs_client_at_the_provider(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    oidc = "\n[oidc]\nissuer = 'https://idp'\njwks_url = 'https://idp/jwks'\nofficer_groups = {a = 'privacy-office'}\n"
    config.write_text(GOOD + oidc, "utf-8")
    with pytest.raises(ConfigError, match=r"officers sign in through oidc\.client_id"):
        load_settings(config)
