"""`credit-hub redact --jsonl` run as a process: every identifier class of the contract, in the contract's shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.privacy.cases import ID_VALID, USCC_LETTERS, card

CARD = card("622202123456789012")
# (input text, [(type, found text, masked form)]) per line.
LINES: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("当事人QQ：28374651，", [("QQ_NUMBER", "28374651", "28****51")]),
    ("其微信号wxid_k3j9x8m2p1收款", [("WECHAT_ID", "wxid_k3j9x8m2p1", "wxid_****")]),
    ("微信（zhanghui_1988）", [("WECHAT_ID", "zhanghui_1988", "zh****")]),
    ("驾驶晋A·7K2P9号小型轿车", [("LICENSE_PLATE", "晋A·7K2P9", "晋A·****9")]),
    ("新能源车晋AD65432", [("LICENSE_PLATE", "晋AD65432", "晋A*****2")]),
    ("护照号码E12345678。", [("PASSPORT", "E12345678", "E******78")]),
    ("持港澳通行证CA2345678入境", [("PASSPORT", "CA2345678", "CA*****78")]),
    ("联系电话03517654321转801", [("PHONE_NUMBER", "03517654321转801", "0351***4321转801")]),
    (
        f"身份证号：{ID_VALID[:6]} {ID_VALID[6:14]} {ID_VALID[14:]}",
        [
            (
                "CN_RESIDENT_ID",
                f"{ID_VALID[:6]} {ID_VALID[6:14]} {ID_VALID[14:]}",
                f"{ID_VALID[:6]}********{ID_VALID[-4:]}",
            )
        ],
    ),
    ("账号 6033 6710 0012 3456 785", [("BANK_CARD", "6033 6710 0012 3456 785", "**** **** **** 6785")]),
    (f"银行卡{CARD}", [("BANK_CARD", CARD, f"**** **** **** {CARD[-4:]}")]),
    (f"统一社会信用代码{USCC_LETTERS}，客服热线400-800-1234，案号（2023）晋01执123号", []),
]


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    pipeline = tmp_path_factory.mktemp("nlp") / "pipeline"
    stdin = "".join(json.dumps({"text": text, "known_names": []}, ensure_ascii=False) + "\n" for text, _ in LINES)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from hub.cli.main import main; main()",
            "redact",
            "--jsonl",
            "--pipeline-dir",
            str(pipeline),
        ],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize(("index", "line"), list(enumerate(LINES)), ids=[text for text, _ in LINES])
def test_each_class_is_reported_and_masked(
    output: list[dict[str, object]], index: int, line: tuple[str, list[tuple[str, str, str]]]
) -> None:
    text, expected = line
    record = output[index]
    entities = record["entities"]
    assert isinstance(entities, list)
    assert [(e["type"], text[e["start"] : e["end"]]) for e in entities] == [(t, found) for t, found, _ in expected]
    assert all(set(e) == {"type", "start", "end", "score"} and 0 < e["score"] <= 1 for e in entities)
    masked = text
    for _, found, form in expected:
        masked = masked.replace(found, form)
    assert record["text"] == masked
