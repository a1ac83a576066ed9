"""PERSON recognizers: names after a role keyword, and a record's own known names; no NLP engine."""

from __future__ import annotations

import pytest

from hub.privacy.masking import COMPOUND_SURNAMES
from hub.privacy.recognizers import KnownNamesRecognizer, RoleNameRecognizer
from hub.privacy.recognizers.person import SINGLE_SURNAMES
from tests.privacy.cases import NEVER_PERSONAL, findings

RECOGNIZER = RoleNameRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("当事人：张三，男，", "张三"),
        ("当事人:张三丰。", "张三丰"),
        ("法定代表人：欧阳娜娜（身份证号", "欧阳娜娜"),
        ("负责人: 王五 电话", "王五"),
        ("申请人，李小明", "李小明"),
        ("经办人：上官婉儿", "上官婉儿"),
        ("户名：赵六", "赵六"),
        ("举报人：周八。", "周八"),
        ("被执行人：孙七于2023年", "孙七"),
        ("姓名 司马光，", "司马光"),
        ("法定代表人：王建中，", "王建中"),
        ("姓名：张三身份证号", "张三"),
    ],
)
def test_finds(text: str, expected: str) -> None:
    assert findings(RECOGNIZER, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        *NEVER_PERSONAL,
        "当事人张三",
        "当事人：公司",
        "当事人：王记饭店，",
        "申请人：太原市某某有限公司",
        "当事人：于2024年3月5日",
        "当事人：晋中市某某公司",
        "负责人：未到场",
        "张三，男",
        "姓名：ABC",
    ],
)
def test_ignores(text: str) -> None:
    assert findings(RECOGNIZER, text) == []


@pytest.mark.parametrize(
    ("names", "text", "expected"),
    [
        (["张三"], "张三于2024年与张三丰见面", ["张三", "张三"]),
        (["张三丰", "张三"], "张三丰", ["张三丰", "张三"]),
        (["李四"], "当事人张三", []),
        (["John Smith"], "John Smith and John Smithson", ["John Smith"]),
        (["王"], "王五", []),
        (["", "  "], "anything", []),
    ],
)
def test_known_names(names: list[str], text: str, expected: list[str]) -> None:
    assert sorted(findings(KnownNamesRecognizer(names), text)) == sorted(expected)


def test_known_names_score_full_confidence() -> None:
    [result] = KnownNamesRecognizer(["张三"]).analyze("见张三", ["PERSON"], None)
    assert (result.entity_type, result.start, result.end, result.score) == ("PERSON", 1, 3, 1.0)


def test_the_surname_lists_are_the_common_ones() -> None:
    assert len(SINGLE_SURNAMES) + len(COMPOUND_SURNAMES) >= 400
    assert {"王", "李", "张", "刘", "陈", "欧", "覃"} <= SINGLE_SURNAMES
    assert {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙"} <= COMPOUND_SURNAMES
    assert {"宇文", "司徒", "夏侯", "令狐", "端木"} <= COMPOUND_SURNAMES
    assert all(len(s) == 1 for s in SINGLE_SURNAMES)
