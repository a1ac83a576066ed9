"""The quality report of collection, per department and record type: what was submitted and what became of it.

Rows submitted, accepted (new versions), unchanged, refused by reason, corrections and withdrawals, how
complete the optional fields of current items are, and which personal data the detector found in free text.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.catalog.model import Catalog
from hub.store.collected import QualityRows


@dataclass(frozen=True, slots=True)
class QualityRow:
    """One department's submissions of one record type."""

    department: str
    record_type: str
    submissions: int
    rows: int
    accepted: int
    unchanged: int
    refused: int
    refused_by_reason: tuple[tuple[str, int], ...]
    corrections: int
    withdrawals: int
    items: int
    completeness: tuple[tuple[str, float], ...]  # optional field -> share of current items that fill it
    personal_data: tuple[tuple[str, int], ...]  # entity type -> versions whose free text holds it


def quality(catalog: Catalog, counts: QualityRows) -> list[QualityRow]:
    """Answers the quality report from the collected source's counts."""
    keys = sorted(set(counts.submissions) | set(counts.items))
    found: list[QualityRow] = []
    for department, record_type in keys:
        subs = counts.submissions.get((department, record_type), (0, 0, 0, 0, 0))
        rt = catalog.record_types.get(record_type)
        optional = [f.name for f in rt.collection.fields.values() if not f.required] if rt and rt.collection else []
        items = counts.items.get((department, record_type), 0)
        filled = counts.filled.get((department, record_type), {})
        found.append(
            QualityRow(
                department,
                record_type,
                subs[4],
                subs[0],
                subs[1],
                subs[2],
                subs[3],
                tuple(
                    sorted(
                        ((r, n) for (d, t, r), n in counts.reasons.items() if (d, t) == (department, record_type)),
                        key=lambda pair: (-pair[1], pair[0]),
                    )
                ),
                counts.actions.get((department, record_type, "CORRECT"), 0),
                counts.actions.get((department, record_type, "WITHDRAW"), 0),
                items,
                tuple((name, round(filled.get(name, 0) / items, 4) if items else 0.0) for name in optional),
                tuple(
                    sorted(
                        (k, n) for (d, t, k), n in counts.personal_data.items() if (d, t) == (department, record_type)
                    )
                ),
            )
        )
    return found
