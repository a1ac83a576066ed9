"""Upgrades the hub's own database to the newest Alembic revision."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from hub.config import resource_dir, resource_file


def alembic_config(url: str) -> Config:
    """Answers an Alembic configuration pointing at the shipped migrations and this database."""
    config = Config(str(resource_file("alembic.ini")))
    config.set_main_option("script_location", str(resource_dir("migrations")))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Answers nothing; brings the database at `url` to `revision` (blocking, run it off the loop)."""
    command.upgrade(alembic_config(url), revision)


def current_head() -> str | None:
    """Answers the newest revision the shipped migrations know."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
