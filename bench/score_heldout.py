"""Score `Redactor.redact` on the held-out identifier sentences (bench/data/heldout_identifiers.jsonl).

Run: python bench/score_heldout.py [FILE]
A find counts when an entity of the expected type covers the whole expected span; a decoy counts
as masked when any entity overlaps it. Prints recall per type and the decoy rate, then each miss.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

HELD_OUT = Path(__file__).resolve().parent / "data" / "heldout_identifiers.jsonl"


def main() -> None:
    """Prints recall per entity type and the decoy rate on the held-out file."""
    from hub.privacy.redact import Redactor

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else HELD_OUT
    redactor = Redactor(pipeline_dir=Path(tempfile.mkdtemp()) / "nlp")
    wanted: Counter[str] = Counter()
    found: Counter[str] = Counter()
    decoys = decoys_hit = 0
    misses: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        text = case["text"]
        entities = redactor.redact(text).entities
        for kind, piece in case["expect"]:
            start = text.index(piece)
            end = start + len(piece)
            wanted[kind] += 1
            if any(e.type == kind and e.start <= start and end <= e.end for e in entities):
                found[kind] += 1
            else:
                got = [(e.type, text[e.start : e.end]) for e in entities]
                misses.append(f"MISS {kind} {piece!r} in {text!r}: {got}")
        for piece in case["decoys"]:
            start = text.index(piece)
            end = start + len(piece)
            decoys += 1
            if any(e.start < end and start < e.end for e in entities):
                decoys_hit += 1
                misses.append(f"DECOY {piece!r} in {text!r}")
    for kind in sorted(wanted):
        print(f"{kind:16} recall {found[kind] / wanted[kind]:.3f} ({found[kind]}/{wanted[kind]})")
    total = sum(wanted.values())
    print(f"{'all':16} recall {sum(found.values()) / total:.3f} ({sum(found.values())}/{total})")
    print(f"{'decoys masked':16} {decoys_hit / max(decoys, 1):.3f} ({decoys_hit}/{decoys})")
    print("\n".join(misses))


if __name__ == "__main__":
    main()
