"""Upgrades the hub's own database, and the hub-managed source of submitted records, to their newest revisions."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from hub.config import resource_dir, resource_file


def alembic_config(url: str, *, collected: bool = False) -> Config:
    """Answers an Alembic configuration pointing at the shipped migrations (the collected source's) and `url`."""
    config = Config(str(resource_file("alembic.ini")))
    location = resource_dir("migrations")
    config.set_main_option("script_location", str(location / "collected" if collected else location))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head", *, collected_url: str | None = None) -> None:
    """Answers nothing; brings the hub database at `url` to `revision`, and the collected source (in the hub's
    database unless `collected_url` names its own) to its head (blocking, run it off the loop)."""
    upgrade_hub(url, revision)
    upgrade_collected(collected_url or url)


def upgrade_hub(url: str, revision: str = "head") -> None:
    """Answers nothing; brings the hub's own tables at `url` to `revision` (not the collected source's)."""
    command.upgrade(alembic_config(url), revision)


def upgrade_collected(url: str) -> None:
    """Answers nothing; brings the hub-managed source of submitted records at `url` to its newest revision."""
    command.upgrade(alembic_config(url, collected=True), "head")


def current_head() -> str | None:
    """Answers the newest revision the shipped migrations know."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
