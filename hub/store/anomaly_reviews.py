"""Privacy officers' reviews of anomalies: who found what, when, with which note (kept, never changed)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.tables import anomaly_reviews

_R = anomaly_reviews.c


@dataclass(frozen=True, slots=True)
class AnomalyReview:
    """One officer's review of one anomaly."""

    anomaly_id: str
    rule: str
    note: str
    reviewer: str
    reviewed_at: datetime
    request_id: str
    client_id: str | None = None
    department: str | None = None


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)  # SQLite: naive UTC


class AnomalyReviewRepository:
    """Stores reviews and answers the newest review of each anomaly, in the hub's own database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, review: AnomalyReview, submission: str) -> AnomalyReview:
        """Answers the review stored for this form's `submission`: this one, or the first if it was sent before."""
        insert = sqlite_insert if self.engine.dialect.name == "sqlite" else pg_insert
        row = {"id": str(uuid.uuid4()), "anomaly_id": review.anomaly_id, "rule": review.rule, "note": review.note,
               "reviewer": review.reviewer, "client_id": review.client_id, "department": review.department,
               "request_id": review.request_id, "submission": submission,
               "reviewed_at": review.reviewed_at}  # fmt: skip
        once = insert(anomaly_reviews).values(row).on_conflict_do_nothing(index_elements=["submission"])
        async with self.engine.begin() as conn:
            await conn.execute(once)
            stored = (await conn.execute(select(anomaly_reviews).where(_R.submission == submission))).mappings().one()
        return _review(dict(stored))

    async def latest(self, anomaly_ids: Collection[str]) -> dict[str, AnomalyReview]:
        """Answers the newest review of each anomaly named that has one."""
        if not anomaly_ids:
            return {}
        stmt = select(anomaly_reviews).where(_R.anomaly_id.in_(list(anomaly_ids))).order_by(_R.reviewed_at)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        return {row["anomaly_id"]: _review(dict(row)) for row in rows}  # the newest one wins


def _review(row: dict[str, object]) -> AnomalyReview:
    return AnomalyReview(
        anomaly_id=str(row["anomaly_id"]), rule=str(row["rule"]), note=str(row["note"]),
        reviewer=str(row["reviewer"]), reviewed_at=_utc(row["reviewed_at"]),  # type: ignore[arg-type]
        request_id=str(row["request_id"]), client_id=row["client_id"],  # type: ignore[arg-type]
        department=row["department"],  # type: ignore[arg-type]
    )  # fmt: skip
