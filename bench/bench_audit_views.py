"""The register's views on a large register: each view's own statement, its plan and time, with the head
revision's indexes and with those of revision 0013 (the same database, migrated down).

    python bench/bench_audit_views.py [--pg-url postgresql+asyncpg://postgres@127.0.0.1:5432] [--events 400000]

On a scratch database (dropped afterwards) it seeds `--events` events, 6 s apart, over 8 departments, 40
organisations and clients, 300 operators and 50,000 subjects, one in a hundred naming a concealing case;
then for each view (the officer's `auditEvents` filters, anomalies' last 24 hours, a subject's `myAccessLog`,
a closure's count, a verify page of subject rows) prints the best of three `EXPLAIN ANALYZE` times and the
plan's nodes, for the head revision and for 0013.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from alembic import command
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import Select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hub.store.audit_reads import _filtered
from hub.store.audit_rows import EventQuery
from hub.store.migrate import alembic_config, upgrade
from hub.store.tables import audit_events, audit_subjects

START = datetime(2026, 11, 1, tzinfo=UTC)
_SEED = """
INSERT INTO audit_events (seq, event_id, type, at, client_id, org, department, operator, purpose, outcome, body,
                          prev_hash, hash)
SELECT g, md5(g::text)::uuid::text, 'query', $2::timestamptz + g * interval '6 seconds', 'client-' || (g % 40),
       'ORG' || (g % 40), 'dept-' || (g % 8), 'op-' || (g % 300), 'CREDIT_LENDING', 'ok',
       CASE WHEN g % 100 = 0
            THEN '{"case_number":"C' || g || '","concealed_until_case_closes":true,"x":"' || repeat('y', 500) || '"}'
            ELSE '{"x":"' || repeat('y', 500) || '"}' END,
       repeat('0', 64), repeat('1', 64)
FROM generate_series(1, $1::bigint) AS g
"""
_SEED_SUBJECTS = """
INSERT INTO audit_subjects (seq, subject_key, concealed_until)
SELECT g, encode(sha256(('s' || (g % 50000))::bytea), 'hex'), NULL FROM generate_series(1, $1::bigint) AS g
"""


# As hub.audit.review.access_log asks it: only what the subject may see now, not its own operations.
_ACCESS_LOG = EventQuery(
    limit=21, visible_on=date(2026, 12, 31), exclude_purposes=("SELF_ACCESS",), exclude_actor="S77"
)


def _views(events: int) -> dict[str, Select[Any]]:
    """Answers each view's statement, built by the code the views run."""
    head_at = START + timedelta(seconds=6 * events)
    old_day = START + timedelta(days=4)
    subject = hashlib.sha256(b"s77").hexdigest()
    e, s = audit_events.c, audit_subjects.c
    page = 51
    return {
        "auditEvents, newest page": _filtered(EventQuery(limit=page)),
        "auditEvents, department": _filtered(EventQuery(limit=page, department="dept-3")),
        "auditEvents, organisation": _filtered(EventQuery(limit=page, org="ORG7")),
        "auditEvents, client": _filtered(EventQuery(limit=page, client_id="client-9")),
        "auditEvents, operator": _filtered(EventQuery(limit=page, operator="op-17")),
        "auditEvents, case number": _filtered(EventQuery(limit=page, case_number="C5000")),
        "auditEvents, event id": _filtered(EventQuery(limit=page, event_id=str(uuid.UUID(hex=_md5("1234"))))),
        "auditEvents, an old hour": _filtered(
            EventQuery(limit=page, since=old_day + timedelta(hours=10), until=old_day + timedelta(hours=11))
        ),
        "auditEvents, an old day": _filtered(EventQuery(limit=page, since=old_day, until=old_day + timedelta(days=1))),
        "auditEvents, subject": _filtered(EventQuery(limit=page, subject_key=subject)),
        "anomalies, last 24 hours": _filtered(EventQuery(limit=501, since=head_at - timedelta(hours=24))),
        "myAccessLog": _filtered(replace(_ACCESS_LOG, subject_key=subject, visible_at=head_at)),
        "case closure, concealed count": select(func.count()).where(
            e.case_number == "C5000", e.concealed_case == "C5000", e.department == "dept-0"
        ),
        "verify, a page of subject rows": select(s.seq, s.subject_key, s.concealed_until).where(
            s.seq.between(events // 2, events // 2 + 999)
        ),
    }


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 (the seed's event ids, as the SQL makes them)


def _nodes(plan: dict[str, Any]) -> list[str]:
    name = plan["Node Type"] + (f"({plan['Index Name']})" if plan.get("Index Name") else "")
    return [name] + [node for child in plan.get("Plans", ()) for node in _nodes(child)]


async def _explain(conn: Any, views: dict[str, Select[Any]]) -> dict[str, tuple[float, str]]:
    found = {}
    for label, stmt in views.items():
        sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        best: tuple[float, str] | None = None
        for _ in range(3):
            plan = json.loads(await conn.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + sql))[0]
            if best is None or plan["Execution Time"] < best[0]:
                best = (plan["Execution Time"], " > ".join(_nodes(plan["Plan"])))
        assert best is not None
        found[label] = best
    return found


async def views(pg_url: str, events: int) -> None:
    """Prints each view's time and plan, at the head revision and at 0013."""
    dsn = pg_url.replace("postgresql+asyncpg://", "postgresql://")
    name = f"audithelper_views_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{dsn}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{pg_url}/{name}"
        await asyncio.to_thread(upgrade, url)
        conn = await asyncpg.connect(f"{dsn}/{name}")
        await conn.execute(_SEED, events, START)
        await conn.execute(_SEED_SUBJECTS, events)
        await conn.execute("ANALYZE audit_events; ANALYZE audit_subjects")
        statements = _views(events)
        head = await _explain(conn, statements)
        await asyncio.to_thread(command.downgrade, alembic_config(url), "0013")
        await conn.execute("ANALYZE audit_events; ANALYZE audit_subjects")
        before = await _explain(conn, statements)
        await conn.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    print(f"{events:,} events; best of three EXPLAIN ANALYZE, ms: head revision | revision 0013")
    for label, (ms, plan) in head.items():
        then, then_plan = before[label]
        same = "same plan" if plan == then_plan else then_plan
        print(f"{label:32} {ms:9.3f} | {then:9.3f}  {plan}  ||  0013: {same}")


def main() -> None:
    """Parses the options and prints the views' plans."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--events", type=int, default=400_000)
    args = parser.parse_args()
    asyncio.run(views(args.pg_url.rstrip("/"), args.events))


if __name__ == "__main__":
    main()
