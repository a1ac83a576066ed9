"""Submitting records: a stream of rows is checked, decided against the items' states and landed chunk by chunk.

Each chunk lands whole or not at all (hub.store.collected), so a crash loses no row reported accepted and a
resubmission of the same file changes nothing: a row equal to its item's current version is `unchanged`. A
different row for an existing item is refused unless it is a correction (with its reason); a withdrawal keeps
the item and its history, and stops it being read. Free text is run through the personal-data detector after
landing (`scan_pending`), so a large file is never held up by it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from hub.catalog.model import Catalog
from hub.catalog.workdays import working_days_between
from hub.collection.check import Action, CheckedRow, Reason, Refusal, RowChecker, submittable
from hub.collection.quality import QualityRow, quality
from hub.collection.rows import RawRow
from hub.collection.timeliness import Timeliness, local_day, timeliness
from hub.collection.unpublished import unpublished_at_sources
from hub.errors import ErrorCode, HubError
from hub.federation.adapter import SqlSource
from hub.identity.principal import Principal
from hub.identity.scopes import Scope
from hub.store.collected import (
    ACTIVE,
    WITHDRAWN,
    ChunkPlan,
    CollectedStore,
    Conflict,
    ItemState,
    RefusalWrite,
    Submission,
    VersionRow,
    VersionWrite,
)

log = logging.getLogger(__name__)
MAX_ROWS = 100_000
CHUNK_ROWS = 2_000
YIELD_ROWS = 250
MAX_LISTED = 10_000  # refusals listed in one answer; the count is always whole
RefusedRow = tuple[list[Refusal], tuple[str, date | None] | None]  # a row's refusals, and its item when known
Detect = Callable[[Sequence[str]], list[tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class Submitter:
    """Who submits: the department and its client."""

    department: str
    client_id: str | None


@dataclass
class SubmissionResult:
    """The answer to a submission: accepted and unchanged counts, and the refused rows."""

    submission_id: str
    record_type: str
    rows: int = 0
    accepted: int = 0
    unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)
    refused_count: int = 0
    items: list[str] = field(default_factory=list)  # item ids of a single submission

    def to_dict(self) -> dict[str, object]:
        """Answers the JSON body of POST /records/{recordType}."""
        return {
            "accepted": self.accepted,
            "refused": [r.to_dict() for r in self.refused],
            "unchanged": self.unchanged,
            "rows": self.rows,
            "refusedCount": self.refused_count,
            "submissionId": self.submission_id,
        }


SUBMIT_SCOPE = Scope.RECORDS_SUBMIT


def authorise_submitter(principal: Principal, operator_required: bool, operator: str | None) -> Submitter:
    """Answers who submits, or FORBIDDEN when the token lacks `records:submit` or the policy wants an operator."""
    if not principal.has(SUBMIT_SCOPE) or principal.department is None:
        raise HubError(
            ErrorCode.FORBIDDEN,
            f"submitting records needs the scope '{SUBMIT_SCOPE}'",
            fix="ask the hub operator to register your client with records:submit",
        )
    if operator_required and not operator:
        raise HubError(
            ErrorCode.FORBIDDEN,
            "your department must name the operator of every submission",
            fix="send the X-Hub-Operator header with the clerk's name or staff number",
        )
    return Submitter(principal.department, principal.client_id)


class CollectionService:
    """Checks and lands submissions into the collected source; scans their free text afterwards."""

    def __init__(
        self,
        catalog: Catalog,
        store: CollectedStore,
        *,
        detect: Detect | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        source_name: str = "collected",
        pulled: Sequence[SqlSource] = (),
    ) -> None:
        self.catalog, self.store, self.detect, self.clock = catalog, store, detect, clock
        self.source_name = source_name
        self.pulled = [source for source in pulled if not source.mapping.managed]  # whose decisions may be missing
        self.active = 0  # submissions landing now: the free-text scan waits for them

    def item_id(self, record_type: str, key: str) -> str:
        """Answers the id the record shows for a collected item."""
        return f"{self.source_name}:{record_type}:{key}"

    async def submit(
        self,
        who: Submitter,
        record_type: str,
        rows: AsyncIterator[RawRow],
        *,
        file_name: str | None = None,
        keep_items: bool = False,
    ) -> SubmissionResult:
        """Answers what became of every row; FORBIDDEN or NOT_FOUND before reading any when the type is closed."""
        rt = submittable(self.catalog, record_type, who.department)
        now = self.clock()
        checker = RowChecker(self.catalog, rt, who.department, local_day(now))
        submission = Submission(str(uuid.uuid4()), who.department, who.client_id, record_type, file_name)
        await self.store.open_submission(submission, now)
        result = SubmissionResult(submission.id, record_type)
        self.active += 1
        chunk: list[CheckedRow | RefusedRow] = []
        landing: asyncio.Task[None] | None = None  # the previous chunk lands while this one is checked
        try:
            async for raw in rows:
                if result.rows >= MAX_ROWS:
                    self._refuse(result, [_too_many(raw.line)])
                    break
                result.rows += 1
                checked = checker.check(raw)
                chunk.append(checked if isinstance(checked, CheckedRow) else (checked, checker.identify(raw)))
                if len(chunk) % YIELD_ROWS == 0:
                    await asyncio.sleep(0)  # checking is CPU work: let queries and the landing chunk run
                if len(chunk) >= CHUNK_ROWS:
                    if landing is not None:
                        await landing
                    landing = asyncio.create_task(self._land(submission, chunk, result, keep_items))
                    chunk = []
            if landing is not None:
                await landing
                landing = None
            if chunk:
                await self._land(submission, chunk, result, keep_items)
        finally:
            self.active -= 1
            if landing is not None and not landing.done():
                landing.cancel()  # the client went away: the chunk lands whole or not at all
        await self.store.close_submission(submission.id, self.clock())
        return result

    async def _land(
        self, submission: Submission, chunk: list[CheckedRow | RefusedRow], result: SubmissionResult, keep: bool
    ) -> None:
        checked = [row for row in chunk if isinstance(row, CheckedRow)]
        refused_rows = [row for row in chunk if not isinstance(row, CheckedRow)]
        keys = [row.item_key for row in checked]
        plan, outcome = await self._land_once(submission, keys, checked, refused_rows)
        result.accepted += len(plan.writes)
        result.unchanged += plan.unchanged
        self._refuse(result, [r for refusals, _ in refused_rows for r in refusals])
        self._refuse(result, outcome)
        if keep:
            result.items.extend(self.item_id(submission.record_type, w.item_key) for w in plan.writes)
            result.items.extend(
                self.item_id(submission.record_type, row.item_key)
                for row in checked
                if row.item_key not in {w.item_key for w in plan.writes} and not any(r.row == row.row for r in outcome)
            )

    async def _land_once(
        self, submission: Submission, keys: list[str], checked: list[CheckedRow], refused: list[RefusedRow]
    ) -> tuple[ChunkPlan, list[Refusal]]:
        """Answers the landed chunk's plan and the rows its items' states refused; decided again on a conflict."""
        for attempt in range(3):
            outcome: list[Refusal] = []

            def decide(states: dict[str, ItemState], outcome: list[Refusal] = outcome) -> ChunkPlan:
                return self._plan(states, checked, refused, outcome)

            try:
                return await self.store.land(submission, keys, decide, self.clock()), outcome
            except Conflict:
                if attempt == 2:
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    @staticmethod
    def _refuse(result: SubmissionResult, refusals: list[Refusal]) -> None:
        rows = {r.row for r in refusals}
        result.refused_count += len(rows)
        room = MAX_LISTED - len(result.refused)
        if room > 0:
            result.refused.extend(refusals[:room])

    def _plan(
        self,
        states: dict[str, ItemState],
        checked: list[CheckedRow],
        refused: list[RefusedRow],
        outcome: list[Refusal],
    ) -> ChunkPlan:
        plan = ChunkPlan(rows=len(checked) + len(refused))
        now = self.clock()
        today = local_day(now)
        current = dict(states)
        for row in checked:
            state = current.get(row.item_key)
            refusal = _decide(row, state)
            if refusal is not None:
                outcome.append(refusal)
                plan.refusals.append(
                    RefusalWrite(row.row, refusal.field, refusal.code.value, row.item_key, row.decided_on)
                )
                continue
            if _unchanged(row, state):
                plan.unchanged += 1
                continue
            received = state.received_at if state else now
            status = WITHDRAWN if row.action is Action.WITHDRAW else ACTIVE
            lag = working_days_between(row.decided_on, local_day(received) if state else today)
            write = VersionWrite(
                row.item_key,
                row.subject_code,
                (state.version if state else 0) + 1,
                row.action.value,
                status,
                row.reason,
                row.payload,
                row.content_hash if status == ACTIVE else (state.content_hash if state else row.content_hash),
                row.decided_on,
                received,
                lag,
                row.row,
            )
            plan.writes.append(write)
            current[row.item_key] = ItemState(row.item_key, status, write.version, write.content_hash, received, lag)
        for refusals, identity in refused:
            first = refusals[0]
            key, decided = identity if identity else (None, None)
            plan.refusals.append(RefusalWrite(first.row, first.field, first.code.value, key, decided))
        return plan

    async def history(self, item_id: str, departments: frozenset[str] | None) -> list[VersionRow]:
        """Answers every version of a collected item, oldest first; NOT_FOUND when it is none of `departments`'."""
        source, _, rest = item_id.partition(":")
        record_type, _, key = rest.partition(":")
        versions = await self.store.history(record_type, key) if source == self.source_name and key else []
        if not versions or (departments is not None and versions[0].department not in departments):
            raise HubError(
                ErrorCode.NOT_FOUND,
                "no collected item with this id that you may see",
                fix="pass the id of a licence or penalty your department submitted",
            )
        return versions

    async def timeliness(
        self, since: date, until: date, today: date, departments: frozenset[str] | None = None
    ) -> Timeliness:
        """Answers the 双公示 timeliness of items decided from `since` to `until` (of `departments`, when named)."""
        if until < since:
            raise HubError(ErrorCode.BAD_USER_INPUT, "until comes before since", fix="swap them")
        items = await self.store.timed_items(since, until, departments)
        missing = await self.store.missing(since, until, departments)
        missing += await unpublished_at_sources(self.catalog, self.store, self.pulled, (since, until), departments)
        return timeliness(self.catalog, items, missing, since, until, today)

    async def quality(self, departments: frozenset[str] | None = None) -> list[QualityRow]:
        """Answers the quality report of collection (of `departments`, when named)."""
        return quality(self.catalog, await self.store.quality(departments))

    async def scan_pending(self, limit: int = 200) -> int:
        """Answers how many versions had their free text run through the detector now (0: none waiting)."""
        if self.detect is None:
            return 0
        pending = await self.store.unscanned(limit)
        if not pending:
            return 0
        texts: list[str] = []
        owners: list[int] = []
        for version_id, record_type, payload in pending:
            rt = self.catalog.record_types.get(record_type)
            collection = rt.collection if rt else None
            for name, value in payload.items():
                spec = collection.fields.get(name) if collection else None
                if spec is not None and spec.free_text and value:
                    texts.append(str(value))
                    owners.append(version_id)
        found: dict[int, list[str]] = {version_id: [] for version_id, _, _ in pending}
        if texts:
            detect = self.detect
            kinds = await asyncio.to_thread(detect, texts)
            for owner, entity_types in zip(owners, kinds, strict=True):
                found[owner].extend(entity_types)
        await self.store.note_scanned({k: v for k, v in found.items()})
        return len(pending)

    async def run_scanner(self, idle_seconds: float = 2.0, batch: int = 50) -> None:
        """Answers nothing; scans landed free text for ever (a background task of the serving hub), in small
        batches and only while no submission is landing, so that neither waits on the detector."""
        while True:
            if self.active:
                await asyncio.sleep(idle_seconds)
                continue
            try:
                done = await self.scan_pending(batch)
            except Exception:  # a failed scan is retried; the rows stay unscanned meanwhile
                log.warning("the personal-data scan of collected items failed; retrying", exc_info=True)
                done = 0
            await asyncio.sleep(idle_seconds if not done else 0.05)  # between batches, queries go first


def _too_many(line: int) -> Refusal:
    return Refusal(
        line,
        None,
        Reason.MALFORMED,
        f"超过{MAX_ROWS}行 (the file has more than {MAX_ROWS:,} rows; this one and the rest were not read)",
        "split the file and submit the rest separately",
    )


def _decide(row: CheckedRow, state: ItemState | None) -> Refusal | None:
    """Answers why a checked row cannot change its item, or None when it can (or changes nothing)."""
    if row.action is Action.SUBMIT:
        if state is None or (state.status == ACTIVE and state.content_hash == row.content_hash):
            return None
        if state.status == WITHDRAWN:
            return Refusal(
                row.row,
                None,
                Reason.WITHDRAWN,
                "该事项已撤回 (this item was withdrawn)",
                "to publish it again, send it with action=correct and the reason",
            )
        return Refusal(
            row.row,
            "decision_number",
            Reason.DUPLICATE,
            "同一机关同一文号已报送，内容不同 (an item "
            "with this decision number from this authority was submitted with other content)",
            "to change it, send action=correct with the reason",
        )
    if state is None:
        return Refusal(
            row.row,
            "decision_number",
            Reason.NOT_FOUND,
            "未找到要更正或撤回的事项 (no item with this decision number from this authority)",
            "submit it first, or check the decision number",
        )
    return None


def _unchanged(row: CheckedRow, state: ItemState | None) -> bool:
    if state is None:
        return False
    if row.action is Action.WITHDRAW:
        return state.status == WITHDRAWN
    return state.status == ACTIVE and state.content_hash == row.content_hash
