"""The composition root: open_hub wires the hub, opens each engine once, closes all it opened, yields a frozen Hub."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

import hub.store.engine
from hub.composition import Hub, open_hub
from hub.errors import ConfigError
from hub.services import Services
from tests.conftest import _run_apart
from tests.support.server import HubFixture


class Engines:
    """Counts the engines created and disposed, by URL, through the one function every engine is made by."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.created: Counter[str] = Counter()
        self.disposed: Counter[str] = Counter()
        create, dispose = hub.store.engine.create_async_engine, AsyncEngine.dispose

        def counting(url: str, **options: Any) -> AsyncEngine:
            self.created[url] += 1
            return create(url, **options)

        async def disposing(engine: AsyncEngine, close: bool = True) -> None:
            self.disposed[engine.url.render_as_string(hide_password=False)] += 1
            await dispose(engine, close)

        monkeypatch.setattr(hub.store.engine, "create_async_engine", counting)
        monkeypatch.setattr(AsyncEngine, "dispose", disposing)


def test_open_hub_opens_each_engine_once_and_disposes_every_one(
    hub: HubFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    engines = Engines(monkeypatch)
    settings = hub.settings
    seen: list[Hub] = []

    async def run() -> None:
        async with open_hub(settings) as opened:
            seen.append(opened)
            assert sum(engines.disposed.values()) == 0

    _run_apart(run())
    sources = {name: s.url for name, s in settings.sources.items()}
    # the hub's database: its own engine for requests (consents, rights, clients, keys, submissions alike), one
    # for the register's writer and reader (a pool apart, so receipts never queue behind requests), and one
    # read-only engine for the collected source the hub keeps in it; every other source: one engine
    assert engines.created[settings.database_url] == 3
    for url in sources.values():
        assert engines.created[url] == 1, url
    assert sum(engines.created.values()) == 3 + len(sources)
    assert engines.disposed == engines.created
    assert sorted(seen[0].services.federation.names()) == sorted([*sources, "collected"])


def test_a_hub_that_fails_to_open_closes_what_it_had_opened(hub: HubFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    engines = Engines(monkeypatch)
    broken = hub.settings.model_copy(update={"sources": {**hub.settings.sources, "tax": None}})
    broken.sources.pop("tax")

    async def run() -> None:
        async with open_hub(broken):
            pytest.fail("a source without a URL must stop the hub")

    with pytest.raises(ConfigError, match="source 'tax' has a mapping but no database URL"):
        _run_apart(run())
    assert sum(engines.created.values()) >= 2
    assert engines.disposed == engines.created


@pytest.mark.parametrize("record", [Hub, Services])
def test_the_hub_and_its_services_are_frozen_and_typed(record: type) -> None:
    params = getattr(record, "__dataclass_params__")  # noqa: B009
    assert params.frozen, f"{record.__name__} is built once and never filled in later"
    for field in dataclasses.fields(record):
        assert "Any" not in str(field.type), f"{record.__name__}.{field.name}: {field.type}"
        assert "None" not in str(field.type) or field.name in OPTIONAL_BY_CONFIGURATION, (
            f"{record.__name__}.{field.name} may be left unset: {field.type}"
        )


OPTIONAL_BY_CONFIGURATION = {"probes", "flagged", "collection"}  # absent only where the deployment has none


def test_an_opened_hub_refuses_to_be_changed(hub: HubFixture) -> None:
    async def run() -> None:
        async with open_hub(hub.settings) as opened:
            with pytest.raises(dataclasses.FrozenInstanceError):
                opened.services = opened.services  # type: ignore[misc]
            with pytest.raises(dataclasses.FrozenInstanceError):
                opened.services.audit = opened.services.audit  # type: ignore[misc]

    _run_apart(run())
