"""The federation demo: a provincial hub over two municipal hubs, each with its own databases, keys and register.

The province reads the tax and court databases itself and asks the Taiyuan and Datong hubs for what they hold
(mappings of kind `hub`); each city serves the province's callers through token exchange, under its own
policies and its policy for the provincial hub (`provincial-hub`).
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stdnum.cn import uscc

from hub.config import Settings, resource_dir
from hub.demo.departments import DEPARTMENTS
from hub.demo.facts import SOURCES
from hub.demo.generator import samples
from hub.demo.seed import seed_sources
from hub.demo.setup import DEMO_FILE, demo_secrets, register_demo_clients
from hub.identity.credentials import new_client
from hub.identity.federation import SELF_ACCESS_DEPARTMENT
from hub.store.clients import ClientRepository
from hub.store.engine import make_engine
from hub.store.migrate import upgrade

PROVINCE = "province"
CITIES = ("taiyuan", "datong")
PROVINCIAL_HUB = "provincial-hub"  # the department of the province's client at each city
PROVINCE_ORG = "11140000MB1A00990" + uscc.calc_check_digit("11140000MB1A00990")
PROVINCE_SOURCES = ("tax", "court")
CONFIG_FILE = "hub.toml"

CITY_TITLES = {"taiyuan": "太原市公共信用信息平台（市级 Credit Hub）", "datong": "大同市信用平台（市级 Credit Hub）"}
CITY_RECORD_TYPES = {
    "taiyuan": ["registration", "representation", "licence", "penalty", "listing", "commitment"],
    "datong": ["registration", "representation", "licence", "penalty", "listing", "report"],
}


def provincial_hub_policy(*, consent_for_persons: bool = False) -> str:
    """Answers a city's policy for the provincial hub: what it passes on to the province's callers, at most."""
    consent = "required" if consent_for_persons else "not_required"
    return f"""# A city's policy for the provincial hub: the most it passes on to any caller of the province; each
# caller is also held to its own department's policy here (hub.policy.federated). Format: policies/README.md.
department: {PROVINCIAL_HUB}
title: 山西省公共信用信息平台（省级 Credit Hub）
kind: government
purposes: [ADMINISTRATIVE_APPROVAL, SUPERVISION, LAW_ENFORCEMENT]
scopes: [subject:read, subject:bulk, check:read]
operator_required: false
max_sharing: shared
max_sharing_masked: restricted
consent:
  natural_persons: {consent}
row_scope:
  divisions: []
  own_records_only: false
limits: {{subjects_per_request: 1000, depth: 8, aliases: 20, cost: 100000}}
rules:
  registration:
    default: allow
    fields:
      legal_representative.id_number: mask
      phone: deny                   # the city keeps contact numbers to itself
  licence: allow
  penalty: allow
  listing: allow
  representation: allow
  court_dishonesty: allow
  tax_credit: allow
  commitment: allow
  report: deny
"""


@dataclass(frozen=True)
class FederatedHub:
    """One hub of the federation: its name, port, settings and folder (with its hub.toml)."""

    name: str
    port: int
    settings: Settings
    folder: Path
    clients: dict[str, dict[str, str]]

    @property
    def base_url(self) -> str:
        """Answers where the hub answers."""
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class FederationDemo:
    """The three hubs, the province first, and the demo's sample codes."""

    data_dir: Path
    province: FederatedHub
    cities: dict[str, FederatedHub]
    samples: dict[str, str]

    @property
    def hubs(self) -> list[FederatedHub]:
        """Answers every hub, the province first."""
        return [self.province, *self.cities.values()]


def _sqlite(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _hub_settings(folder: Path, port: int, database_url: str | None, **extra: Any) -> Settings:
    secrets_of_hub = demo_secrets(folder)
    return Settings(
        database_url=database_url or _sqlite(folder / "hub.db"),
        issuer=f"http://127.0.0.1:{port}",
        dev_login=True,
        graphiql=True,
        audit_secret=secrets_of_hub["audit_secret"],
        session_secret=secrets_of_hub["session_secret"],
        audit_key_path=folder / "audit-key.pem",
        signing_key_wrap_path=folder / "signing-wrap.jwk",
        port=port,
        **extra,
    )


async def _registered(settings: Settings, known: Mapping[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    await asyncio.to_thread(upgrade, settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        return await register_demo_clients(ClientRepository(engine), dict(known))
    finally:
        await engine.dispose()


async def _province_client(settings: Settings, known: dict[str, str] | None) -> dict[str, str]:
    """Answers the province's client at a city (department `provincial-hub`), registered once."""
    engine = make_engine(settings.database_url)
    try:
        repository = ClientRepository(engine)
        if known and await repository.get(known.get("client_id", "")) is not None:
            return known
        client = new_client(
            name="山西省公共信用信息平台", org=PROVINCE_ORG, department=PROVINCIAL_HUB,
            scopes=("subject:read", "subject:bulk", "check:read"),
        )  # fmt: skip
        await repository.register(client)
        return {"client_id": client.client_id, "client_secret": client.secret, "org": client.org}
    finally:
        await engine.dispose()


def _policies(folder: Path, consent_for_persons: bool) -> Path:
    target = folder / "policies"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(resource_dir("policies"), target)
    (target / f"{PROVINCIAL_HUB}.yaml").write_text(
        provincial_hub_policy(consent_for_persons=consent_for_persons), encoding="utf-8"
    )
    return target


def _mappings(folder: Path, own: list[str], hubs: Mapping[str, str], timeout_ms: int = 2000) -> Path:
    target = folder / "sources"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in own:
        shutil.copy(resource_dir("schema") / "sources" / f"{name}.yaml", target / f"{name}.yaml")
    for name, url in hubs.items():
        lines = [
            f"# The {name} municipal hub, asked as the original caller (docs/sources.md, 'A hub as a source').",
            f"name: {name}",
            "kind: hub",
            f"title: {CITY_TITLES[name]}",
            f"url: {url}",
            f"timeout_ms: {timeout_ms}",
            f"record_types: [{', '.join(CITY_RECORD_TYPES[name])}]",
        ]
        (target / f"{name}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


async def build_federation(
    data_dir: Path, *, subjects: int, seed: int, port: int, consent_for_persons: bool = False,
    province_database_url: str | None = None, progress: Callable[[int], None] | None = None,
    city_timeout_ms: int = 2000,
) -> FederationDemo:  # fmt: skip
    """Answers a ready federation in `data_dir`: seeded sources, three migrated hubs with clients, trust, hub.toml."""
    data_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - one-shot CLI set-up, nothing else runs
    previous = _previous(data_dir)
    sources: dict[str, str] = {name: _sqlite(data_dir / "sources" / f"{name}.db") for name in SOURCES}
    present = await asyncio.to_thread(lambda: all((data_dir / "sources" / f"{n}.db").exists() for n in SOURCES))
    if previous.get("subjects") != subjects or previous.get("seed") != seed or not present:
        (data_dir / "sources").mkdir(exist_ok=True)
        await seed_sources(sources, subjects, seed, progress)
    ports = {PROVINCE: port, **{city: port + 1 + index for index, city in enumerate(CITIES)}}
    province_folder = data_dir / PROVINCE
    province_issuer = f"http://127.0.0.1:{port}"
    # the departments' callers, and citizens and enterprises signed in at the province reading their own records
    departments = sorted({d.key for d in DEPARTMENTS} - {"privacy-office"} | {SELF_ACCESS_DEPARTMENT})
    cities: dict[str, FederatedHub] = {}
    links: dict[str, dict[str, str]] = {}
    for city in CITIES:
        folder = data_dir / city
        folder.mkdir(exist_ok=True)
        base = _hub_settings(folder, ports[city], None)
        clients = await _registered(base, previous.get("cities", {}).get(city, {}))
        link = links[city] = await _province_client(base, previous.get("links", {}).get(city))
        trusted = {
            PROVINCE: {
                "issuer": province_issuer, "jwks_url": f"{province_issuer}/.well-known/jwks.json",
                "client_id": link["client_id"], "departments": departments, "record_types": CITY_RECORD_TYPES[city],
            }
        }  # fmt: skip
        settings = base.model_copy(
            update={
                "sources": Settings(sources={city: {"url": sources[city]}}).sources,
                "sources_dir": _mappings(folder, [city], {}),
                "policies_dir": _policies(folder, consent_for_persons),
                "trusted_hubs": Settings(trusted_hubs=trusted).trusted_hubs,
            }
        )
        cities[city] = FederatedHub(city, ports[city], settings, folder, clients)
    province_folder.mkdir(exist_ok=True)
    base = _hub_settings(province_folder, port, province_database_url)
    clients = await _registered(base, previous.get("clients", {}))
    hub_sources = {
        city: {"url": cities[city].base_url, "client_id": links[city]["client_id"],
               "client_secret": links[city]["client_secret"]}
        for city in CITIES
    }  # fmt: skip
    province_sources = {name: {"url": sources[name]} for name in PROVINCE_SOURCES}
    settings = base.model_copy(
        update={
            "sources": Settings(sources={**province_sources, **hub_sources}).sources,
            "sources_dir": _mappings(
                province_folder,
                list(PROVINCE_SOURCES),
                {city: cities[city].base_url for city in CITIES},
                city_timeout_ms,
            ),
        }
    )
    province = FederatedHub(PROVINCE, port, settings, province_folder, clients)
    demo = FederationDemo(data_dir, province, cities, samples(seed, subjects))
    for hub in demo.hubs:
        (hub.folder / CONFIG_FILE).write_text(settings_toml(hub.settings), encoding="utf-8")
    document = {
        "subjects": subjects, "seed": seed, "clients": clients, "samples": demo.samples,
        "hubs": {hub.name: hub.base_url for hub in demo.hubs},
        "cities": {city: hub.clients for city, hub in cities.items()}, "links": links,
    }  # fmt: skip
    (data_dir / DEMO_FILE).write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return demo


def _previous(data_dir: Path) -> dict[str, Any]:
    try:
        loaded = json.loads((data_dir / DEMO_FILE).read_text(encoding="utf-8"))
        return loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        return {}


def settings_toml(settings: Settings) -> str:
    """Answers a hub.toml holding `settings` (the keys that differ from the defaults)."""
    data = settings.model_dump(mode="json", exclude_defaults=True)
    return _toml(data, ())


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _toml(data: Mapping[str, Any], table: tuple[str, ...]) -> str:
    lines = [f"[{'.'.join(table)}]"] if table else []
    nested = {key: value for key, value in data.items() if isinstance(value, dict)}
    lines += [f"{key} = {_value(value)}" for key, value in data.items() if key not in nested and value is not None]
    text = "\n".join(lines) + "\n" if lines else ""
    for key, value in nested.items():
        text += "\n" + _toml(value, (*table, key))
    return text
