"""PERSON: names of natural persons, from the record's own persons, a role keyword, or a statistical tagger.

A name is found (a) exactly, when the caller passes the record's persons as known names; (b) as 2-4
characters starting with a common surname right after a role keyword, with or without a separator:
`当事人：张三，`, `法定代表人: 欧阳娜娜（`, `申请执行人何洁红工程款` (glued, at most three characters
unless the surname is compound); the name is the shortest such run that a stop follows (punctuation, a
digit, another role keyword, or a word that ends a name such as 男, 住, 应 or 工程款); no stop in reach,
no name; (c) where a tagger (Baidu LAC, hub/privacy/lac.py) marks a word `PER`: names in lists, glued to
what follows, in quotes, with rare or compound surnames, minority names with or without a middle dot.
A tagged name that starts an organisation's name (`周大福珠宝金行`, `张小泉刀剪店`) is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol

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
        "禚仉缑佴眭笪酆苌揭闾"
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
    "员工",
    "主管",
    "证人",
    "承办法官",
    "审判员",
    "审判长",
    "书记员",
    "签字",
    "执法人员",
    "执行干警",
    "送达人",
    "受送达人",
    "异议人",
    "异议申请人",
    "承诺人",
    "财务负责人",
    "店长",
    "被处罚人",
    "违法行为人",
    "本人",
    "签字",
    "签名",
    "我叫",
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
    "房屋",
    "房产",
    "符合",
    "高消费",
    "郑重",
    "宿舍",
    "名下",
    "车辆",
    "从未",
    "从事",
    "承诺",
    "于此",
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
_NOT_NAMES = frozenset(
    {"公司", "本人", "单位", "个人", "不详", "本单位", "同上", "未知", "暂无", "盖章", "确认", "高消费", "双公示"}
)
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
    "民间",
    "借贷",
    "纠纷",
    "买卖",
    "合同",
    "劳务",
    "诉",
    "一案",
    "负责",
    "可",
    "采取",
    "借用",
    "冒用",
    "出示",
    "拒绝",
    "未能",
    "驾驶",
    "在场",
    "郑重",
    "委托",
    "财务",
    "主管",
    "承诺",
    "证实",
    "证明",
    "本单位",
    "买卖",
    "民间借贷",
    "于",
)

_CLAUSE_WORDS = ("的", "在", "于", "应", "向", "与", "支付", "本单位", "信用承诺")
_CASE_CAUSES = "|".join(
    ("买卖合同纠纷", "民间借贷纠纷", "借款合同纠纷", "租赁合同纠纷", "劳动争议", "合同纠纷", "侵权责任纠纷")
)
# Words after which a glued name is closed whatever the tagger read of it (`主管万红承诺`).
_CLOSING_WORDS = ("承诺", "证实", "证明", "本单位", "买卖合同", "民间借贷", "借用", "负责办理")
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
    rf"(?:(?!{'|'.join((*ROLE_KEYWORDS, *_CLAUSE_WORDS))}){_CJK}){{0,24}}?"
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
        # A name in quotes (`系“张三”借用本人名义`).
        Pattern("quoted_name", rf"(?<=[“\"]){_NAME_AFTER_SEPARATOR}(?=[”\"])", 0.75),
        # A party named right before the cause of a case (`某某公司、张三买卖合同纠纷一案`, `与李四民间借贷纠纷`).
        Pattern("party_before_cause", rf"(?<=[、与和诉])\K{_NAME_GLUED}(?={_CASE_CAUSES})", 0.75),
        # The second and later names of a list after a role keyword: `被执行人张三、李四和王五`.
        Pattern(
            "role_name_list",
            rf"(?<=(?:{_KEYWORDS})[ \t]*[：:，,]?[ \t]*(?:{_NAME_AFTER_SEPARATOR}[、和及])+)"
            rf"{_NAME_AFTER_SEPARATOR}(?={_STOPS})",
            0.85,
        ),
    )
    TRIGGER = re.compile("|".join((*ROLE_KEYWORDS, "“", '"', "纠纷", "争议")))

    def invalidate_result(self, pattern_text: str) -> bool | None:
        """Answers True for words that follow a role keyword but are no name (`公司`, `某某店`, `陈述`)."""
        return (
            pattern_text in _NOT_NAMES
            or pattern_text.endswith(_ORGANISATION_ENDINGS)
            or pattern_text.startswith(NOT_NAME_STARTS)
        )

    def exclude(self, text: str, start: int, end: int) -> bool:
        """Answers whether the supposed name starts an organisation's name or lies in a title (`《…》`)."""
        return (
            _ORGANISATION.match(text, start) is not None
            or _inside_title(text, start)
            or super().exclude(text, start, end)
        )


def _inside_title(text: str, position: int) -> bool:
    """Answers whether a position lies between `《` and its `》` (a statute's or document's title)."""
    opened = text.rfind("《", 0, position)
    return opened >= 0 and text.rfind("》", opened, position) < 0 and text.find("》", position) >= 0


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


class TaggedWord(Protocol):
    """A word a tagger found: where it is in its sentence and its tag (`PER` for a person's name)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def tag(self) -> str: ...


class Tagger(Protocol):
    """Tags sentences: the words of each, in order."""

    def tag(self, sentences: Sequence[str]) -> Sequence[Sequence[TaggedWord]]:
        """Answers the words of each sentence."""
        ...


MODEL_NAMES = "ModelNameRecognizer"
# Syllables of Uyghur, Kazakh, Tibetan and Mongolian given names as written in Chinese: two or more of them
# in a row make a name the tagger often cuts apart (`努尔|艾力`, `次|仁多吉`).
MINORITY_SYLLABLES: tuple[str, ...] = tuple(
    sorted(
        {
            "艾力",
            "买买提",
            "艾买提",
            "阿不都",
            "阿卜杜",
            "热合曼",
            "吐尔洪",
            "努尔",
            "古丽",
            "阿依",
            "帕提",
            "迪丽",
            "热依拉",
            "木拉提",
            "艾尼瓦尔",
            "依明",
            "吾斯曼",
            "玉素甫",
            "托合提",
            "阿力木",
            "麦麦提",
            "伊力",
            "克孜",
            "亚森",
            "肉孜",
            "卡德尔",
            "赛买提",
            "铁木尔",
            "库尔班",
            "努尔兰",
            "米吉提",
            "如克亚",
            "祖丽",
            "别克",
            "阿布都",
            "艾合买提",
            "吐逊",
            "艾山",
            "吾买尔",
            "阿地力",
            "买合木提",
            "地力夏提",
            "热娜",
            "阿米娜",
            "沙吾提",
            "次仁",
            "扎西",
            "多吉",
            "尼玛",
            "卓玛",
            "顿珠",
            "格桑",
            "央金",
            "拉姆",
            "旦增",
            "平措",
            "达瓦",
            "索朗",
            "普布",
            "德吉",
            "次旦",
            "白玛",
            "洛桑",
            "强巴",
            "罗布",
            "仁青",
            "曲珍",
            "边巴",
            "米玛",
            "拉巴",
            "益西",
            "贡布",
            "才让",
            "卓嘎",
            "措姆",
            "琼达",
            "多杰",
            "吉美",
            "桑杰",
            "仁增",
            "群培",
            "巴桑",
            "巴特尔",
            "其其格",
            "乌力吉",
            "额尔敦",
            "宝力德",
            "苏和",
            "巴图",
            "那仁",
            "图雅",
            "朝鲁",
            "阿拉坦",
            "斯琴",
            "乌云",
            "萨仁",
            "孟和",
        },
        key=len,
        reverse=True,
    )
)
_MINORITY_RUN = re.compile(rf"(?:{'|'.join(MINORITY_SYLLABLES)})(?:[·•・.．]?(?:{'|'.join(MINORITY_SYLLABLES)}))+")
MAX_SENTENCE = 126
_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
_CLAUSE_END = re.compile(r"[，,、：:]")
_HAN_RUN = re.compile(rf"{_CJK}{{2}}")
_DOTS = "·•・.．"
_NAME_CHARS = re.compile(rf"{_CJK}+(?:[{_DOTS}]{_CJK}+)*")
_NAME_LIKE_TAGS = frozenset({"LOC", "nz"})
# An amount written in words (`伍万元整`): 伍 is a surname too.
_AMOUNT_IN_WORDS = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿一二三四五六七八九十百千两]+[元圆]")
_PLACE_ENDINGS = tuple("省市区县镇乡村路街道旗州盟国")
# After a middle dot: the second part of a name, up to the first stop (`阿不都` of `阿不都于2017年`).
_SECOND_PART = re.compile(rf"(?:(?!{_STOPS}){_CJK}){{2,8}}")


def sentences(text: str) -> list[tuple[int, int]]:
    """Answers the spans of the text's sentences (at most MAX_SENTENCE characters, cut at a comma if longer)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        while end - start > MAX_SENTENCE:
            cut = max((m.end() for m in _CLAUSE_END.finditer(text, start, start + MAX_SENTENCE)), default=0)
            cut = cut if cut > start else start + MAX_SENTENCE
            spans.append((start, cut))
            start = cut
        if end > start:
            spans.append((start, end))
        start = end
    return [(a, b) for a, b in spans if _HAN_RUN.search(text, a, b)]


class ModelNameRecognizer(EntityRecognizer):
    """Finds names by a statistical tagger and by the role-keyword rules, each checking the other.

    A word the tagger marks `PER` is a name (joined across a middle dot; organisations' names left out).
    A name the rules find after a role keyword counts too, unless the tagger read exactly those characters
    as a word that no name is (a verb, an adjective, an adverb: `当事人符合`, `本人郑重`).

    The tagger is made on first use (`tagger_factory`), and every sentence of a text goes to it in one
    batch. `prepare` tags the sentences of many texts in one batch and keeps the results for the
    `analyze` calls that follow.
    """

    SCORE = 0.8
    VETO_TAGS = frozenset({"v", "vd", "vn", "a", "ad", "an", "d", "p", "c", "u", "xc", "r", "m", "q", "f", "TIME"})

    def __init__(self, tagger_factory: Callable[[], Tagger], rules: RoleNameRecognizer | None = None) -> None:
        self._rules = rules
        self._factory = tagger_factory
        self._tagger: Tagger | None = None
        self._prepared: dict[str, list[RecognizerResult]] = {}
        super().__init__(supported_entities=["PERSON"], name=MODEL_NAMES, supported_language=LANGUAGE)

    def load(self) -> None:
        """Answers nothing: the tagger is made on first use, or by `load_tagger()`."""

    def load_tagger(self) -> None:
        """Answers nothing; makes the tagger now rather than on the first text."""
        if self._tagger is None:
            self._tagger = self._factory()

    @property
    def tagger_loaded(self) -> bool:
        """Answers whether the tagger has been made."""
        return self._tagger is not None

    def may_match(self, text: str) -> bool:
        """Answers whether the text has two Chinese characters in a row (a name needs them)."""
        return _HAN_RUN.search(text) is not None or bool(self._rules and self._rules.may_match(text))

    def prepare(self, texts: Sequence[str]) -> None:
        """Answers nothing; tags the sentences of all the texts in one batch for the `analyze` calls to come."""
        pending = [t for t in dict.fromkeys(texts) if t not in self._prepared and self.may_match(t)]
        for text, results in zip(pending, self._find(pending), strict=True):
            self._prepared[text] = results

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Answers one PERSON result per name the tagger found."""
        prepared = self._prepared.pop(text, None)
        if prepared is not None:
            return prepared
        return self._find([text])[0] if self.may_match(text) else []

    def forget(self) -> None:
        """Answers nothing; drops prepared results that no `analyze` call took."""
        self._prepared.clear()

    def _find(self, texts: Sequence[str]) -> list[list[RecognizerResult]]:
        self.load_tagger()
        assert self._tagger is not None
        pieces = [(index, span) for index, text in enumerate(texts) for span in sentences(text)]
        tagged = self._tagger.tag([texts[i][a:b] for i, (a, b) in pieces])
        found: list[list[RecognizerResult]] = [[] for _ in texts]
        vetoed: list[set[tuple[int, int]]] = [set() for _ in texts]
        for (index, (offset, _)), words in zip(pieces, tagged, strict=True):
            for start, end in _names(texts[index], offset, words):
                found[index].append(self._result(start, end))
            vetoed[index].update((offset + w.start, offset + w.end) for w in words if w.tag in self.VETO_TAGS)
        if self._rules is not None:
            for index, text in enumerate(texts):
                for result in self._rules.analyze(text, ["PERSON"]):
                    if not _vetoed(text, result.start, result.end, vetoed[index]):
                        found[index].append(self._result(result.start, result.end, result.score))
        for index, text in enumerate(texts):
            found[index].extend(self._result(m.start(), m.end()) for m in _MINORITY_RUN.finditer(text))
        return [self._joined(results) for results in found]

    def _joined(self, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """Answers the results with overlapping ones joined (the rules and the tagger may cut a name apart)."""
        joined: list[RecognizerResult] = []
        for result in sorted(results, key=lambda r: (r.start, -r.end)):
            if joined and result.start < joined[-1].end:
                last = joined[-1]
                joined[-1] = self._result(last.start, max(last.end, result.end), max(last.score, result.score))
            else:
                joined.append(result)
        return joined

    def _result(self, start: int, end: int, score: float = SCORE) -> RecognizerResult:
        # Presidio keeps only results stamped with the id of the recognizer that returned them.
        return RecognizerResult(
            entity_type="PERSON",
            start=start,
            end=end,
            score=score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: MODEL_NAMES,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def _vetoed(text: str, start: int, end: int, words: set[tuple[int, int]]) -> bool:
    """Answers whether a rule's name glued to its keyword is a word the tagger read as no name (`当事人符合`).

    A name that punctuation, a digit or the end of the text closes (`书记员仝凯，`) stands as a name
    whatever the tagger read: a clause word after a role keyword goes on (`当事人符合从轻处罚`).
    """
    glued = start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff"
    closed = end >= len(text) or not "\u4e00" <= text[end] <= "\u9fff" or text.startswith(_CLOSING_WORDS, end)
    return glued and not closed and (start, end) in words and text[start : start + 2] not in COMPOUND_SURNAMES


def _names(text: str, offset: int, words: Sequence[TaggedWord]) -> list[tuple[int, int]]:
    """Answers the spans (in the text) of the sentence's names: PER words, and LOC or nz words where a name stands.

    The tagger reads some names as places or proper nouns (`尼玛扎西`, `万华博`); such a word counts where
    only a name can stand: right after a role keyword, in quotes, or next to a name in a `、` list.
    """
    spans: list[tuple[int, int]] = []
    for index, word in enumerate(words):
        start, end = offset + word.start, offset + word.end
        if word.tag != "PER" and not (
            word.tag in _NAME_LIKE_TAGS
            and not text[start:end].endswith(_PLACE_ENDINGS)
            and not text[start:end].startswith(NOT_NAME_STARTS)
            and _stands_as_name(text, start, end, spans)
        ):
            continue
        start = _before_dot(text, start, offset, words[max(0, index - 2) : index])
        start = _after_keyword(text, start)
        end = _after_dot(text, end)
        if spans and start < spans[-1][1]:
            continue
        name = text[start:end]
        if (
            _NAME_CHARS.fullmatch(name)
            and len(name) >= 2
            and name not in _NOT_NAMES
            and not _ORGANISATION.match(text, start)
            and not _AMOUNT_IN_WORDS.match(text, start)
            and not _inside_title(text, start)
        ):
            spans.append((start, end))
    return spans


def _after_keyword(text: str, start: int) -> int:
    """Answers where a name starts whose first character the tagger cut off after a role keyword
    (`负责人次|仁多吉`, `联系人：次|仁多吉`)."""
    if (
        start > 1
        and "\u4e00" <= text[start - 1] <= "\u9fff"
        and text[: start - 1].rstrip(" \t：:").endswith(ROLE_KEYWORDS)
    ):
        return start - 1
    return start


def _stands_as_name(text: str, start: int, end: int, found: list[tuple[int, int]]) -> bool:
    """Answers whether a span stands where only a name can: after a role keyword, in quotes, in a list of names."""
    if any(keyword in text[start:end] for keyword in ROLE_KEYWORDS):
        return False
    before = text[max(0, start - 8) : start].rstrip(" \t：:")
    if before.endswith(ROLE_KEYWORDS):
        return True
    if start > 0 and text[start - 1] in '“"' and text[end : end + 1] in ("”", '"'):
        return True
    return start > 0 and text[start - 1] in "、和及" and bool(found) and found[-1][1] == start - 1


def _before_dot(text: str, start: int, offset: int, before: Sequence[TaggedWord]) -> int:
    """Answers where a name starts whose first part a middle dot parts from this one (`阿依古丽·买买提`)."""
    if len(before) == 2 and before[1].end - before[1].start == 1 and text[offset + before[1].start] in _DOTS:
        first = before[0]
        if _NAME_CHARS.fullmatch(text, offset + first.start, offset + first.end):
            return offset + first.start
    return start


def _after_dot(text: str, end: int) -> int:
    """Answers where a name ends that a middle dot and a second part continue (`吐尔洪•艾买提`)."""
    if end + 1 >= len(text) or text[end] not in _DOTS:
        return end
    second = _SECOND_PART.match(text, end + 1)
    return second.end() if second else end
