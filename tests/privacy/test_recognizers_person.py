"""PERSON recognizers: names after a role keyword, and a record's own known names; no NLP engine."""

from __future__ import annotations

import pytest

from hub.privacy.lac import LacTagger
from hub.privacy.masking import COMPOUND_SURNAMES
from hub.privacy.recognizers import KnownNamesRecognizer, RoleNameRecognizer
from hub.privacy.recognizers.person import SINGLE_SURNAMES, ModelNameRecognizer, sentences
from tests.privacy.cases import NEVER_PERSONAL, findings

RECOGNIZER = RoleNameRecognizer()
MODEL = ModelNameRecognizer(LacTagger, RoleNameRecognizer())
MODEL_ALONE = ModelNameRecognizer(LacTagger)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("当事人：张三，男，", "张三"),
        ("当事人:张三丰。", "张三丰"),
        ("法定代表人：欧阳娜娜（身份证号", "欧阳娜娜"),
        ("负责人: 王五 电话", "王五"),
        ("申请人，李小明", "李小明"),
        ("证人：张三，", "张三"),
        ("书记员王五，电话", "王五"),
        ("承办法官：李四", "李四"),
        ("主管赵六承诺", "赵六"),
        ("法定代表人签字：孙七", "孙七"),
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
        "被执行人房屋已被查封",
        "当事人符合从轻处罚的情形",
        "依据《最高人民法院关于限制被执行人高消费及有关消费的若干规定》第一条",
        "本人郑重承诺",
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


def test_the_later_names_of_a_list_after_a_role_keyword() -> None:
    assert findings(RECOGNIZER, "被执行人张三、李四和王五未履行") == ["张三", "李四", "王五"]
    assert findings(RECOGNIZER, "证人：张三、欧阳娜娜可证明") == ["张三", "欧阳娜娜"]


# The tagger with the rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("被执行人张三、李四、王五未履行生效法律文书确定的义务", ["张三", "李四", "王五"]),
        ("申请执行人杨英民间借贷纠纷一案", ["杨英"]),
        ("经查明，员工尉迟恭于2024年驾驶车辆", ["尉迟恭"]),
        ("证人禚明、仉志强可证明", ["禚明", "仉志强"]),
        ("承办法官缑晓燕，书记员宓雪", ["缑晓燕", "宓雪"]),
        ("执法人员吐尔洪•艾买提、尼玛扎西出示执法证件", ["吐尔洪•艾买提", "尼玛扎西"]),
        ("异议人：阿依古丽·买买提，身份证号", ["阿依古丽·买买提"]),
        ("系“万华博”借用本人名义", ["万华博"]),
        ("现场检查时，店长“王小红”在场", ["王小红"]),
        ("本人尼玛扎西（身份证号：略）郑重承诺", ["尼玛扎西"]),
        ("我单位法定代表人上官萍、财务负责人诸葛丽红、主管陈浩承诺", ["上官萍", "诸葛丽红", "陈浩"]),
        ("申请人：严国，统一社会信用代码", ["严国"]),
        ("财务负责人次仁多吉、主管诸葛勇承诺", ["次仁多吉", "诸葛勇"]),
        # minority names the tagger cuts apart, whole from their syllables
        ("主管努尔艾力承诺所填信息真实", ["努尔艾力"]),
        ("联系人：次仁多吉  联系电话：0351-7654321", ["次仁多吉"]),
        ("异议申请人 扎西顿珠，手机号", ["扎西顿珠"]),
        # a glued name that punctuation or a closing word ends stands, whatever the tagger read
        ("审判员丁敏，书记员仝凯，电话", ["丁敏", "仝凯"]),
        ("负责人崔敏、主管万红承诺所填信息真实", ["崔敏", "万红"]),
        ("证人邓辉建证实当事人自2020年起经营", ["邓辉建"]),
        ("员工禚静秀于2019年12月离职", ["禚静秀"]),
        # signatures, quotes and the parties of a case cause
        ("法定代表人签字：唐敏英本单位太原市某某有限公司", ["唐敏英"]),
        ("系“史国”借用本人名义", ["史国"]),
        ("申请执行人某某物流有限公司、卢勇飞买卖合同纠纷一案", ["卢勇飞"]),
        ("原告某某公司与司马芳超民间借贷纠纷一案", ["司马芳超"]),
    ],
)
def test_the_model_finds(text: str, expected: list[str]) -> None:
    assert findings(MODEL, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        *NEVER_PERSONAL,
        "被执行人房屋已被查封，当事人符合从轻处罚的情形。",
        "依照《最高人民法院关于限制被执行人高消费及有关消费的若干规定》，对其采取限制消费措施。",
        "异议理由：所列当事人并非本人，被执行人高消费行为已被限制，本人从未在太原市经营。",
        "当事人周大福珠宝金行有限公司与李宁体育用品有限公司签订合同。",
        "被执行人张小泉刀剪店、刘一手火锅店未履行义务。",
        "申请人承诺所提交材料真实有效。",
        "在太原市、晋中市等地经营",
        "责令改正，并处人民币伍万元整罚款。",
        "当事人符合从轻处罚的情形，签字盖章后生效。",
        "列入“黑名单”并实施“高消费”限制",
        "某某公司与某某银行借款合同纠纷一案",
    ],
)
def test_the_model_ignores(text: str) -> None:
    assert findings(MODEL, text) == []


def test_the_model_alone_misses_what_the_rules_catch() -> None:
    text = "申请人：严国，统一社会信用代码"
    assert findings(MODEL_ALONE, text) == []
    assert findings(MODEL, text) == ["严国"]


def test_a_rule_name_the_tagger_reads_as_a_verb_is_dropped_only_when_glued() -> None:
    assert findings(RECOGNIZER, "当事人严国拒绝") == ["严国"]
    assert findings(MODEL, "申请人：严国，") == ["严国"]


def test_prepared_texts_are_tagged_in_one_batch() -> None:
    calls: list[int] = []

    class Counting:
        def __init__(self) -> None:
            self.inner = LacTagger()

        def tag(self, batch: list[str]) -> object:
            calls.append(len(batch))
            return self.inner.tag(batch)

    model = ModelNameRecognizer(Counting)
    texts = ["当事人张三到场。证人李四在场。", "执法人员王五检查。", "书记员赵六。"]
    model.prepare(texts)
    assert calls == [4]
    assert [findings(model, t) for t in texts] == [["张三", "李四"], ["王五"], ["赵六"]]
    assert calls == [4]
    assert findings(model, "证人孙七") == ["孙七"]
    assert calls == [4, 1]


def test_the_tagger_is_made_on_first_use() -> None:
    made: list[int] = []

    def factory() -> LacTagger:
        made.append(1)
        return LacTagger()

    model = ModelNameRecognizer(factory)
    assert not model.tagger_loaded
    assert findings(model, "1234") == []
    assert made == []
    findings(model, "当事人张三")
    findings(model, "当事人李四")
    assert made == [1]


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("当事人张三。证人李四！", ["当事人张三。", "证人李四！"]),
        ("第一行\n第二行", ["第一行\n", "第二行"]),
        ("1234。当事人", ["当事人"]),
        ("甲" * 130 + "，" + "乙" * 10, ["甲" * 126, "甲" * 4 + "，" + "乙" * 10]),
        ("张" * 100 + "，" + "王" * 100 + "。", ["张" * 100 + "，", "王" * 100 + "。"]),
    ],
)
def test_sentences(text: str, pieces: list[str]) -> None:
    assert [text[a:b] for a, b in sentences(text)] == pieces
