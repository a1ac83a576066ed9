"""CSV export of the register for privacy officers: one line per event, streamed page by page."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from hub.audit.concealment import concealment
from hub.audit.ports import AuditStore
from hub.audit.review import AuditFilter, AuditRecord, iter_records

CSV_COLUMNS = (
    "seq", "event_id", "at", "type", "outcome", "client_id", "org", "org_name", "department", "operator",
    "purpose", "legal_basis", "consent_ids", "subjects", "fields_clear", "fields_masked", "fields_denied",
    "concealed_until", "case_number", "concealed_until_case_closes", "case_closed_at", "concealment",
    "error_codes", "operation_name", "query_hash", "document_id", "latency_ms", "hash",
)  # fmt: skip


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text  # no spreadsheet formulas


@dataclass(frozen=True, slots=True)
class CsvLayout:
    """How an export is laid out for its reader: the header line, and the zone its times are written in.

    The default is for programs (column names, ISO 8601 in UTC); a spreadsheet for people has headers in their
    language and times in their zone, written `YYYY-MM-DD HH:MM:SS`.
    """

    header: tuple[str, ...] = CSV_COLUMNS
    zone: tzinfo | None = None

    def time(self, value: datetime | None) -> str | None:
        """Answers an instant as this layout writes it."""
        if value is None:
            return None
        return value.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S") if self.zone else value.isoformat()


def _csv_row(record: AuditRecord, now: datetime, layout: CsvLayout) -> list[str]:
    event, subjects, closed_at = record.event, record.event.subjects, record.case_closed_at

    def per_subject(field: str) -> str:
        return " | ".join(";".join(getattr(subject, field)) for subject in subjects)

    values: dict[str, object] = {
        **{name: getattr(event, name) for name in CSV_COLUMNS if hasattr(event, name)},
        "seq": record.seq, "hash": record.hash, "at": layout.time(event.at), "type": event.type.value,
        "outcome": event.outcome.value, "consent_ids": ";".join(event.consent_ids),
        "subjects": " | ".join(subject.code for subject in subjects), "fields_clear": per_subject("fields_clear"),
        "fields_masked": per_subject("fields_masked"), "fields_denied": per_subject("fields_denied"),
        "concealed_until": " | ".join(str(subject.concealed_until or "") for subject in subjects),
        "concealed_until_case_closes": "true" if event.concealed_until_case_closes else "",
        "case_closed_at": layout.time(closed_at),
        "concealment": " | ".join(concealment(event, subject, closed_at, now).value for subject in subjects),
        "error_codes": ";".join(event.error_codes),
    }  # fmt: skip
    return [_cell(values.get(name)) for name in CSV_COLUMNS]


async def export_csv(
    store: AuditStore, secret: str, where: AuditFilter, now: datetime | None = None, layout: CsvLayout | None = None
) -> AsyncIterator[str]:
    """Answers the matching register as CSV text, a header line then one line per event, streamed.

    Concealed entries are included; `concealment` says, per subject, whether it sees them yet at `now`.
    """
    now, layout = now or datetime.now(UTC), layout or CsvLayout()
    if len(layout.header) != len(CSV_COLUMNS):
        raise ValueError(f"an export header names {len(CSV_COLUMNS)} columns, not {len(layout.header)}")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(layout.header)
    async for record in iter_records(store, secret, where):
        writer.writerow(_csv_row(record, now, layout))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()
