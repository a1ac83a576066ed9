"""Builds the embedded demo: seeded SQLite sources, a migrated hub database, one client per department."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub.config import SECRETS, Settings
from hub.demo.departments import DEPARTMENTS
from hub.demo.facts import SOURCES
from hub.demo.generator import samples
from hub.demo.seed import seed_sources
from hub.identity.credentials import new_client
from hub.identity.keys import KeyRing
from hub.identity.keywrap import KeyWrap
from hub.identity.secret_file import create_once
from hub.identity.tokens import TokenIssuer
from hub.store.clients import ClientRepository
from hub.store.engine import make_engine
from hub.store.keys import SigningKeyRepository
from hub.store.migrate import upgrade

DEMO_FILE = "demo.json"
SECRETS_FILE = "secrets.json"


@dataclass(frozen=True)
class Demo:
    """Where the demo lives and what a newcomer needs: settings, clients and sample codes."""

    data_dir: Path
    settings: Settings
    clients: dict[str, dict[str, str]]
    samples: dict[str, str]


def demo_settings(data_dir: Path, port: int) -> Settings:
    """Answers the embedded demo's settings (SQLite everywhere, development sign-in on)."""
    sources = {name: {"url": f"sqlite+aiosqlite:///{data_dir / 'sources' / f'{name}.db'}"} for name in SOURCES}
    secrets_of_demo = demo_secrets(data_dir)
    return Settings(
        database_url=f"sqlite+aiosqlite:///{data_dir / 'hub.db'}",
        sources=sources,
        issuer=f"http://127.0.0.1:{port}",
        dev_login=True,
        graphiql=True,
        audit_secret=secrets_of_demo["audit_secret"],
        session_secret=secrets_of_demo["session_secret"],
        audit_key_path=data_dir / "audit-key.pem",
        signing_key_wrap_path=data_dir / "signing-wrap.jwk",
        port=port,
    )


def demo_secrets(data_dir: Path) -> dict[str, str]:
    """Answers the demo's own audit and session secrets, generated once per data directory (secrets.json, 0600)."""
    path = data_dir / SECRETS_FILE
    create_once(path, json.dumps({name: secrets.token_urlsafe(32) for name in SECRETS}).encode())
    stored = json.loads(path.read_text(encoding="utf-8"))
    return {name: str(stored[name]) for name in SECRETS}


def _previous(data_dir: Path) -> dict[str, Any]:
    try:
        loaded = json.loads((data_dir / DEMO_FILE).read_text(encoding="utf-8"))
        return loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        return {}


async def build_demo(
    data_dir: Path, *, subjects: int, seed: int, port: int, progress: Callable[[int], None] | None = None
) -> Demo:
    """Answers a ready demo in `data_dir`, seeding and registering only what is not there yet."""
    data_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - one-shot CLI set-up, nothing else runs
    settings = demo_settings(data_dir, port)
    previous = _previous(data_dir)
    same_data = previous.get("subjects") == subjects and previous.get("seed") == seed
    present = await asyncio.to_thread(lambda: all((data_dir / "sources" / f"{n}.db").exists() for n in SOURCES))
    if not same_data or not present:
        (data_dir / "sources").mkdir(exist_ok=True)
        await seed_sources({n: s.url for n, s in settings.sources.items()}, subjects, seed, progress)
    await asyncio.to_thread(upgrade, settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        clients = await register_demo_clients(ClientRepository(engine), previous.get("clients", {}))
    finally:
        await engine.dispose()
    demo = Demo(data_dir, settings, clients, samples(seed, subjects))
    (data_dir / DEMO_FILE).write_text(
        json.dumps(
            {"subjects": subjects, "seed": seed, "clients": clients, "samples": demo.samples},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    return demo


async def register_demo_clients(
    repository: ClientRepository, known: dict[str, dict[str, str]]
) -> dict[str, dict[str, str]]:
    """Answers one client per demo department, reusing those in `known` that are still registered."""
    found: dict[str, dict[str, str]] = {}
    for department in DEPARTMENTS:
        previous = known.get(department.key)
        if previous and await repository.get(previous.get("client_id", "")) is not None:
            found[department.key] = previous
            continue
        client = new_client(
            name=department.name, org=department.org, department=department.key, scopes=department.scopes
        )
        await repository.register(client)
        found[department.key] = {"client_id": client.client_id, "client_secret": client.secret, "org": client.org}
    return found


async def demo_tokens(demo: Demo, departments: list[str]) -> dict[str, str]:
    """Answers fresh access tokens for some demo clients, signed as the token endpoint signs them."""
    engine = make_engine(demo.settings.database_url)
    try:
        wrap = KeyWrap.load_or_create(demo.settings.signing_key_wrap_path)
        ring = KeyRing(SigningKeyRepository(engine), demo.settings, wrap=wrap)
        key = await ring.signer()
        issuer = TokenIssuer(demo.settings)
        known = {d.key: d for d in DEPARTMENTS}
        tokens: dict[str, str] = {}
        for key_name in departments:
            client = demo.clients[key_name]
            tokens[key_name] = issuer.issue(
                key,
                subject=client["client_id"],
                client_id=client["client_id"],
                scopes=known[key_name].scopes,
                org=client["org"],
                dept=key_name,
                client_name=known[key_name].name,
            ).access_token
        return tokens
    finally:
        await engine.dispose()
