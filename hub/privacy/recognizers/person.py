"""PERSON: names of natural persons, from the record's own persons or right after a role keyword.

There is no Chinese NER model in the hub. A name is found (a) exactly, when the caller passes the
record's persons as known names, or (b) as 2-4 characters starting with a common surname right
after a role keyword, with or without a separator: `当事人：张三，`, `法定代表人: 欧阳娜娜（`,
`申请执行人何洁红工程款` (glued, at most three characters unless the surname is compound). The
name is the shortest such run that a stop follows (punctuation, a digit, another role keyword, or a
word that ends a name such as 男, 住, 应 or 工程款); no stop in reach, no name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from presidio_analyzer import EntityRecognizer, Pattern, RecognizerResult

from hub.privacy.masking import COMPOUND_SURNAMES
from hub.privacy.recognizers._base import LANGUAGE, ChinesePatternRecognizer

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

SINGLE_SURNAMES: frozenset[str] = frozenset(
    "".join(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
        "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
        "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
        "单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄"
        "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑"
        "迟邝官封谈匡鞠惠荆乐冀郁胥南班储栗燕楚鄢劳谌奚皮粟冼蔺楼闻厉伊仝郜阚权帅屠豆朴盖练廉禹井祖漆巴丰支卿"
        "狄计索宣晋扈晁芮阙浦戈伏鹿薄邸雍辜羊裘亓修邰赫杭况宿鲜印逯隆茹诸慕亢嵇湛戎勾茅尉檀阴昝訾钮蔚顿滑麴雎"
        "郦怀殳逄郏贝鄂暴弓牧隗山宓蓬郗仰秋钭韶蓟赖苍莘贡宰璩濮宦庾暨弘禄沃夔厍巢蒯竺桓"
    )
)
ROLE_KEYWORDS = (
    "当事人",
    "法定代表人",
    "法人代表",
    "负责人",
    "申请人",
    "经办人",
    "户名",
    "开户名",
    "举报人",
    "被执行人",
    "姓名",
    "联系人",
    "委托代理人",
    "投诉人",
    "持卡人",
    "申请执行人",
    "被申请人",
    "经营者",
    "投资人",
    "代理人",
    "诉讼代理人",
    "法定代理人",
    "实际控制人",
    "被举报人",
    "被投诉人",
    "收款人",
    "借款人",
    "担保人",
    "原告",
    "被告",
    "被告人",
    "第三人",
    "上诉人",
    "被上诉人",
)
# Words that begin with a surname but, right after a role keyword, say what the party did.
NOT_NAME_STARTS = (
    "陈述",
    "陈诉",
    "申请",
    "申辩",
    "申报",
    "申领",
    "申诉",
    "应当",
    "应该",
    "应于",
    "应在",
    "应按",
    "应自",
    "应予",
    "应向",
    "应依",
    "应将",
    "应缴",
    "应对",
    "应付",
    "应承",
    "于本",
    "于当",
    "于其",
    "于该",
    "于此",
    "于同",
    "于是",
    "于次",
    "于上",
    "于今",
    "于近",
    "于前",
    "向本",
    "向其",
    "向该",
    "向当",
    "向申",
    "向被",
    "向法",
    "向人",
    "向有",
    "曾经",
    "曾因",
    "曾被",
    "曾于",
    "曾在",
    "尚未",
    "尚欠",
    "尚有",
    "尚在",
    "常年",
    "常住",
    "任何",
    "任意",
    "全部",
    "全额",
    "全体",
    "连续",
    "高价",
    "高于",
    "毛利",
    "安排",
    "安全",
    "施工",
    "付款",
    "方面",
    "卫生",
    "储存",
    "迟报",
    "盖章",
    "成员",
    "司机",
    "董事",
    "党员",
    "农民",
    "班长",
)
ORGANISATION_WORDS = (
    "公司",
    "集团",
    "合作社",
    "商行",
    "经营部",
    "门市部",
    "经销部",
    "工作室",
    "事务所",
    "研究所",
    "研究院",
    "协会",
    "商会",
    "委员会",
    "医院",
    "学校",
    "幼儿园",
    "中心",
    "银行",
    "分行",
    "支行",
    "厂",
    "店",
    "超市",
    "政府",
    "管理局",
    "人民法院",
)
_NOT_NAMES = frozenset({"公司", "本人", "单位", "个人", "不详", "本单位", "同上", "未知", "暂无"})
_ORGANISATION_ENDINGS = tuple("店厂司社行部院局所馆场站队组会处室村镇乡县市区省厅委办")
_STOP_WORDS = (
    "男",
    "女",
    "身份",
    "公民",
    "住",
    "联系",
    "电话",
    "手机",
    "出生",
    "性别",
    "民族",
    "汉族",
    "系",
    "等",
    "于",
    "因",
    "在",
    "的",
    "应",
    "与",
    "和",
    "及",
    "向",
    "为",
    "已",
    "未",
    "拒",
    "将",
    "自",
    "从",
    "对",
    "称",
    "现",
    "经营",
    "支付",
    "偿还",
    "归还",
    "返还",
    "赔偿",
    "承担",
    "履行",
    "签订",
    "借款",
    "货款",
    "工程款",
    "欠款",
    "本金",
    "利息",
    "租金",
    "房屋",
    "劳动",
    "报酬",
    "违约金",
)

KNOWN_NAMES = "KnownNamesRecognizer"
_CJK = r"[\u4e00-\u9fff]"
_COMPOUND = "|".join(sorted(COMPOUND_SURNAMES))
_SINGLE = "".join(sorted(SINGLE_SURNAMES))
_KEYWORDS = "|".join(sorted(ROLE_KEYWORDS, key=len, reverse=True))
_NAME_AFTER_SEPARATOR = rf"(?:(?:{_COMPOUND}){_CJK}{{1,2}}?|[{_SINGLE}]{_CJK}{{1,3}}?)"
# Glued to the keyword, a four-character name with a one-character surname is too rare to tell from
# what the party did (`当事人施工工地未…`).
_NAME_GLUED = rf"(?:(?:{_COMPOUND}){_CJK}{{1,2}}?|[{_SINGLE}]{_CJK}{{1,2}}?)"
_STOPS = "|".join((r"[^\u4e00-\u9fff]", "$", *sorted((*_STOP_WORDS, *ROLE_KEYWORDS), key=len, reverse=True)))
# From the name's first character: a run that reaches an organisation word before a clause word,
# a role keyword or anything but CJK is an organisation's name (`太原市某某有限公司`), not a person's.
_ORGANISATION = re.compile(
    rf"(?:(?!{'|'.join((*ROLE_KEYWORDS, '的', '在', '于', '应', '向', '与', '支付'))}){_CJK}){{0,24}}?"
    rf"(?:{'|'.join(sorted(ORGANISATION_WORDS, key=len, reverse=True))})"
)


class RoleNameRecognizer(ChinesePatternRecognizer):
    """Finds a name written right after a role keyword such as 当事人 or 申请执行人, separated or not.

    The pattern starts at the keyword (alternatives longest first, so `申请执行人` beats `申请人` and
    `被告人` beats `被告`) and reports only the name after it (`\\K`).
    """

    ENTITY = "PERSON"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "role_name",
            rf"(?:{_KEYWORDS})(?:[ \t]*[：:，,\s][ \t]*\K{_NAME_AFTER_SEPARATOR}|\K{_NAME_GLUED})(?={_STOPS})",
            0.85,
        ),
    )
    TRIGGER = re.compile("|".join(ROLE_KEYWORDS))

    def invalidate_result(self, pattern_text: str) -> bool | None:
        """Answers True for words that follow a role keyword but are no name (`公司`, `某某店`, `陈述`)."""
        return (
            pattern_text in _NOT_NAMES
            or pattern_text.endswith(_ORGANISATION_ENDINGS)
            or pattern_text.startswith(NOT_NAME_STARTS)
        )

    def exclude(self, text: str, start: int, end: int) -> bool:
        """Answers whether the supposed name is the start of an organisation's name."""
        return _ORGANISATION.match(text, start) is not None or super().exclude(text, start, end)


class KnownNamesRecognizer(EntityRecognizer):
    """Finds every exact occurrence of the names given for one record (names under two characters skipped)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True))
        super().__init__(supported_entities=["PERSON"], name=KNOWN_NAMES, supported_language=LANGUAGE)

    def load(self) -> None:
        """Answers nothing: there is nothing to load."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Answers one PERSON result per occurrence of a known name."""
        results: list[RecognizerResult] = []
        for name in self.names:
            position = text.find(name)
            while position >= 0:
                end = position + len(name)
                if _stands_alone(text, position, end):
                    results.append(self._result(position, end))
                position = text.find(name, end)
        return results

    def _result(self, start: int, end: int) -> RecognizerResult:
        return RecognizerResult(
            entity_type="PERSON",
            start=start,
            end=end,
            score=1.0,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: KNOWN_NAMES,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Answers whether a Latin-script name is not part of a longer word; CJK names always stand alone."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (
        (text[start].isascii() and before.isascii() and before.isalnum())
        or (text[end - 1].isascii() and after.isascii() and after.isalnum())
    )
