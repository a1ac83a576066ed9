"""The demo's month of 双公示: market regulation and tax submit licences and penalties, some of them late.

Decisions fall over the month before `today`; each item reaches the platform a few working days later (most
within 7, some after), and a few rows are refused and never sent again (missing their publication), so the
timeliness page and the quality report have something to show. Deterministic for one seed and day; sending it
again changes nothing (the same rows are `unchanged`).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from hub.catalog.load import load_catalog
from hub.catalog.workdays import add_working_days
from hub.collection.rows import RawRow
from hub.collection.service import CollectionService, Submitter
from hub.collection.timeliness import LOCAL_ZONE
from hub.config import Settings
from hub.demo.generator import SPECIAL_SUBJECTS, subject_facts
from hub.store.collected import CollectedStore
from hub.store.engine import make_engine

MARKET = "太原市市场监督管理局"
TAX = "国家税务总局太原市税务局"
SEARCHED = 200  # the subjects hub.cli.demo_decisions searches for items to decide on
_LICENCES = ("食品经营许可", "公共场所卫生许可", "药品零售许可", "特种设备使用登记")


def _lag(rng: random.Random) -> int:
    """Answers the working days an item takes to reach the platform: mostly on time, one in five late."""
    return rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 7, 8, 9, 11, 14))


def demo_rows(seed: int, subjects: int, today: date) -> list[tuple[str, str, date, dict[str, str | None]]]:
    """Answers (department, record type, day received, row) for the demo's month of submissions."""
    rng = random.Random(f"collection-{seed}-{today.isoformat()}")
    first = SEARCHED if subjects >= SEARCHED + 20 else SPECIAL_SUBJECTS  # apart from the decided demo cases' subjects
    codes = [subject_facts(seed, i).subject.code for i in range(first, min(subjects, first + 60))]
    organisations = [code for code in codes if not code[:17].isdigit()] or codes
    rows: list[tuple[str, str, date, dict[str, str | None]]] = []
    for n in range(48):
        decided = today - timedelta(days=rng.randint(12, 42))
        received = min(add_working_days(decided, _lag(rng)), today)
        code = rng.choice(organisations)
        if n % 2 == 0:
            row: dict[str, str | None] = {
                "subject_code": code,
                "decision_number": f"并市监许〔{decided.year}〕{4000 + n}号",
                "title": rng.choice(_LICENCES),
                "category": "普通",
                "authority": MARKET,
                "decided_on": decided.isoformat(),
                "valid_until": (decided + timedelta(days=1826)).isoformat(),
                "content": "准予许可",
            }
            rows.append(("market-regulation", "licence", received, row))
        else:
            department, authority = ("tax", TAX) if n % 4 == 1 else ("market-regulation", MARKET)
            prefix = "并税稽罚" if department == "tax" else "并市监罚"
            row = {
                "subject_code": code,
                "decision_number": f"{prefix}〔{decided.year}〕{5000 + n}号",
                "category": "罚款",
                "authority": authority,
                "decided_on": decided.isoformat(),
                "amount": str(rng.choice((500, 2000, 5000))),
                "legal_basis": "《税收征收管理法》第六十二条"
                if department == "tax"
                else "《食品安全法》第一百二十六条",
                "decision_text": "未按规定期限办理纳税申报" if department == "tax" else "未按规定公示食品经营许可证",
            }
            if n % 12 == 3:
                row["legal_basis"] = ""  # refused (REQUIRED) and never sent again: missing its publication
            rows.append((department, "penalty", received, row))
    return rows


async def _one_day(rows: Sequence[dict[str, str | None]]) -> AsyncIterator[RawRow]:
    for line, row in enumerate(rows, start=1):
        yield RawRow(line, dict(row))


def _at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


async def submit_demo_month(settings: Settings, seed: int, subjects: int, today: date) -> int:
    """Answers how many items the demo's departments submitted now (0 when the month was submitted already)."""
    catalog = load_catalog(settings.catalog_path)
    url = settings.database_url
    batches: dict[tuple[str, str, date], list[dict[str, str | None]]] = defaultdict(list)
    for department, record_type, received, row in demo_rows(seed, subjects, today):
        batches[(department, record_type, received)].append(row)
    engine = make_engine(url)
    accepted = 0
    try:
        store = CollectedStore(engine)
        if await store.has_items():
            return 0
        for (department, record_type, received), rows in sorted(batches.items(), key=lambda kv: kv[0][2]):
            moment = datetime.combine(received, time(10, 0), LOCAL_ZONE).astimezone(UTC)
            service = CollectionService(catalog, store, clock=_at(moment))
            who = Submitter(department, f"demo-{department}")
            result = await service.submit(who, record_type, _one_day(rows), file_name="demo.jsonl")
            accepted += result.accepted
    finally:
        await engine.dispose()
    return accepted
