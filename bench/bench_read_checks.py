"""Benchmark: CPU per item of shaping a read with and without the collection checks on read (hub.collection.read_check).

Shapes N distinct pulled licences and penalties (~1 KB decision texts, a quarter naming a person with a resident
ID) for two callers, in process (no HTTP, no database: the cost of the checks themselves): the market regulator
(every field in clear) and the approval bureau (decision texts masked by the detector on the way out). Each
caller is shaped without checks (the baseline, in the same run), with the checks but no detector, and with the
detector queue; each checked variant twice: cold (every item checked) and warm (answered from the LRU, as a hot
subject is); then the detector's background work is drained and measured on its own. Prints process CPU
microseconds per item (all threads), the ratio to the baseline, and peak RSS.

    python bench/bench_read_checks.py [--items 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import resource
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_redact import decision
from hub.catalog.load import load_catalog
from hub.collection.read_check import ReadChecks
from hub.composition.parts import detector
from hub.config import resource_dir
from hub.federation.adapter import ITEM, SOURCE, SUBJECT
from hub.identity.codes import SubjectKind
from hub.policy.load import load_policies
from hub.policy.purposes import Purpose
from hub.privacy.disclose import Discloser, Disclosure
from hub.privacy.masking import MASKERS
from hub.privacy.redact import Redactor
from hub.records.shape import Shaper

TODAY = date(2026, 12, 6)
CODE = "91140100MA0000001X"
CALLERS = {"market-regulation": Purpose.SUPERVISION, "approval-bureau": Purpose.ADMINISTRATIVE_APPROVAL}


def rows(count: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    """Answers `count` penalties and `count // 4` licences of one pulled source, a few of them faulty."""
    rng = random.Random(seed)
    penalties, licences = [], []
    for n in range(count):
        text, _ = decision(rng, n)
        decided = TODAY - timedelta(days=rng.randint(1, 900))
        penalties.append({
            SUBJECT: CODE, ITEM: f"datong:p{n}", SOURCE: "datong", "decision_number": f"同市监罚〔2026〕{n}号",
            "category": "罚款", "authority": "大同市市场监督管理局",
            "decided_on": decided if n % 50 else TODAY + timedelta(days=3), "amount": Decimal(rng.randint(1, 9) * 1000),
            "legal_basis": "《食品安全法》第一百二十四条" if n % 40 else None, "decision_text": text,
            "disclosure_until": decided + timedelta(days=1095),
        })  # fmt: skip
    for n in range(count // 4):
        decided = TODAY - timedelta(days=rng.randint(1, 900))
        licences.append({
            SUBJECT: CODE, ITEM: f"datong:l{n}", SOURCE: "datong", "decision_number": f"同市监许〔2026〕{n}号",
            "title": "食品经营许可", "category": "普通" if n % 30 else "特别许可", "authority": "大同市市场监督管理局",
            "decided_on": decided, "valid_until": decided + timedelta(days=1800), "content": f"准予许可。编号{n}",
        })  # fmt: skip
    return {"penalty": penalties, "licence": licences}


def cpu_per_item(shape: Callable[[], int]) -> float:
    """Answers process CPU microseconds per item of one run of `shape` (which answers how many items it shaped);
    a full collection first, so that one falling inside a pass (~100 ms over the detector's heap) is no one's."""
    gc.collect()
    started = time.process_time()
    items = shape()
    return (time.process_time() - started) / items * 1e6


async def drain(checks: ReadChecks) -> int:
    """Answers how many items the background detector read until its queue was empty."""
    scanned = 0
    while found := await checks.scan_pending():
        scanned += found
    return scanned


def main() -> None:
    """Prints the CPU per item of each variant, per caller, and peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    catalog = load_catalog(resource_dir("schema") / "catalog.yaml")
    policies = load_policies(resource_dir("policies"), catalog)
    redactor = Redactor()
    redactor.redact("预热：张三，身份证号11010519491231002X。")  # the engine loads once, outside the figures
    discloser = Discloser(catalog, MASKERS, lambda text, names: redactor.redact(text, names).text)
    data = rows(args.items, args.seed)
    pulled = frozenset({"datong"})
    print(f"{sum(len(v) for v in data.values())} items per pass; CPU µs per item (process time)")
    for department, purpose in CALLERS.items():
        policy = policies.departments[department]
        requested = {rt: frozenset(catalog.record_types[rt].fields) for rt in data}
        plan = policy.plan(purpose, SubjectKind.LEGAL_ENTITY, requested)

        def shaped(shaper: Shaper, plan: Any = plan, requested: Any = requested) -> Callable[[], int]:
            def run() -> int:
                disclosure, count = Disclosure(CODE), 0
                for record_type, found in data.items():
                    rules = discloser.rules(plan, SubjectKind.LEGAL_ENTITY, record_type, sorted(requested[record_type]))
                    count += len(shaper.items(record_type, found, rules, ["张三"], disclosure, TODAY, CODE))
                return count

            return run

        baseline = Shaper(catalog, discloser)
        cpu_per_item(shaped(baseline))  # the masked texts reach the redactor's cache, as on a hot hub
        base = cpu_per_item(shaped(baseline))
        print(f"\n{department} ({purpose.value})\n  baseline (no read checks)      {base:8.1f}")
        for label, detect in (("checks, no detector", None), ("checks + detector", detector(redactor))):
            checks = ReadChecks(catalog, pulled, detect=detect, pending=len(data["penalty"]) * 2)
            shaper = Shaper(catalog, discloser, checks)
            cold = cpu_per_item(shaped(shaper))
            warm = cpu_per_item(shaped(shaper))
            print(f"  {label:<22} cold {cold:8.1f} ({cold / base:5.2f}x)   warm {warm:8.1f} ({warm / base:5.2f}x)")
            if detect is not None:
                started, scanned = time.process_time(), asyncio.run(drain(checks))
                per_item = (time.process_time() - started) / max(scanned, 1) * 1e6
                print(f"  detector, in the background: {per_item:8.1f} per item scanned ({scanned} items, once each)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
