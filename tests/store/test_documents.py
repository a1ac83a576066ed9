"""The trusted documents table: registered once per client and id, found, listed by status, reviewed, re-profiled;
the approved ones mirrored in every worker."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from hub.store.documents import DocumentRepository, DocumentRow
from hub.store.engine import make_engine
from tests.store.conftest import trusted

NOW = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
ID = "sha256:" + "1" * 64


def _row(
    client_id: str = "c1", document_id: str = ID, profile: str = '{"operations": [], "entries": []}'
) -> DocumentRow:
    return DocumentRow(client_id, document_id, "{ me { clientId } }", profile, "pending", NOW)


async def test_a_document_is_stored_once_per_client_and_id(engine: AsyncEngine) -> None:
    documents = DocumentRepository(engine)
    assert await documents.register([_row(), _row("c2")]) == [_row(), _row("c2")]
    await documents.review("c1", ID, status="approved", note=None, by="officer", at=NOW)
    [again] = await documents.register([_row(profile="changed")])  # registered again: kept as it stands
    assert (again.status, again.profile) == ("approved", _row().profile)
    assert await documents.find("c1", ID) == again
    assert await documents.find("c3", ID) is None
    assert [r.client_id for r in await documents.listing(document_id=ID)] == ["c1", "c2"]


async def test_review_and_reprofile_change_status_note_and_profile(engine: AsyncEngine) -> None:
    documents = DocumentRepository(engine)
    await documents.register([_row(), _row(document_id="sha256:" + "2" * 64)])
    later = NOW + timedelta(hours=1)
    reviewed = await documents.review("c1", ID, status="rejected", note="discloses too much", by="officer-3", at=later)
    assert reviewed is not None
    assert (reviewed.status, reviewed.note, reviewed.reviewed_by, reviewed.reviewed_at) == (
        "rejected",
        "discloses too much",
        "officer-3",
        later,
    )
    assert [r.document_id for r in await documents.listing("pending")] == ["sha256:" + "2" * 64]
    moved = await documents.reprofile("c1", ID, profile='{"x": 1}', status="suspended")
    assert moved is not None
    assert (moved.profile, moved.status) == ('{"x": 1}', "suspended")
    assert await documents.review("nobody", ID, status="approved", note=None, by="x", at=later) is None


async def test_the_approved_text_is_answered_only_for_an_approved_document(engine: AsyncEngine) -> None:
    documents = DocumentRepository(engine)
    await documents.register([_row()])
    assert await documents.approved_body("c1", ID) is None, "pending"
    await documents.review("c1", ID, status="approved", note=None, by="officer", at=NOW)
    assert await documents.approved_body("c1", ID) == _row().body
    assert await documents.approved_body("c2", ID) is None, "another client's"
    await documents.reprofile("c1", ID, profile="{}", status="suspended")
    assert await documents.approved_body("c1", ID) is None


async def test_every_worker_s_mirror_hears_of_an_approval_and_a_rejection(pg_engine: AsyncEngine) -> None:
    await DocumentRepository(pg_engine).register([_row()])
    async with trusted(DocumentRepository(pg_engine)) as worker:
        assert ("c1", ID) not in await worker.mirror.trusted()
        other = make_engine(pg_engine.url.render_as_string(hide_password=False))
        try:
            elsewhere = DocumentRepository(other)  # the command line, or another worker
            await elsewhere.review("c1", ID, status="approved", note=None, by="officer", at=NOW)
            async with asyncio.timeout(5):
                while ("c1", ID) not in await worker.mirror.trusted():  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
            assert await worker.approved_body("c1", ID) == _row().body
            await elsewhere.review("c1", ID, status="rejected", note="too much", by="officer", at=NOW)
        finally:
            await other.dispose()
        async with asyncio.timeout(5):
            while ("c1", ID) in await worker.mirror.trusted():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        assert await worker.approved_body("c1", ID) is None
