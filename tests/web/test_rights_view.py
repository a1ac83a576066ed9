"""The portal's objections and repairs: a deadline counted on an unknown calendar is shown as estimated."""

from __future__ import annotations

from hub.web.gateway import Answer
from hub.web.i18n import Translator
from hub.web.rights_view import rights_view


def _case(estimated: bool) -> dict[str, object]:
    return {"id": "o1", "itemId": "tax:penalty:1", "recordType": "penalty", "status": "OPEN",
            "filedAt": "2026-12-21T02:00:00+00:00", "dueOn": "2027-01-11", "dueOnEstimated": estimated,
            "overdue": False}  # fmt: skip


def test_an_estimated_deadline_is_marked_and_a_known_one_is_not() -> None:
    objections = Answer({"myObjections": [_case(True), _case(False)]})
    view = rights_view([objections, Answer({"myRepairs": []})], Translator("zh"), {})
    assert [row["due_estimated"] for row in view["objections"]] == [True, False]
    assert view["objections"][0]["due"] == "2027-01-11"
    assert "法定节假日安排尚未载入" in Translator("zh")("portal_due_estimated")
