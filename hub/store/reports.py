"""Issued credit reports in the hub's own database: noted when issued, looked up by number to verify."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.clients import aware, unusable_database
from hub.store.tables import credit_reports as table
from hub.store.tables import report_keys


@dataclass(frozen=True, slots=True)
class IssuedReport:
    """One issued report: its number, the hash of its PDF, the hub's signature, edition, when and for whom."""

    number: str
    sha256: str
    signature: str
    edition: str
    issued_at: datetime
    department: str | None
    event_id: str


class ReportRepository:
    """Writes and reads the `credit_reports` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._noted: set[str] = set()  # kids this process knows are in `report_keys`

    async def note_key(self, kid: str, public_jwk: str, now: datetime) -> None:
        """Answers nothing; keeps the public half of a key that signs a report (once per key)."""
        if kid in self._noted:
            return
        try:
            async with self._engine.begin() as conn:
                known = (await conn.execute(select(report_keys.c.kid).where(report_keys.c.kid == kid))).first()
                if known is None:
                    await conn.execute(insert(report_keys).values(kid=kid, public_jwk=public_jwk, first_signed_at=now))
        except IntegrityError:
            pass  # another worker noted it first
        except SQLAlchemyError as exc:
            raise unusable_database("keep the report's signing key", exc) from None
        self._noted.add(kid)

    async def public_keys(self) -> list[str]:
        """Answers the public JWK (JSON text) of every key that signed a report, newest first."""
        try:
            async with self._engine.connect() as conn:
                rows = await conn.execute(
                    select(report_keys.c.public_jwk).order_by(report_keys.c.first_signed_at.desc())
                )
                return [str(row[0]) for row in rows]
        except SQLAlchemyError as exc:
            raise unusable_database("read the report keys", exc) from None

    async def add(self, report: IssuedReport) -> None:
        """Answers nothing; notes an issued report (its number is new: random, 80 bits)."""
        try:
            async with self._engine.begin() as conn:
                await conn.execute(insert(table).values(**asdict(report)))
        except SQLAlchemyError as exc:
            raise unusable_database("note the issued report", exc) from None

    async def find(self, number: str) -> IssuedReport | None:
        """Answers the report issued under `number`, or None."""
        try:
            async with self._engine.connect() as conn:
                found = (await conn.execute(select(table).where(table.c.number == number))).first()
        except SQLAlchemyError as exc:
            raise unusable_database("read the issued reports", exc) from None
        if found is None:
            return None
        row = found._mapping
        return IssuedReport(
            row["number"], row["sha256"], row["signature"], row["edition"], aware(row["issued_at"]),
            row["department"], row["event_id"],
        )  # fmt: skip
