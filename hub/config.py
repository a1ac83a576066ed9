"""Settings of a deployment: `hub.toml` and `HUB_*` environment variables, read once and passed down."""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from hub.errors import ConfigError

_PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_AUDIT_SECRET = "change-me-audit-pepper"  # noqa: S105 - the library default; `serve` refuses it
PUBLISHED_SECRETS = frozenset(
    {DEFAULT_AUDIT_SECRET, "credit-hub-demo-audit-secret", "replace-this-with-a-long-random-secret"}
)
MIN_SECRET_LENGTH = 32
_DEPARTMENT_KEY = re.compile(r"^[a-z][a-z0-9-]{0,63}$")  # as policies/<department>.yaml names it
SECRETS = ("audit_secret", "session_secret")
GENERATE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"  # noqa: S105 - a command


def resource_dir(name: str) -> Path:
    """Answers where a shipped resource folder (`schema`, `policies`, `migrations`) lives."""
    in_checkout = _PACKAGE_DIR.parent / name
    if in_checkout.exists():
        return in_checkout
    return _PACKAGE_DIR / "_data" / name


def resource_file(name: str) -> Path:
    """Answers where a shipped top-level file (`alembic.ini`) lives."""
    in_checkout = _PACKAGE_DIR.parent / name
    if in_checkout.exists():
        return in_checkout
    return _PACKAGE_DIR / "_data" / name


def database_url(value: str) -> str:
    """Answers a database URL the hub can open, or raises ValueError saying what is wrong with it."""
    if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise ValueError("use sqlite+aiosqlite:///<file> or postgresql+asyncpg://<user>@<host>/<db>")
    try:
        urlsplit(value).port  # noqa: B018 - parsing the port is the check
    except ValueError:
        raise ValueError("the port after the host is not a number from 1 to 65535") from None
    return value


def source_url(value: str) -> str:
    """Answers a source's URL: a database the hub can open, or another hub's http(s) base URL."""
    if value.startswith(("http://", "https://")):
        return value.rstrip("/")
    return database_url(value)


class SourceSettings(BaseModel):
    """Where one source is (a database, or another hub with this hub's client there) and how long to wait for it."""

    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, AfterValidator(source_url)]
    timeout_ms: int | None = Field(default=None, ge=10, le=60_000)
    pool_size: int = Field(default=5, ge=1, le=100)
    client_id: str | None = None  # a hub source: this hub's client at the other hub
    client_secret: str | None = None


class TrustedHubSettings(BaseModel):
    """Another hub whose callers this hub serves: who signs for it, as which client, for whom and what."""

    model_config = ConfigDict(extra="forbid")

    issuer: str = Field(pattern=r"^https?://\S+$")
    jwks_url: str = Field(pattern=r"^https?://\S+$")
    client_id: str = Field(min_length=1)
    departments: list[str] = Field(min_length=1)
    record_types: list[str] = Field(min_length=1)


class OidcSettings(BaseModel):
    """The external OpenID Connect provider through which citizens and enterprises sign in."""

    model_config = ConfigDict(extra="forbid")

    issuer: str
    jwks_url: str
    audience: str | None = None
    subject_claim: str = "sub"
    # The portal's sign-in through the provider (authorization code with PKCE): all three, or none.
    client_id: str | None = None
    client_secret: str | None = None
    authorization_endpoint: str | None = None
    token_endpoint: str | None = None
    redirect_url: str | None = None  # the portal's public /portal/oidc/callback; default: from the request
    # Officers sign in to the console through the same provider and client: the claim listing the person's groups,
    # which group makes them an officer of which department, and the claims naming them in the register.
    officer_claim: str = Field(default="groups", min_length=1, max_length=64)
    officer_groups: dict[str, str] = Field(default_factory=dict)
    officer_id_claim: str = Field(default="sub", min_length=1, max_length=64)
    officer_name_claim: str = Field(default="name", min_length=1, max_length=64)
    console_redirect_url: str | None = None  # the console's public /console/oidc/callback; default: from the request
    # RP-initiated logout: signing out of the portal or console also ends the person's session at the provider
    end_session_endpoint: str | None = None
    post_logout_redirect_url: str | None = None  # where the provider sends them back; default: the page they left
    officer_break_glass: bool = False  # also offer the client-secret sign-in (an emergency while the provider is down)

    @field_validator("officer_groups")
    @classmethod
    def _officer_departments(cls, value: dict[str, str]) -> dict[str, str]:
        for group, department in value.items():
            if not group.strip() or len(group) > 200:
                raise ValueError("a group name is empty or longer than 200 characters")
            if not _DEPARTMENT_KEY.fullmatch(department):
                raise ValueError(f"group '{group[:60]}' maps to '{department[:60]}', which is not a department key "
                                 "(lower-case letters, digits and '-', e.g. \"privacy-office\")")  # fmt: skip
        return value

    @model_validator(mode="after")
    def _sign_in_whole(self) -> OidcSettings:
        named = {"client_id": self.client_id, "authorization_endpoint": self.authorization_endpoint,
                 "token_endpoint": self.token_endpoint}  # fmt: skip
        missing = [name for name, value in named.items() if not value]
        if 0 < len(missing) < len(named):
            raise ValueError(f"the portal's sign-in needs oidc.{', oidc.'.join(missing)} as well (or none of them)")
        if self.officer_groups and not self.portal_sign_in:
            raise ValueError("officers sign in through oidc.client_id, oidc.authorization_endpoint and "
                             "oidc.token_endpoint: set them too, or remove oidc.officer_groups")  # fmt: skip
        for name in ("authorization_endpoint", "token_endpoint", "redirect_url", "console_redirect_url"):
            value = getattr(self, name)
            if value and not value.startswith(("https://", "http://")):
                raise ValueError(f"oidc.{name} must be an http(s) URL")
        return self

    @property
    def portal_sign_in(self) -> bool:
        """Answers whether the portal sends people to the provider to sign in (client and endpoints set)."""
        return bool(self.client_id and self.authorization_endpoint and self.token_endpoint)

    @property
    def officer_sign_in(self) -> bool:
        """Answers whether officers sign in to the console through the provider (its client and a group mapped)."""
        return self.portal_sign_in and bool(self.officer_groups)


class AnomalySettings(BaseModel):
    """The thresholds of the register's anomaly rules (`auditAnomalies`, the console); defaults suit a mid-sized hub."""

    model_config = ConfigDict(extra="forbid")

    bulk_factor: float = Field(default=5.0, gt=1)
    bulk_min_history: int = Field(default=3, ge=1)
    bulk_event_ceiling: int = Field(default=500, ge=1)
    bulk_subject_ceiling: int = Field(default=1000, ge=1)
    office_opens: time = time(7, 0)
    office_closes: time = time(22, 0)
    weekends_out_of_hours: bool = True
    local_zone: str = "Asia/Shanghai"
    denials: int = Field(default=5, ge=2)
    denial_window_minutes: float = Field(default=10.0, gt=0, le=1440)
    subject_orgs: int = Field(default=5, ge=2)
    subject_window_hours: float = Field(default=24.0, gt=0, le=744)

    @field_validator("local_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone; use an IANA name such as Asia/Shanghai") from None
        return value

    @model_validator(mode="after")
    def _office_day(self) -> AnomalySettings:
        if self.office_opens >= self.office_closes:
            raise ValueError("office_opens must come before office_closes (e.g. 07:00 and 22:00)")
        return self


class Settings(BaseSettings):
    """Everything a running hub needs to know; env vars (HUB_*, `__` for nesting) beat hub.toml."""

    model_config = SettingsConfigDict(
        env_prefix="HUB_",
        env_nested_delimiter="__",
        extra="forbid",
        toml_file=None,
    )

    database_url: str = "sqlite+aiosqlite:///./credit-hub.db"
    audit_database_url: str | None = None
    database_pool_size: int = Field(default=5, ge=1, le=100)
    sources: dict[str, SourceSettings] = Field(default_factory=dict)
    catalog_path: Path = Field(default_factory=lambda: resource_dir("schema") / "catalog.yaml")
    sources_dir: Path = Field(default_factory=lambda: resource_dir("schema") / "sources")
    policies_dir: Path = Field(default_factory=lambda: resource_dir("policies"))
    calendar_dir: Path | None = None  # <year>.yaml files of the official holidays, ahead of chinese-calendar
    issuer: str = "http://127.0.0.1:8000"
    audience: str = "credit-hub"
    token_ttl_seconds: int = Field(default=900, ge=60, le=3600)
    signing_key_days: int = Field(default=30, ge=1)
    signing_key_wrap_path: Path = Path("credit-hub-signing-wrap.jwk")
    audit_secret: str = Field(default=DEFAULT_AUDIT_SECRET, min_length=16)
    session_secret: str = ""
    audit_key_path: Path = Path("credit-hub-audit-key.pem")
    audit_retention_years: int = Field(default=3, ge=3)
    audit_checkpoint_events: int = Field(default=1000, ge=1)
    audit_checkpoint_seconds: float = Field(default=60.0, gt=0)
    audit_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    audit_max_wait_ms: float = Field(default=2.0, ge=0, le=1000)
    audit_witness_dir: Path | None = None
    audit_probe_seconds: float = Field(default=5.0, gt=0, le=300)
    audit_anomalies: AnomalySettings = Field(default_factory=AnomalySettings)
    feedback_alarm_hours: float = Field(default=72.0, gt=0, le=8760)
    # per client, look-ups of natural persons refused or not found: RATE_LIMITED past one, suspended past the other
    probe_limit: int = Field(default=30, ge=1)
    probe_window_seconds: float = Field(default=60.0, gt=0)
    probe_suspend_after: int = Field(default=300, ge=1)
    probe_suspend_window_seconds: float = Field(default=3600.0, gt=0)
    source_timeout_ms: int = Field(default=1000, ge=10, le=60_000)
    breaker_failures: int = Field(default=5, ge=1)
    breaker_reset_seconds: float = Field(default=10.0, gt=0)
    max_body_bytes: int = Field(default=65_536, ge=1024, le=16_777_216)
    max_submission_bytes: int = Field(default=67_108_864, ge=1024, le=1_073_741_824)  # POST /records/<type> files
    auth_failure_limit: int = Field(default=10, ge=1, le=10_000)
    auth_failure_window_seconds: float = Field(default=60.0, gt=0, le=3600)
    graphiql: bool = False
    compiled_documents: bool = True  # approved trusted documents run compiled (hub.graphql.compiled)
    receipt_before_fetch: bool = True  # a compiled document's receipt commits while its sources answer
    dev_login: bool = False
    oidc: OidcSettings | None = None
    trusted_hubs: dict[str, TrustedHubSettings] = Field(default_factory=dict)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    otel_traces: bool = False
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "text"] = "json"

    @field_validator("database_url", "audit_database_url")
    @classmethod
    def _supported_driver(cls, value: str | None) -> str | None:
        return None if value is None else database_url(value)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = os.environ.get("HUB_CONFIG_FILE")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(toml_path)))
        return tuple(sources)

    @property
    def audit_url(self) -> str:
        """Answers which database holds the audit log (the hub's own unless configured apart)."""
        return self.audit_database_url or self.database_url


def _known_keys(loc: tuple[int | str, ...]) -> list[str]:
    """Answers the keys allowed beside the last one of `loc`."""
    nested: dict[str, type[BaseModel]] = {"audit_anomalies": AnomalySettings, "oidc": OidcSettings}
    if len(loc) == 1:
        return sorted(Settings.model_fields)
    if loc[0] == "sources" and len(loc) == 3:
        return sorted(SourceSettings.model_fields)
    if loc[0] == "trusted_hubs" and len(loc) == 3:
        return sorted(TrustedHubSettings.model_fields)
    model = nested.get(str(loc[0]))
    return sorted(model.model_fields) if model is not None and len(loc) == 2 else []


def _fix(key: str, kind: str, loc: tuple[int | str, ...], where: str, variable: str) -> str:
    if kind == "extra_forbidden":
        known = _known_keys(loc)
        return f"remove or rename '{key}' in {where}" + (f"; the keys here are: {', '.join(known)}" if known else "")
    return f"correct '{key}' in {where} or its {variable} variable"


def toml_line(path: Path, loc: tuple[int | str, ...]) -> int | None:
    """Answers the line of hub.toml where the key at `loc` is written (or its table, for a missing key)."""
    table: tuple[str, ...] = ()
    found: int | None = None
    keys = tuple(str(part) for part in loc)
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.split("#", 1)[0].strip()
        if text.startswith("[") and text.endswith("]"):
            table = tuple(part.strip().strip('"') for part in text.strip("[]").split("."))
            if table == keys[: len(table)] and found is None and len(table) == len(keys) - 1:
                found = number
            continue
        name = text.split("=", 1)[0].strip().strip('"')
        if "=" in text and table + tuple(name.split(".")) == keys[: len(table) + len(name.split("."))]:
            return number
    return found


def _secret_problem(value: str) -> str | None:
    if not value:
        return "is not set"
    if value in PUBLISHED_SECRETS:
        return "is a published default"
    if len(value) < MIN_SECRET_LENGTH:
        return f"has {len(value)} characters; at least {MIN_SECRET_LENGTH} are needed"
    if len(set(value)) < 10:
        return "repeats too few characters to be random"
    return None


def check_secrets(settings: Settings, place: str) -> None:
    """Answers nothing; raises ConfigError naming the setting when a secret is missing, published, short or shared.

    `audit_secret` keys the register's subject index; `session_secret` keys the portal's and the console's
    cookies: a default or guessable one lets anyone decrypt and forge a session cookie.
    """
    for name in SECRETS:
        problem = _secret_problem(getattr(settings, name))
        if problem is not None:
            raise ConfigError(
                f"setting '{name}' {problem}",
                place=place,
                fix=f"generate one with {GENERATE_SECRET} and set HUB_{name.upper()} (or {name} in hub.toml)",
            )
    if settings.session_secret == settings.audit_secret:
        raise ConfigError(
            "session_secret is the same as audit_secret",
            place=place,
            fix=f"give the cookies a key of their own: generate one with {GENERATE_SECRET}",
        )


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Answers the settings of this deployment, or raises ConfigError naming the bad key and the fix."""
    previous = os.environ.get("HUB_CONFIG_FILE")
    try:
        if config_file is not None:
            if not config_file.is_file():
                raise ConfigError(
                    "configuration file not found",
                    place=str(config_file),
                    fix="pass --config <path to hub.toml>",
                )
            os.environ["HUB_CONFIG_FILE"] = str(config_file)
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        variable = f"HUB_{key.upper().replace('.', '__')}"
        line = toml_line(config_file, first["loc"]) if config_file and variable not in os.environ else None
        if variable in os.environ:
            where = f"environment variable {variable}"
        else:
            where = f"{config_file}:{line}" if line else (str(config_file) if config_file else "environment")
        raise ConfigError(
            f"setting '{key}': {first['msg']}",
            place=where,
            fix=_fix(key, first["type"], first["loc"], where, variable),
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read configuration: {exc}", place=str(config_file)) from None
    finally:
        if config_file is not None:
            if previous is None:
                os.environ.pop("HUB_CONFIG_FILE", None)
            else:
                os.environ["HUB_CONFIG_FILE"] = previous
