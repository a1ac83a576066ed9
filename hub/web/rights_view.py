"""The portal's objections and credit repair applications: status and deadlines, as the template shows them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hub.web.gateway import Answer
from hub.web.i18n import Translator
from hub.web.labels import EVIDENCE
from hub.web.portal_view import when


def _row(case: dict[str, Any], t: Translator, filed: str, items: Mapping[str, str]) -> dict[str, Any]:
    item_id = str(case.get("itemId") or "")
    return {
        "id": case.get("id"),
        "item": items.get(item_id) or f"{t.label('record_type', case.get('recordType'))} · {item_id or '—'}",
        "status": str(case.get("status") or ""),
        "filed": when(case.get(filed))[1],
        "due": case.get("dueOn") or "—",
        "overdue": bool(case.get("overdue")),
        "due_estimated": bool(case.get("dueOnEstimated")),
        "note": case.get("decisionNote") or case.get("outcome") or "",
        "reason": case.get("reason") or "",
    }


def _unavailable(answer: Answer, name: str, t: Translator) -> str | None:
    if answer.part(name) is not None:
        return None
    message = next((str(e.get("message") or "") for e in answer.errors), f"HTTP {answer.status}")
    return t("unavailable") + message


def rights_view(answers: Sequence[Answer], t: Translator, items: Mapping[str, str]) -> dict[str, Any]:
    """Answers the objections and repairs of `myObjections` and `myRepairs` with their deadlines.

    `items` names the record's items by id, so a case shows the item as the record does.
    """
    objections, repairs = answers
    found_objections = objections.part("myObjections")
    found_repairs = repairs.part("myRepairs")
    return {
        "objections": None if found_objections is None else [_row(c, t, "filedAt", items) for c in found_objections],
        "repairs": None if found_repairs is None else [_row(c, t, "appliedAt", items) for c in found_repairs],
        "rights_unavailable": {
            "objections": _unavailable(objections, "myObjections", t),
            "repairs": _unavailable(repairs, "myRepairs", t),
        },
        "evidence_kinds": [(key, pair[0] if t.lang == "zh" else pair[1]) for key, pair in EVIDENCE.items()],
    }
