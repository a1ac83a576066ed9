"""Benchmark `Redactor.redact` on synthetic ~1 KB administrative-penalty decisions, and a `subject` query.

Run: python bench/bench_redact.py [--texts 1000] [--seed 7] [--subject-pairs 200 [--subjects 2000] [--reuse]]
Prints engine and model load time; characters per CPU-second, texts/s and p50/p99 per text for distinct
texts one at a time (cold), in batches of 32 (`redact_many`, cold) and repeated texts (warm, from the
cache); the RSS after loading and the process's peak RSS. With --subject-pairs, it then serves the hub
on seeded PostgreSQL sources (bench/bench_redaction_latency.py) and prints a `subject` query's p50 with
and without decision texts, warm (the texts already masked once), and the hub's peak RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from stdnum.cn import ric, uscc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if TYPE_CHECKING:
    from hub.privacy.redact import Redactor

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
COMPOUND = ["欧阳", "司马", "上官", "诸葛", "慕容"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
PLACES = [
    ("140105", "山西省太原市小店区", "0351"),
    ("140106", "山西省太原市迎泽区", "0351"),
    ("140702", "山西省晋中市榆次区", "0354"),
    ("410402", "河南省平顶山市新华区", "0375"),
    ("430104", "湖南省长沙市岳麓区", "0731"),
    ("510802", "四川省广元市利州区", "0839"),
    ("630104", "青海省西宁市城西区", "0971"),
]
ROADS = ["长治路", "坞城南路", "柳巷南路", "建设北路", "解放路", "五一大道", "人民街", "滨河东路"]
GOODS = ["过期食品", "不合格化妆品", "假冒注册商标的白酒", "未标注生产日期的食用油", "超范围使用食品添加剂的糕点"]
LAWS = [
    "《中华人民共和国食品安全法》第一百二十四条",
    "《中华人民共和国产品质量法》第四十九条",
    "《中华人民共和国行政处罚法》第二十八条第一款",
]


def person(rng: random.Random) -> str:
    """Answers a random two- to four-character name."""
    if rng.random() < 0.1:
        return rng.choice(COMPOUND) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))


def resident_id(rng: random.Random, division: str) -> str:
    """Answers a valid resident ID for the division."""
    born = f"{rng.randint(1950, 2003)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"{division}{born}{rng.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body + "0")


def organisation_code(rng: random.Random, division: str) -> str:
    """Answers a valid USCC for an enterprise in the division."""
    body = f"92{division}MA{rng.randint(0, 9999999):07d}"
    return body + uscc.calc_check_digit(body)


def decision(rng: random.Random, serial: int) -> tuple[str, list[str]]:
    """Answers one synthetic penalty decision and the names of its persons."""
    division, place, area = rng.choice(PLACES)
    party, agent = person(rng), person(rng)
    address = f"{place}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
    if rng.random() < 0.5:
        address += f"{rng.randint(1, 12)}号楼{rng.randint(1, 6)}单元{rng.randint(1, 30)}0{rng.randint(1, 4)}室"
    year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    amount = rng.randint(1, 200) * 500
    text = (
        f"行政处罚决定书 并市监罚〔{year}〕{serial}号\n"
        f"当事人：{rng.choice(['太原市', '晋中市', '平顶山市'])}某某商贸有限公司，"
        f"统一社会信用代码：{organisation_code(rng, division)}，住所：{address}。"
        f"法定代表人：{party}，公民身份号码：{resident_id(rng, division)}，联系电话：1{rng.randint(3, 9)}"
        f"{rng.randint(0, 999999999):09d}，办公电话：{area}-{rng.randint(2000000, 8999999)}。\n"
        f"经查，当事人于{year}年{month}月{day}日在其经营场所销售{rng.choice(GOODS)}共计{rng.randint(2, 90)}件，"
        f"货值金额{rng.randint(100, 9000):,}.00元，违法所得{rng.randint(50, 3000)}元。上述事实有现场检查笔录、"
        f"询问笔录、进货票据等证据证实。当事人的行为违反了{rng.choice(LAWS)}的规定。"
        f"依据{rng.choice(LAWS)}，本局决定：没收违法所得，并处罚款人民币{amount:,}.00元。"
        f"当事人应自收到本决定书之日起十五日内缴纳罚款，逾期不缴纳的，每日按罚款数额的百分之三加处罚款。"
        f"如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者六个月内依法提起行政诉讼。"
        f"经办人：{agent}，联系电话（{area}）{rng.randint(2000000, 8999999)}。\n"
        f"{year}年{month}月{day}日"
    )
    return text, [party, agent]


def percentile(samples: list[float], share: float) -> float:
    """Answers the sample at the given share of the sorted samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(redactor: Redactor, texts: list[tuple[str, list[str]]]) -> tuple[float, float, list[float]]:
    """Answers CPU seconds, wall seconds and per-text seconds for redacting each text once."""
    per_text: list[float] = []
    cpu, start = time.process_time(), time.perf_counter()
    for text, names in texts:
        began = time.perf_counter()
        redactor.redact(text, names)
        per_text.append(time.perf_counter() - began)
    return time.process_time() - cpu, time.perf_counter() - start, per_text


def timed_batches(redactor: Redactor, texts: list[tuple[str, list[str]]], size: int = 32) -> tuple[float, float]:
    """Answers CPU seconds and wall seconds for redacting the texts in batches (`redact_many`)."""
    cpu, start = time.process_time(), time.perf_counter()
    for first in range(0, len(texts), size):
        redactor.redact_many([(t, n) for t, n in texts[first : first + size]])
    return time.process_time() - cpu, time.perf_counter() - start


def report(label: str, characters: int, cpu: float, wall: float, per_text: list[float] | None = None) -> None:
    """Prints throughput (characters per CPU-second, texts per second) and latency for one run."""
    line = f"{label:<14} {characters / cpu:>12,.0f} chars/CPU-s"
    if per_text:
        line += (
            f"   {len(per_text) / wall:>9.0f} texts/s   p50 {statistics.median(per_text) * 1000:8.3f} ms"
            f"   p99 {percentile(per_text, 0.99) * 1000:8.3f} ms"
        )
    print(line)


def rss_mb() -> float:
    """Answers the process's current resident set size in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--subject-pairs", type=int, default=0, help="also time a subject query (0: skip)")
    parser.add_argument("--subjects", type=int, default=2000, help="subjects seeded for the subject query")
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--reuse", action="store_true", help="keep already seeded databases")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    texts = [decision(rng, n) for n in range(1, 2 * args.texts + 2)]
    one, many = texts[1 : args.texts + 1], texts[args.texts + 1 :]
    characters = sum(len(t) for t, _ in one)
    print(f"{len(one)} texts, mean {statistics.mean(len(t) for t, _ in one):.0f} characters")

    with tempfile.TemporaryDirectory() as scratch:
        began = time.perf_counter()
        from hub.privacy.redact import Redactor

        redactor = Redactor(pipeline_dir=Path(scratch) / "pipeline", cache_size=len(texts))
        redactor.load()
        print(f"import + engine and model load {time.perf_counter() - began:.2f} s, RSS after load {rss_mb():.0f} MB")
        print(f"detector {redactor.version}")
        redactor.redact(*texts[0])
        report("cold", characters, *timed(redactor, one))
        report("cold, batched", sum(len(t) for t, _ in many), *timed_batches(redactor, many))
        report("warm", characters, *timed(redactor, one))
        sample = one[:100]
        found = sum(len(redactor.redact(t, n).entities) for t, n in sample) / len(sample)
        print(f"entities per text {found:.1f}")
    print(f"RSS now {rss_mb():.0f} MB, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.subject_pairs:
        subject_query(args.pg, args.subjects, args.subject_pairs, reuse=args.reuse)


def subject_query(pg: str, subjects: int, pairs: int, *, reuse: bool) -> None:
    """Prints a subject query's p50 with and without decision texts, warm, on a served hub."""
    import asyncio

    import httpx

    from bench.bench_redaction_latency import PLAIN, WITH_TEXT, compare, subject_codes
    from bench.bench_redaction_latency import timed as query
    from bench.bench_subject import SEED
    from bench.common import SOURCES, prepare_databases, start_server, token_for

    prefix = "bench_redact_"  # its own databases: other benchmarks' seeded ones stay as they are
    clients = asyncio.run(prepare_databases(pg, prefix, subjects, SEED, fresh=not reuse))
    env = {f"HUB_SOURCES__{s.upper()}__URL": f"{pg}/{prefix}{s}" for s in SOURCES}
    env |= {
        "HUB_DATABASE_URL": f"{pg}/{prefix}hub",
        "HUB_TOKEN_TTL_SECONDS": "3600",
        "HUB_AUDIT_SECRET": "bench-audit-secret-0123456789",
    }
    penalised = subject_codes(subjects, min(pairs, 50), penalised=True)
    hub = start_server("hub", "hub.app:app_from_environment", env, 1)
    try:
        token = token_for(hub.url, clients["approval-bureau"])
        headers = {"authorization": f"Bearer {token}", "x-hub-operator": "bench"}
        with httpx.Client(base_url=hub.url, headers=headers, timeout=60) as client:
            for code in penalised:
                query(client, WITH_TEXT, code)
            rounds = max(1, pairs // len(penalised))
            compare(client, "subjects with penalties, texts warm", (penalised * rounds)[:pairs], (PLAIN, WITH_TEXT))
        print(f"hub peak RSS: {hub.peak_rss_mb():.0f} MB")
    finally:
        hub.stop()


if __name__ == "__main__":
    main()
