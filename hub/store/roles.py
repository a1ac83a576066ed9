"""The PostgreSQL login role a serving hub uses: append-only on the register, ordinary rights elsewhere."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.errors import ConfigError
from hub.store.clients import unusable_database

APP_GROUP = "credit_hub_app"  # created by migration 0002: SELECT and INSERT on the audit tables only
AUDIT_TABLES = ("audit_events", "audit_subjects", "audit_checkpoints", "audit_guard")
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _grants(login: str) -> list[str]:
    audit = ", ".join(f"'{table}'" for table in AUDIT_TABLES)
    return [
        f"GRANT {APP_GROUP} TO {login}",
        f"GRANT CONNECT ON DATABASE {{database}} TO {login}",
        f"GRANT USAGE ON SCHEMA public TO {login}",
        # every table the migrations made, except the register's, which only the group may touch
        f"""DO $$ DECLARE t text; BEGIN
            FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public'
                     AND tablename NOT IN ({audit}, 'alembic_version') LOOP
                EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO {login}', t);
            END LOOP; END $$""",  # noqa: S608 - names: the audit tables and a login checked by _NAME
        f"GRANT SELECT ON alembic_version TO {login}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {login}",
    ]


async def create_login_role(engine: AsyncEngine, login: str, password: str) -> bool:
    """Answers whether the login role was created (False: it existed and its rights were brought up to date).

    Run it as the database owner after every `credit-hub migrate`: tables that later migrations add
    get their rights the same way. The login never owns a table, so the register's triggers and the
    missing DELETE right both hold against it.
    """
    if not _NAME.fullmatch(login) or login == APP_GROUP:
        raise ConfigError(
            f"'{login}' cannot name the hub's login role",
            place="--name",
            fix="use lower-case letters, digits and _ (up to 63), not credit_hub_app itself",
        )
    try:
        async with engine.begin() as conn:
            group = await conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_GROUP})
            if group is None:
                raise ConfigError(
                    f"the role {APP_GROUP} does not exist",
                    place="the hub database",
                    fix="run `credit-hub migrate` as a role with CREATEROLE first",
                )
            exists = await conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login})
            quoted = password.replace("'", "''")
            verb = "ALTER" if exists else "CREATE"
            await conn.execute(text(f"{verb} ROLE {login} LOGIN INHERIT PASSWORD '{quoted}'"))
            database = await conn.scalar(text("SELECT current_database()"))
            for statement in _grants(login):
                await conn.execute(text(statement.replace("{database}", f'"{database}"')))
    except SQLAlchemyError as exc:
        raise unusable_database("create the hub's login role", exc) from None
    return not exists
