"""OAuth clients in the hub's own database: register, look up, list; disable, suspend, enable, delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import RowMapping, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.errors import ErrorCode, HubError
from hub.identity.credentials import NewClient
from hub.store.engine import read_lookups
from hub.store.mirror import Mirror, announce
from hub.store.tables import clients

CLIENTS_CHANNEL = "credit_hub_clients"


class ClientStatus(StrEnum):
    """Whether a client may be used: its tokens and its secret work only while it is active."""

    ACTIVE = "active"
    DISABLED = "disabled"  # by the operator (`credit-hub client disable`)
    SUSPENDED = "suspended"  # by the hub, for review (too many refused look-ups of natural persons)


@dataclass(frozen=True, slots=True)
class ClientRow:
    """One registered client as stored; `secret_hash` never leaves the hub."""

    client_id: str
    name: str
    org: str
    department: str
    scopes: tuple[str, ...]
    secret_hash: str
    created_at: datetime
    disabled: bool = False
    status: ClientStatus = ClientStatus.ACTIVE
    status_reason: str | None = None
    status_changed_at: datetime | None = None


def aware(value: datetime) -> datetime:
    """Answers `value` as a UTC-aware datetime (SQLite hands back naive ones)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# Driver errors that mean "no such database or no entry", not "no such table".
_UNREACHABLE_NAMES = frozenset(
    {"InvalidCatalogNameError", "InvalidPasswordError", "InvalidAuthorizationSpecificationError"}
)


def _causes(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [current.__cause__, current.__context__, getattr(current, "orig", None)]
    return seen


def unreachable_cause(error: BaseException) -> str | None:
    """Answers the name of what kept the database out of reach (refused, unknown host, no database), if that was it."""
    for cause in _causes(error):
        if isinstance(cause, OSError | TimeoutError) or type(cause).__name__ in _UNREACHABLE_NAMES:
            return type(cause).__name__
        if "unable to open database file" in str(cause):
            return "unable to open the database file"
    return None


def unusable_database(action: str, error: BaseException | None = None) -> HubError:
    """Answers the operator-facing error for a database that cannot serve `action`: unreachable or not migrated."""
    cause = unreachable_cause(error) if error is not None else None
    if cause is not None:
        return HubError(
            ErrorCode.BAD_USER_INPUT,
            f"cannot {action}: the hub database cannot be reached ({cause})",
            fix="start the database, or correct host, port and database name in --database-url / HUB_DATABASE_URL",
        )
    return HubError(
        ErrorCode.BAD_USER_INPUT,
        f"cannot {action} in the hub database: its tables are missing or unreadable",
        fix="run `credit-hub migrate` with the same --database-url / HUB_DATABASE_URL",
    )


def _row(record: RowMapping) -> ClientRow:
    return ClientRow(
        client_id=record["client_id"],
        name=record["name"],
        org=record["org"],
        department=record["department"],
        scopes=tuple(str(record["scopes"]).split()),
        secret_hash=record["secret_hash"],
        created_at=aware(record["created_at"]),
        disabled=bool(record["disabled"]),
        status=ClientStatus(record["status"]),
        status_reason=record["status_reason"],
        status_changed_at=aware(record["status_changed_at"]) if record["status_changed_at"] else None,
    )


class ClientRepository:
    """Reads and writes the `clients` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(
        self,
        *,
        client_id: str,
        name: str,
        org: str,
        department: str,
        scopes: Sequence[str],
        secret_hash: str,
        created_at: datetime,
    ) -> None:
        """Answers nothing; stores a new client (raises HubError when the database cannot take it)."""
        values = {
            "client_id": client_id,
            "name": name,
            "org": org,
            "department": department,
            "scopes": " ".join(scopes),
            "secret_hash": secret_hash,
            "created_at": created_at,
            "disabled": False,
        }
        try:
            async with self._engine.begin() as conn:
                await conn.execute(insert(clients).values(**values))
                await announce(conn, CLIENTS_CHANNEL)
        except IntegrityError:
            raise HubError(ErrorCode.BAD_USER_INPUT, "a client with this id already exists") from None
        except (SQLAlchemyError, OSError) as exc:
            raise unusable_database("register the client", exc) from None

    async def register(self, client: NewClient) -> None:
        """Answers nothing; stores a registration made by `new_client` (its secret only as the hash)."""
        await self.add(
            client_id=client.client_id,
            name=client.name,
            org=client.org,
            department=client.department,
            scopes=client.scopes,
            secret_hash=client.secret_hash,
            created_at=client.created_at,
        )

    async def get(self, client_id: str) -> ClientRow | None:
        """Answers the client registered under `client_id`, or None."""
        async with self._engine.connect() as conn:
            result = await conn.execute(select(clients).where(clients.c.client_id == client_id))
            record = result.mappings().first()
        return _row(record) if record is not None else None

    async def list_all(self) -> list[ClientRow]:
        """Answers every registered client, oldest first."""
        try:
            async with self._engine.connect() as conn:
                result = await conn.execute(select(clients).order_by(clients.c.created_at, clients.c.client_id))
                return [_row(record) for record in result.mappings()]
        except (SQLAlchemyError, OSError) as exc:
            raise unusable_database("list clients", exc) from None


async def _active_clients(conn: AsyncConnection) -> frozenset[str]:
    result = await conn.execute(select(clients.c.client_id).where(clients.c.status == ClientStatus.ACTIVE.value))
    return frozenset(result.scalars())


class ClientStatuses:
    """Which clients are active, asked on every request, and changes to it that every worker hears of at once.

    On PostgreSQL, once started, `is_active` answers from a mirror of the active client ids
    (hub.store.mirror) that every change announces on `credit_hub_clients`; otherwise it asks the table.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._lookups = read_lookups(engine)
        self.mirror: Mirror[frozenset[str]] = Mirror(engine, CLIENTS_CHANNEL, _active_clients)

    async def start(self) -> None:
        """Answers nothing; starts mirroring (PostgreSQL only)."""
        await self.mirror.start()

    async def stop(self) -> None:
        """Answers nothing; stops mirroring."""
        await self.mirror.stop()

    async def is_active(self, client_id: str) -> bool:
        """Answers whether the client exists and is active (from the mirror, else one primary-key lookup).

        A client the mirror does not hold as active is asked of the table: it may have been registered
        a moment ago, before the notification of its registration reached this worker.
        """
        mirrored = self.mirror.current
        if mirrored is not None and client_id in mirrored:
            return True
        async with self._lookups.connect() as conn:
            result = await conn.execute(select(clients.c.status).where(clients.c.client_id == client_id))
            return result.scalar() == ClientStatus.ACTIVE.value

    async def change(
        self, client_id: str, status: ClientStatus, reason: str | None, now: datetime, *, only_if_active: bool = False
    ) -> bool:
        """Answers whether the client was found (and, with `only_if_active`, active) and now has `status`."""
        where = [clients.c.client_id == client_id]
        if only_if_active:
            where.append(clients.c.status == ClientStatus.ACTIVE.value)
        values = {
            "status": status.value,
            "disabled": status is not ClientStatus.ACTIVE,
            "status_reason": reason,
            "status_changed_at": now,
        }
        return await self._write(update(clients).where(*where).values(**values), "change the client's status")

    async def delete(self, client_id: str) -> bool:
        """Answers whether the client was found and deleted; its tokens are refused from now on."""
        return await self._write(delete(clients).where(clients.c.client_id == client_id), "delete the client")

    async def _write(self, statement: object, action: str) -> bool:
        async with self.mirror.changing():
            try:
                async with self._engine.begin() as conn:
                    result = await conn.execute(statement)  # type: ignore[call-overload]
                    await announce(conn, CLIENTS_CHANNEL)
                    return bool(result.rowcount == 1)
            except (SQLAlchemyError, OSError) as exc:
                raise unusable_database(action, exc) from None
