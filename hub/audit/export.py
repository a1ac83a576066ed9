"""CSV export of the register for privacy officers: one line per event, streamed page by page."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from hub.audit.concealment import concealment
from hub.audit.ports import AuditStore
from hub.audit.review import AuditFilter, AuditRecord, iter_records

CSV_COLUMNS = (
    "seq", "event_id", "at", "type", "outcome", "client_id", "org", "org_name", "department", "operator",
    "purpose", "legal_basis", "consent_ids", "subjects", "fields_clear", "fields_masked", "fields_denied",
    "concealed_until", "case_number", "concealed_until_case_closes", "case_closed_at", "concealment",
    "error_codes", "operation_name", "query_hash", "latency_ms", "hash",
)  # fmt: skip


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text  # no spreadsheet formulas


def _csv_row(record: AuditRecord, now: datetime) -> list[str]:
    event, subjects, closed_at = record.event, record.event.subjects, record.case_closed_at

    def per_subject(field: str) -> str:
        return " | ".join(";".join(getattr(subject, field)) for subject in subjects)

    values: dict[str, object] = {
        **{name: getattr(event, name) for name in CSV_COLUMNS if hasattr(event, name)},
        "seq": record.seq, "hash": record.hash, "at": event.at.isoformat(), "type": event.type.value,
        "outcome": event.outcome.value, "consent_ids": ";".join(event.consent_ids),
        "subjects": " | ".join(subject.code for subject in subjects), "fields_clear": per_subject("fields_clear"),
        "fields_masked": per_subject("fields_masked"), "fields_denied": per_subject("fields_denied"),
        "concealed_until": " | ".join(str(subject.concealed_until or "") for subject in subjects),
        "concealed_until_case_closes": "true" if event.concealed_until_case_closes else "",
        "case_closed_at": closed_at.isoformat() if closed_at else None,
        "concealment": " | ".join(concealment(event, subject, closed_at, now).value for subject in subjects),
        "error_codes": ";".join(event.error_codes),
    }  # fmt: skip
    return [_cell(values.get(name)) for name in CSV_COLUMNS]


async def export_csv(
    store: AuditStore, secret: str, where: AuditFilter, now: datetime | None = None
) -> AsyncIterator[str]:
    """Answers the matching register as CSV text, a header line then one line per event, streamed.

    Concealed entries are included; `concealment` says, per subject, whether it sees them yet at `now`.
    """
    now = now or datetime.now(UTC)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    async for record in iter_records(store, secret, where):
        writer.writerow(_csv_row(record, now))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()
