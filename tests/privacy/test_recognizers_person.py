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
        ("当事人张三", "张三"),
        ("申请执行人何洁红", "何洁红"),
        ("被执行人王小明", "王小明"),
        ("法定代表人欧阳建国", "欧阳建国"),
        ("委托代理人李四，", "李四"),
        ("委托代理人上官婉儿，山西某某律师事务所律师", "上官婉儿"),
        ("申请执行人韩楠英工程款363000元及利息", "韩楠英"),
        ("申请执行人王伟货款5000元", "王伟"),
        ("被执行人王小明应于判决生效之日起十日内", "王小明"),
        ("现场负责人赵六拒绝整改", "赵六"),
        ("经营者：刘伟，身份证号码", "刘伟"),
        ("被告人张三，男", "张三"),
        ("诉讼代理人王五。", "王五"),
        ("被申请人孙丽，", "孙丽"),
    ],
)
def test_finds(text: str, expected: str) -> None:
    assert findings(RECOGNIZER, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        *NEVER_PERSONAL,
        "当事人：公司",
        "当事人：王记饭店，",
        "申请人：太原市某某有限公司",
        "当事人：于2024年3月5日",
        "当事人：晋中市某某公司",
        "负责人：未到场",
        "张三，男",
        "姓名：ABC",
        "太原市市场监督管理局",
        "申请执行人太原某某有限公司",
        "申请执行人晋中市某某商贸有限公司货款5000元",
        "被执行人太原市智远大药房股份有限公司应于判决生效之日起十日内履行",
        "被执行人山西和信达商贸有限公司应于判决生效之日起十日内履行",
        "被执行人王家和食品有限公司",
        "被执行人于2024年3月5日",
        "申请执行人5000元",
        "被执行人（2024）晋0105执83号",
        "当事人并市监罚〔2024〕123号",
        "当事人91140100MA0L1234X5",
        "当事人违反了《中华人民共和国行政处罚法》第二十八条",
        "被告违反《中华人民共和国行政处罚法》第二十八条第一款",
        "当事人应当自收到本决定书之日起十五日内缴纳罚款",
        "当事人于当日，",
        "当事人陈述申辩，",
        "当事人施工工地未采取有效防尘降尘措施",
        "当事人安全，",
    ],
)
def test_ignores(text: str) -> None:
    assert findings(RECOGNIZER, text) == []


def test_each_role_keyword_is_followed_by_its_own_name() -> None:
    text = "被执行人王小明应于判决生效之日起十日内支付申请执行人韩楠英工程款363000元及利息"
    assert findings(RECOGNIZER, text) == ["王小明", "韩楠英"]
    assert findings(RECOGNIZER, "法定代表人欧阳建国委托代理人李四") == ["欧阳建国", "李四"]


def test_the_longest_role_keyword_wins() -> None:
    assert findings(RECOGNIZER, "被告人王五") == ["王五"]
    assert findings(RECOGNIZER, "申请执行人王五") == ["王五"]
    assert findings(RECOGNIZER, "被申请人王五") == ["王五"]


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
