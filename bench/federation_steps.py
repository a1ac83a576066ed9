"""Where a federated query's time goes: each hub's stages and sources from its /metrics, and its CPU, per request.

Used by bench/bench_federation.py (`--steps`): the hubs' own histograms (credit_hub_stage_duration_seconds,
credit_hub_source_duration_seconds, credit_hub_request_duration_seconds) are scraped before and after a run of
requests, so the means printed are of that run alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench.bench_sources_cpu import cpu_seconds

Sums = dict[tuple[str, str], tuple[float, float]]  # (series, label) -> (sum of seconds, count)
_SERIES = {
    "credit_hub_stage_duration_seconds": "stage",
    "credit_hub_source_duration_seconds": "source",
    "credit_hub_request_duration_seconds": "operation",
}


def scrape(base_url: str) -> Sums:
    """Answers the sums and counts of the timing histograms a hub exposes now."""
    text = httpx.get(f"{base_url}/metrics", timeout=30).text
    found: dict[tuple[str, str], list[float]] = {}
    for family in text_string_to_metric_families(text):
        label = _SERIES.get(family.name)
        if label is None:
            continue
        for sample in family.samples:
            if sample.name.endswith(("_sum", "_count")):
                slot = found.setdefault((family.name, sample.labels.get(label, "")), [0.0, 0.0])
                slot[0 if sample.name.endswith("_sum") else 1] += sample.value
    return {key: (values[0], values[1]) for key, values in found.items()}


@dataclass
class HubSteps:
    """One hub's mean milliseconds per request in each stage and source over a run, and its CPU per request."""

    name: str
    means: dict[str, float]
    cpu_ms: float


def _means(before: Sums, after: Sums, requests: int) -> dict[str, float]:
    means: dict[str, float] = {}
    for key, (total, _count) in after.items():
        spent = total - before.get(key, (0.0, 0.0))[0]
        if spent > 0:
            series, label = key
            short = {"credit_hub_stage_duration_seconds": "stage", "credit_hub_source_duration_seconds": "source"}
            means[f"{short.get(series, 'request')} {label}"] = spent / requests * 1000
    return means


def measure(hubs: dict[str, tuple[str, int]], run: Callable[[], int]) -> tuple[list[HubSteps], float]:
    """Answers each hub's steps over `run` (which answers how many requests it sent), and the run's wall seconds;
    `hubs`: name -> (base URL, pid)."""
    before = {name: scrape(url) for name, (url, _) in hubs.items()}
    cpu = {name: cpu_seconds(pid) for name, (_, pid) in hubs.items()}
    started = time.perf_counter()
    requests = run()
    wall = time.perf_counter() - started
    steps = []
    for name, (url, pid) in hubs.items():
        spent = (cpu_seconds(pid) - cpu[name]) / requests * 1000
        steps.append(HubSteps(name, _means(before[name], scrape(url), requests), spent))
    return steps, wall


def show(label: str, steps: list[HubSteps], client_ms: float) -> None:
    """Prints one run's breakdown: the caller's p50, then each hub's mean per request by step, and CPU."""
    print(f"steps, {label}: caller p50 {client_ms:.1f} ms")
    for hub in steps:
        parts = "  ".join(f"{name} {ms:.2f}" for name, ms in sorted(hub.means.items()))
        print(f"  {hub.name:<9} cpu {hub.cpu_ms:5.2f} ms/req | {parts}")
