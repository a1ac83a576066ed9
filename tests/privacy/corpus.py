"""A labelled evaluation set for the detector: generated documents with the exact span of every piece of personal data.

Five kinds of document (penalty decisions, court enforcement notices, objection letters, credit-repair
applications, commitments) are put together from clauses; each clause has several phrasings, each slot
several written forms, and the clauses of a document come in a shuffled order. Every class of
CONTRACT.md is labelled, and decoys (organisation codes, case and document numbers, amounts, dates,
statutes, hotlines, company and place names, role words followed by a common noun) are marked so that
touching one counts against the detector. Pseudonyms such as `贾某` are marked neutral: masking them is
neither a hit nor a false alarm.

Two splits share no phrasing of a clause and no name list: `dev` (tune on it) and `heldout` (only
measure on it). The same seed gives the same documents.

    python -m tests.privacy.corpus --split dev --documents 2000 > dev.jsonl
    python -m tests.privacy.corpus --split heldout --score     # the hub's figures on a split

writes one JSON object a line, `{"text", "known_names", "labels": [{"type","start","end"}], "decoys": [...]}`,
the input shape of `credit-hub redact --jsonl` plus the labels.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from stdnum import luhn
from stdnum.cn import ric, uscc

if TYPE_CHECKING:
    from hub.privacy.redact import Redactor

Split = Literal["dev", "heldout"]
SPLITS: tuple[Split, ...] = ("dev", "heldout")
ENTITY_CLASSES = (
    "PERSON", "CN_RESIDENT_ID", "PHONE_NUMBER", "BANK_CARD", "EMAIL_ADDRESS", "ADDRESS",
    "QQ_NUMBER", "WECHAT_ID", "LICENSE_PLATE", "PASSPORT",
)  # fmt: skip
DECOY = "DECOY"
NEUTRAL = "NEUTRAL"
KINDS = ("penalty", "enforcement", "objection", "repair", "commitment")


@dataclass(frozen=True, slots=True)
class Span:
    """One labelled piece of a document: its class (an entity type, DECOY or NEUTRAL), what it is, where."""

    type: str
    start: int
    end: int
    form: str


@dataclass(frozen=True, slots=True)
class Document:
    """One generated document, the names its record knows, and its labelled spans."""

    id: str
    kind: str
    split: str
    text: str
    known_names: tuple[str, ...]
    spans: tuple[Span, ...]

    def of(self, span_type: str) -> list[Span]:
        """Answers the spans of one class."""
        return [s for s in self.spans if s.type == span_type]


# ---------------------------------------------------------------------------------------------------
# Names: each split its own lists.

NAME_LISTS: dict[Split, dict[str, Sequence[str]]] = {
    "dev": {
        "surnames": "王张陈黄吴徐马胡何林郑谢唐韩邓彭田袁蒋余苏丁沈卢崔谭汪廖夏方邹熊邱薛段侯史贺毛龚万严武莫",
        "given": "伟芳敏静强磊洋勇杰涛超霞刚英华建国志红丽军秀兰鹏辉玉萍娟斌波宇浩凯琳婷雪梅亮飞晨博",
        "compound": ["欧阳", "司马", "上官", "诸葛", "慕容", "尉迟", "皇甫", "公孙"],
        "rare": "禚仉缑逯亓仝郗隗訾昝",
        "minority": [
            "吐尔洪•艾买提",
            "尼玛扎西",
            "阿依古丽·买买提",
            "热依拉·阿不都",
            "次仁多吉",
            "巴特尔",
            "努尔艾力",
            "古丽娜·吐尔逊",
            "扎西顿珠",
            "阿卜杜拉·热合曼",
        ],
    },
    "heldout": {
        "surnames": "李刘杨赵周孙朱郭高罗梁宋许冯曹曾肖董潘杜叶程魏吕任姚姜钟陆范金石贾付孟秦江尹雷龙陶黎",
        "given": "娜明桂平蕾珍慧文燕凤洁琴春云峰东鑫海林晶瑶欣怡子涵梓轩俊彬雨佳诗璐琪阳瑞嘉鸿",
        "compound": ["东方", "宇文", "令狐", "端木", "澹台", "钟离", "司徒", "夏侯"],
        "rare": "佴厍蒯郏殳逄宓暨濮璩",
        "minority": [
            "买买提·吐尔逊",
            "次仁卓玛",
            "古丽娜尔·托合提",
            "格桑央金",
            "艾尔肯•吾斯曼",
            "阿布都热依木",
            "索朗旺姆",
            "帕丽旦·阿合买提",
            "达瓦次仁",
            "米热古丽",
        ],
    },
}

PLACES = [
    ("140105", "山西省", "太原市", "小店区", "0351"),
    ("140106", "山西省", "太原市", "迎泽区", "0351"),
    ("140702", "山西省", "晋中市", "榆次区", "0354"),
    ("410402", "河南省", "平顶山市", "新华区", "0375"),
    ("430104", "湖南省", "长沙市", "岳麓区", "0731"),
    ("510802", "四川省", "广元市", "利州区", "0839"),
    ("230102", "黑龙江省", "哈尔滨市", "道里区", "0451"),
    ("650102", "新疆维吾尔自治区", "乌鲁木齐市", "天山区", "0991"),
    ("320106", "江苏省", "南京市", "鼓楼区", "025"),
    ("440305", "广东省", "深圳市", "南山区", "0755"),
    ("371302", "山东省", "临沂市", "兰山区", "0539"),
    ("130102", "河北省", "石家庄市", "长安区", "0311"),
]
PLATE_PREFIX = {"140": "晋", "410": "豫", "430": "湘", "510": "川", "230": "黑", "650": "新", "320": "苏", "440": "粤"}
ROADS = ["长治路", "坞城南路", "柳巷南路", "建设北路", "解放路", "五一大道", "人民街", "滨河东路", "胜利街", "和平路"]
ESTATES = ["阳光花园", "锦绣家园", "康乐小区", "金地公寓", "华润大厦", "幸福新村", "丽景苑", "万达广场"]
TOWNS = ["城关镇", "北营街道", "东阳镇", "西温庄乡", "杨家堡街道", "黄寨镇"]
VILLAGES = ["李楼村", "王家庄村", "东湖村", "上官村", "南关社区", "北堡村"]
CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Answers 1..999 in Chinese numerals as written in house numbers (`三十五`, `一百零二`)."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{CN_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else CN_DIGITS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (CN_DIGITS[ones] if ones else "")


FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def full_width(text: str) -> str:
    """Answers the text with ASCII letters, digits and signs made full-width, one character for one."""
    return text.translate(FULL_WIDTH)


# ---------------------------------------------------------------------------------------------------
# The document builder.


@dataclass
class _Builder:
    rng: random.Random
    split: Split
    parts: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    length: int = 0

    def add(self, text: str, span_type: str | None = None, form: str = "") -> None:
        if span_type is not None:
            self.spans.append(Span(span_type, self.length, self.length + len(text), form))
        self.parts.append(text)
        self.length += len(text)

    def text(self) -> str:
        return "".join(self.parts)


Slot = Callable[[_Builder], None]


def _name(b: _Builder, form: str | None = None) -> str:
    lists = NAME_LISTS[b.split]
    roll = b.rng.random() if form is None else {"common": 0.0, "compound": 0.75, "rare": 0.85, "minority": 0.93}[form]
    given = lists["given"]
    if roll < 0.75:
        name = b.rng.choice(lists["surnames"]) + "".join(b.rng.choices(given, k=b.rng.choice((1, 2, 2))))
    elif roll < 0.85:
        name = b.rng.choice(lists["compound"]) + "".join(b.rng.choices(given, k=b.rng.choice((1, 2))))
    elif roll < 0.93:
        name = b.rng.choice(lists["rare"]) + "".join(b.rng.choices(given, k=b.rng.choice((1, 2))))
    else:
        name = b.rng.choice(lists["minority"])
        if "·" in name or "•" in name:
            name = name.replace("•", "·").replace("·", b.rng.choice("·•・."))
    return name


def person(b: _Builder, form: str | None = None) -> str:
    """Adds a person's name and answers it."""
    name = _name(b, form)
    b.names.append(name)
    b.add(name, "PERSON", "name")
    return name


def person_list(b: _Builder) -> None:
    """Adds two to four names joined by `、` (or `，`, `和`)."""
    count = b.rng.randint(2, 4)
    last = b.rng.choice(["、", "、", "和", "及"])
    for index in range(count):
        if index:
            b.add(last if index == count - 1 else "、")
        person(b)


def pseudonym(b: _Builder) -> None:
    """Adds an already pseudonymised name (`贾某`, `王某某`): neither to mask nor a false alarm."""
    b.add(b.rng.choice(NAME_LISTS[b.split]["surnames"]) + b.rng.choice(["某", "某某", "某甲"]), NEUTRAL, "pseudonym")


def _digits(b: _Builder, count: int) -> str:
    return "".join(b.rng.choices("0123456789", k=count))


def _maybe_wide(b: _Builder, text: str) -> str:
    return full_width(text) if b.rng.random() < 0.1 else text


def resident_id(b: _Builder, division: str | None = None) -> None:
    """Adds a resident ID in one of its written forms."""
    division = division or b.rng.choice(PLACES)[0]
    born = f"{b.rng.randint(1950, 2005)}{b.rng.randint(1, 12):02d}{b.rng.randint(1, 28):02d}"
    body = f"{division}{born}{_digits(b, 3)}"
    code = body + ric.calc_check_digit(body + "0")
    form = b.rng.choices(
        ["plain", "lower_x", "grouped_684", "grouped_44442", "id15", "wrong_check"], [8, 1, 1, 1, 1, 1]
    )[0]
    if form == "lower_x" or (form == "plain" and code.endswith("X")):
        body = body[:-3] + "00" + str(b.rng.randint(0, 9))
        while ric.calc_check_digit(body + "0") != "X":
            body = body[:-3] + _digits(b, 3)
        code = (body + "X").lower() if form == "lower_x" else body + "X"
    elif form == "grouped_684":
        code = f"{code[:6]} {code[6:14]} {code[14:]}"
    elif form == "grouped_44442":
        code = " ".join(code[i : i + 4] for i in range(0, 18, 4))
    elif form == "id15":
        code = division + born[2:] + _digits(b, 3)
    elif form == "wrong_check":
        code = code[:-1] + ("1" if code[-1] != "1" else "2")
    b.add(_maybe_wide(b, code), "CN_RESIDENT_ID", form)


def mobile(b: _Builder) -> None:
    """Adds a mobile number in one of its written forms."""
    number = f"1{b.rng.choice('3456789')}{_digits(b, 9)}"
    form = b.rng.choice(["plain", "plain", "dashes", "spaces", "plus86", "0086"])
    text = {
        "plain": number,
        "dashes": f"{number[:3]}-{number[3:7]}-{number[7:]}",
        "spaces": f"{number[:3]} {number[3:7]} {number[7:]}",
        "plus86": f"+86 {number}",
        "0086": f"0086-{number}",
    }[form]
    b.add(_maybe_wide(b, text), "PHONE_NUMBER", f"mobile_{form}")


def landline(b: _Builder, area: str | None = None) -> None:
    """Adds a landline number, with or without separator or extension."""
    area = area or b.rng.choice(PLACES)[4]
    local = str(b.rng.randint(2, 8)) + _digits(b, 6 if len(area) == 4 else 7)
    form = b.rng.choice(["dash", "paren", "glued", "ext", "ext_zhuan"])
    text = {
        "dash": f"{area}-{local}",
        "paren": f"（{area}）{local}",
        "glued": f"{area}{local}",
        "ext": f"{area}-{local}-{b.rng.randint(100, 999)}",
        "ext_zhuan": f"{area}-{local}转{b.rng.randint(100, 999)}",
    }[form]
    b.add(_maybe_wide(b, text), "PHONE_NUMBER", f"landline_{form}")


def phone(b: _Builder) -> None:
    """Adds a mobile or a landline number."""
    (mobile if b.rng.random() < 0.65 else landline)(b)


def bank_card(b: _Builder) -> None:
    """Adds a bank card or account number, Luhn-valid or not, grouped or not."""
    bins = ["622202", "622848", "621700", "623668", "622588", "625966", "436742", "955880"]
    body = b.rng.choice(bins) + _digits(b, b.rng.choice((9, 12)))
    number = body + (luhn.calc_check_digit(body) if b.rng.random() < 0.8 else _digits(b, 1))
    form = b.rng.choice(["plain", "plain", "grouped"])
    if form == "grouped":
        number = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    b.add(_maybe_wide(b, number), "BANK_CARD", form)


def email(b: _Builder) -> None:
    """Adds an e-mail address."""
    local = "".join(b.rng.choices("abcdefghijklmnopqrstuvwxyz", k=b.rng.randint(3, 8))) + _digits(b, 2)
    domain = b.rng.choice(["163.com", "qq.com", "126.com", "sina.com", "example.cn", "foxmail.com"])
    b.add(f"{local}@{domain}", "EMAIL_ADDRESS", "plain")


def address(b: _Builder) -> None:
    """Adds a street-level address: admin units, then road and number, estate and room, or village."""
    _, province, city, district, _ = b.rng.choice(PLACES)
    head = b.rng.choice([province + city + district, city + district, district])
    form = b.rng.choice(["road", "road_cn", "estate", "yard", "village"])
    number = b.rng.randint(1, 300)
    if form == "road":
        tail = f"{b.rng.choice(ROADS)}{number}号"
        if b.rng.random() < 0.5:
            tail += f"{b.rng.randint(1, 20)}号楼{b.rng.randint(1, 6)}单元{b.rng.randint(1, 30)}0{b.rng.randint(1, 4)}室"
    elif form == "road_cn":
        tail = f"{b.rng.choice(ROADS)}{cn_number(number)}号"
    elif form == "estate":
        room = f"{b.rng.randint(1, 30)}栋{b.rng.randint(1, 30)}0{b.rng.randint(1, 4)}室"
        tail = f"{b.rng.choice(ROADS)}{number}号{b.rng.choice(ESTATES)}{room}"
    elif form == "yard":
        tail = f"{b.rng.choice(ROADS)}{number}号院{b.rng.randint(1, 9)}号楼"
    else:
        tail = f"{b.rng.choice(TOWNS)}{b.rng.choice(VILLAGES)}{b.rng.randint(1, 12)}组"
    b.add(head + tail, "ADDRESS", form)


def qq(b: _Builder) -> None:
    """Adds a QQ number (5 to 11 digits, no leading zero)."""
    b.add(str(b.rng.randint(1, 9)) + _digits(b, b.rng.randint(4, 10)), "QQ_NUMBER", "digits")


def wechat(b: _Builder) -> None:
    """Adds a WeChat ID in one of its shapes."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    form = b.rng.choice(["wxid", "name_year", "name_dash"])
    text = {
        "wxid": "wxid_" + "".join(b.rng.choices(letters + "0123456789", k=14)),
        "name_year": "".join(b.rng.choices(letters, k=b.rng.randint(4, 8))) + f"_{b.rng.randint(1970, 2005)}",
        "name_dash": "".join(b.rng.choices(letters, k=b.rng.randint(3, 6))).capitalize() + f"-{_digits(b, 4)}",
    }[form]
    b.add(text, "WECHAT_ID", form)


def plate(b: _Builder) -> None:
    """Adds a licence plate: ordinary, with a middle dot, or new-energy."""
    province = b.rng.choice(list(PLATE_PREFIX.values()))
    letter = b.rng.choice("ABCDEFGHJK")
    form = b.rng.choice(["plain", "dot", "new_energy"])
    tail = "".join(b.rng.choices("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", k=4)) + _digits(b, 1)
    if form == "new_energy":
        tail = b.rng.choice("DF") + _digits(b, 5)
    text = f"{province}{letter}{'·' if form == 'dot' else ''}{tail}"
    b.add(text, "LICENSE_PLATE", form)


def passport(b: _Builder) -> None:
    """Adds a passport or travel-permit number with the words that say which."""
    form = b.rng.choice(["passport_e", "passport_g", "hk_macao", "taiwan", "home_return"])
    word, number = {
        "passport_e": ("护照号码", f"E{b.rng.choice(['', 'A', 'B'])}{_digits(b, 7)}"),
        "passport_g": ("护照", f"G{_digits(b, 8)}"),
        "hk_macao": ("往来港澳通行证号", f"C{_digits(b, 8)}"),
        "taiwan": ("往来台湾通行证", f"L{_digits(b, 8)}"),
        "home_return": ("港澳居民来往内地通行证", f"{b.rng.choice('HM')}{_digits(b, 8)}"),
    }[form]
    if form == "passport_e" and len(number) == 8:
        number += _digits(b, 1)
    b.add(word + b.rng.choice(["：", ":", " ", ""]))
    b.add(_maybe_wide(b, number), "PASSPORT", form)


# Decoys ---------------------------------------------------------------------------------------------


def organisation_code(b: _Builder) -> None:
    """Adds a valid unified social credit code (decoy)."""
    division = b.rng.choice(PLACES)[0]
    body = f"{b.rng.choice(['91', '92', '93', '12'])}{division}{b.rng.choice(['MA', '00', '57'])}{_digits(b, 7)}"
    body = body[:17]
    code = body + uscc.calc_check_digit(body)
    b.add(code, DECOY, "uscc")


def registration_number(b: _Builder) -> None:
    """Adds a 15-digit business registration number (decoy; its 'birth date' is no date)."""
    b.add(b.rng.choice(PLACES)[0] + "2000" + _digits(b, 5), DECOY, "registration_number")


def case_number(b: _Builder) -> None:
    """Adds a court case number (decoy)."""
    year = b.rng.randint(2018, 2025)
    court = b.rng.choice(["晋0105", "豫0402", "湘0104", "川0802", "黑0102", "新0102", "苏0106"])
    b.add(
        f"（{year}）{court}{b.rng.choice(['执', '执恢', '民初', '执异'])}{b.rng.randint(1, 9999)}号",
        DECOY,
        "case_number",
    )


def document_number(b: _Builder) -> None:
    """Adds an administrative document number (decoy)."""
    year = b.rng.randint(2018, 2025)
    prefix = b.rng.choice(["并市监罚", "晋市监处罚", "长环罚", "深市监罚", "宁税稽罚", "榆应急罚"])
    brackets = b.rng.choice(["〔〕", "[]", "（）", "【】"])
    b.add(f"{prefix}{brackets[0]}{year}{brackets[1]}{b.rng.randint(1, 999)}号", DECOY, "document_number")


def amount(b: _Builder) -> None:
    """Adds an amount of money in one of its written forms (decoy)."""
    value = b.rng.randint(1, 400) * 250
    text = b.rng.choice(
        [f"人民币{value:,}.00元", f"{value}元", f"人民币{value}元整", f"{value / 10000:g}万元", "人民币伍万元整"]
    )
    b.add(text, DECOY, "amount")


def date(b: _Builder) -> None:
    """Adds a date (decoy)."""
    y, m, d = b.rng.randint(2015, 2025), b.rng.randint(1, 12), b.rng.randint(1, 28)
    b.add(
        b.rng.choice([f"{y}年{m}月{d}日", f"{y}-{m:02d}-{d:02d}", f"{y}.{m}.{d}", f"{y}年{m:02d}月{d:02d}日"]),
        DECOY,
        "date",
    )


STATUTES = [
    "《中华人民共和国食品安全法》第一百二十四条",
    "《中华人民共和国产品质量法》第四十九条",
    "《中华人民共和国行政处罚法》第二十八条第一款",
    "《最高人民法院关于限制被执行人高消费及有关消费的若干规定》",
    "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
    "《中华人民共和国民事诉讼法》第二百六十二条",
    "《优化营商环境条例》第三十条",
]


def statute(b: _Builder) -> None:
    """Adds a statute title with an article (decoy)."""
    b.add(b.rng.choice(STATUTES), DECOY, "statute")


def hotline(b: _Builder) -> None:
    """Adds a service hotline (decoy: not a person's number)."""
    b.add(
        b.rng.choice(["12345", "12315", "12368", "95588", "95533", "400-810-8888", "4006-123-456", "800-820-5100"]),
        DECOY,
        "hotline",
    )


COMPANIES = [
    "周大福珠宝金行有限公司", "李宁体育用品有限公司", "王老吉大健康产业有限公司", "张小泉刀剪店",
    "太原市某某商贸有限公司", "晋中市宏达建材有限公司", "马应龙药业集团股份有限公司", "陈李济药厂",
    "平顶山市鑫源物流有限公司", "长沙市岳麓区胡记餐饮店", "刘一手火锅店", "杨国福麻辣烫加盟店",
]  # fmt: skip


def company(b: _Builder) -> None:
    """Adds a company's name, some shaped like a person's (decoy)."""
    b.add(b.rng.choice(COMPANIES), DECOY, "company")


def place(b: _Builder) -> None:
    """Adds a place name above street level (decoy)."""
    _, province, city, district, _ = b.rng.choice(PLACES)
    b.add(b.rng.choice([city, province + city, city + district, province]), DECOY, "place")


ROLE_DECOYS: dict[Split, list[tuple[str, str, str]]] = {
    "dev": [
        ("被执行人", "房屋", "已被查封"),
        ("当事人", "符合", "从轻处罚的情形"),
        ("被执行人", "名下", "车辆已被扣押"),
        ("当事人", "主动", "消除违法行为危害后果"),
        ("申请人", "曾因", "同一事项被处罚"),
        ("被执行人", "高消费", "行为已被限制"),
    ],
    "heldout": [
        ("申请人", "符合", "信用修复条件"),
        ("当事人", "违法", "行为轻微"),
        ("申请人", "承诺", "所提交材料真实有效"),
        ("被执行人", "房产", "已被依法拍卖"),
        ("当事人", "经营", "场所位于本市"),
        ("被执行人", "银行", "存款已被冻结"),
    ],
}


def role_decoy(b: _Builder) -> None:
    """Adds a role word followed by what is no name (`被执行人房屋已被查封`): the word after it is the decoy."""
    role, word, rest = b.rng.choice(ROLE_DECOYS[b.split])
    b.add(role)
    b.add(word, DECOY, "role_word")
    b.add(rest)


# ---------------------------------------------------------------------------------------------------
# Templates: a phrasing is a string with {slot} markers; the slots say what is put there.

SLOTS: dict[str, Slot] = {
    "P": person,
    "PL": person_list,
    "PSEUDO": pseudonym,
    "ID": resident_id,
    "PHONE": phone,
    "MOBILE": mobile,
    "TEL": landline,
    "CARD": bank_card,
    "EMAIL": email,
    "ADDR": address,
    "QQ": qq,
    "WX": wechat,
    "PLATE": plate,
    "PASSPORT": passport,
    "USCC": organisation_code,
    "REGNO": registration_number,
    "CASE": case_number,
    "DOCNO": document_number,
    "AMOUNT": amount,
    "DATE": date,
    "LAW": statute,
    "HOTLINE": hotline,
    "COMPANY": company,
    "PLACE": place,
    "ROLEDECOY": role_decoy,
}
_SLOT = re.compile(r"\{([A-Z]+)\}")

# Each clause: its phrasings. Even-numbered phrasings are dev, odd-numbered held out.
CLAUSES: dict[str, list[str]] = {
    "party_person": [
        "当事人：{P}，性别：男，公民身份号码：{ID}，住址：{ADDR}，联系电话：{PHONE}。",
        "当事人 {P}（身份证号{ID}），住{ADDR}，手机{MOBILE}。",
        "当事人:{P},身份证号码:{ID},住所地:{ADDR},电话:{PHONE}.",
        "被处罚人{P}，女，{DATE}出生，身份证：{ID}，现住{ADDR}，联系方式{PHONE}。",
        "当事人姓名：{P}　证件号码：{ID}　住址：{ADDR}　联系电话：{PHONE}",
        "违法行为人：{P}，公民身份号码{ID}，户籍地{ADDR}，电话{PHONE}，微信号{WX}。",
    ],
    "party_company": [
        "当事人：{COMPANY}，统一社会信用代码：{USCC}，住所：{ADDR}，法定代表人：{P}，联系电话：{PHONE}。",
        "当事人名称：{COMPANY}；统一社会信用代码 {USCC}；法定代表人（负责人） {P}；经营场所 {ADDR}。",
        "当事人{COMPANY}（注册号{REGNO}），法定代表人{P}，身份证号{ID}，电话{TEL}。",
        "被处罚单位：{COMPANY}，社会信用代码：{USCC}，负责人：{P}，联系人：{P}，电话：{PHONE}。",
        "当事人:{COMPANY},信用代码:{USCC},法人代表:{P},手机:{MOBILE},邮箱:{EMAIL}.",
        "涉案主体 {COMPANY}，统一社会信用代码{USCC}，其实际控制人为{P}，联系电话{PHONE}。",
    ],
    "facts_penalty": [
        "现查明：{DATE}，执法人员{P}、{P}对当事人经营场所进行检查，发现其销售不合格商品，货值{AMOUNT}。",
        "经查，当事人于{DATE}在{PLACE}销售过期食品，货值金额{AMOUNT}，违法所得{AMOUNT}。",
        "经查明，员工{P}于{DATE}驾驶车牌号为{PLATE}的车辆运输未经检验的肉品，{ROLEDECOY}。",
        "{DATE}，本局执法人员{P}和{P}在{PLACE}检查时发现，当事人店内主管{P}未能提供进货票据。",
        "经调查，{ROLEDECOY}；证人{P}证实当事人自{DATE}起销售上述商品，违法所得{AMOUNT}。",
        "现场检查时，店长“{P}”在场，执法人员{P}出示执法证件，{PSEUDO}拒绝签字。",
    ],
    "basis_penalty": [
        "当事人的行为违反了{LAW}的规定，依据{LAW}，决定罚款{AMOUNT}。",
        "依据{LAW}之规定，责令当事人改正，并处{AMOUNT}罚款，{ROLEDECOY}。",
        "鉴于{ROLEDECOY}，根据{LAW}，本局决定从轻处罚，罚款{AMOUNT}。",
        "以上事实有现场笔录、询问笔录及{P}的证言为证，违反了{LAW}。",
    ],
    "payment": [
        "罚款请于十五日内缴至指定账户，逾期每日按罚款数额的百分之三加处罚款。咨询电话：{HOTLINE}。",
        "当事人可通过银行卡{CARD}退还的款项将原路退回；如有疑问请拨打{HOTLINE}。",
        "罚没款缴纳账户开户名：{P}，账号：{CARD}，开户行：中国工商银行{PLACE}支行。",
        "请于收到本决定书之日起十五日内缴纳罚款，监督电话{HOTLINE}，联系人{P}，电话{TEL}。",
    ],
    "enforcement_head": [
        "{PLACE}人民法院 执行通知书 {CASE}",
        "执行裁定书（{CASE}）",
        "{PLACE}中级人民法院\n限制消费令 {CASE}",
        "执行决定书 {CASE} 立案日期：{DATE}",
    ],
    "enforcement_parties": [
        "申请执行人{P}民间借贷纠纷一案，被执行人{P}、{P}未履行生效法律文书确定的义务。",
        "申请执行人：{P}，住{ADDR}。被执行人：{PL}，身份证号{ID}。",
        "申请执行人{P}与被执行人{COMPANY}、{P}买卖合同纠纷一案，本院依法立案执行。",
        "本院受理的申请执行人 {P} 与被执行人 {P}、{P} 劳务合同纠纷一案，{ROLEDECOY}。",
        "被执行人：{P}，男，汉族，{DATE}出生，公民身份号码{ID}，住{ADDR}，联系电话{MOBILE}，车牌{PLATE}。",
        "申请执行人{P}诉被执行人{P}、{P}、{P}借款合同纠纷一案，已发生法律效力。",
    ],
    "enforcement_body": [
        "依照{LAW}，{ROLEDECOY}。被执行人应于{DATE}前履行给付{AMOUNT}的义务。",
        "被执行人名下银行账户{CARD}内存款{AMOUNT}已被冻结，被执行人车辆{PLATE}已被查封。",
        "依据{LAW}，对被执行人{P}采取限制消费措施，不得乘坐飞机、列车软卧。",
        "承办法官：{P}  书记员：{P}  联系电话：{TEL}",
        "如不服本裁定，可向本院提出书面异议。承办法官{P}，书记员{P}，电话{TEL}。",
        "被执行人可将执行款汇入本院账户，或联系执行干警{P}（{TEL}）。",
    ],
    "objection": [
        "异议人：{P}，身份证号：{ID}，联系电话：{MOBILE}，电子邮箱：{EMAIL}，住址：{ADDR}。",
        "本人{P}，身份证号码{ID}，对贵中心公示的{DOCNO}行政处罚信息提出异议，联系电话{PHONE}。",
        "异议申请人 {P}，手机号 {MOBILE}，QQ：{QQ}，微信：{WX}，{PASSPORT}，现居{ADDR}。",
        "申请人：{P}；证件：{PASSPORT}；电话：{PHONE}；QQ号码：{QQ}；通讯地址：{ADDR}；邮箱：{EMAIL}。",
        "我叫{P}，身份证{ID}，我认为{DOCNO}中记载的违法事实与我无关，请联系我{MOBILE}或QQ号{QQ}。",
        "异议人{P}（{PASSPORT}）委托代理人{P}，代理人电话{MOBILE}，微信号：{WX}，qq {QQ}。",
    ],
    "objection_reason": [
        "异议理由：{DOCNO}所列当事人并非本人，{ROLEDECOY}，本人从未在{PLACE}经营，系“{P}”借用本人名义。",
        "理由如下：该信息所列{COMPANY}与本人无关，相关罚款{AMOUNT}已于{DATE}缴清。",
        "事实与理由：{PSEUDO}冒用本人身份证办理营业执照，已于{DATE}报案，证人{P}、{P}可证明。",
        "本人已于{DATE}履行完毕，依据{LAW}申请更正。",
    ],
    "repair": [
        "信用修复申请书\n申请人：{P}，统一社会信用代码{USCC}，法定代表人{P}，经办人{P}，联系电话{MOBILE}。",
        "申请主体：{COMPANY}（{USCC}），联系人 {P}，手机 {MOBILE}，邮箱 {EMAIL}，地址 {ADDR}。",
        "申请人{P}因{DOCNO}行政处罚申请信用修复，{ROLEDECOY}，罚款{AMOUNT}已缴纳。",
        "修复申请人：{COMPANY}；统一社会信用代码：{USCC}；法定代表人：{P}（身份证号{ID}）；经办人：{P}，{PHONE}。",
        "兹有我单位员工{P}、{P}负责办理信用修复事宜，联系电话{PHONE}，微信{WX}。",
        "委托代理人{P}，身份证号{ID}，受{COMPANY}委托，联系电话{PHONE}。",
    ],
    "commitment": [
        "信用承诺书\n本人{P}（身份证号：{ID}，{PASSPORT}）郑重承诺：{ROLEDECOY}。承诺人：{P}，{DATE}。",
        "承诺人（签字）：{P}    日期：{DATE}",
        "本单位{COMPANY}（统一社会信用代码{USCC}）承诺遵守{LAW}。法定代表人签字：{P}",
        "承诺人：{P}  联系电话：{PHONE}  住址：{ADDR}",
        "我单位法定代表人{P}、财务负责人{P}、主管{P}承诺所填信息真实。联系人邮箱{EMAIL}。",
        "承诺单位（盖章）：{COMPANY}  法定代表人（签字）：{P}  联系电话：{PHONE}  车辆号牌：{PLATE}",
    ],
    "closing": [
        "如不服本决定，可在收到之日起六十日内向{PLACE}人民政府申请行政复议。\n{DATE}",
        "特此通知。\n{PLACE}市场监督管理局\n{DATE}",
        "联系人：{P}  联系电话：{TEL}  监督电话：{HOTLINE}",
        "本文书一式三份。送达人：{P}  受送达人：{P}  {DATE}",
        "（此页无正文）\n{DATE}",
        "附：{PLACE}信用中心服务热线{HOTLINE}，经办人{P}。",
    ],
}

DOCUMENTS: dict[str, list[list[str]]] = {
    "penalty": [["party_person", "party_company"], ["facts_penalty"], ["basis_penalty"], ["payment"], ["closing"]],
    "enforcement": [["enforcement_head"], ["enforcement_parties"], ["enforcement_body"], ["enforcement_body"]],
    "objection": [["objection"], ["objection_reason"], ["objection_reason"], ["closing"]],
    "repair": [["repair"], ["repair"], ["objection_reason"], ["closing"]],
    "commitment": [["commitment"], ["commitment"], ["commitment"]],
}
_HEADERS = {"enforcement_head"}


def phrasings(clause: str, split: Split) -> list[str]:
    """Answers the phrasings of a clause that belong to a split."""
    offset = SPLITS.index(split)
    return CLAUSES[clause][offset::2]


def _separator(b: _Builder) -> str:
    return b.rng.choice(["", "\n", "\n", " ", "\n\n"])


def _fill(b: _Builder, phrasing: str) -> None:
    position = 0
    for match in _SLOT.finditer(phrasing):
        b.add(_punctuate(b, phrasing[position : match.start()]))
        SLOTS[match.group(1)](b)
        position = match.end()
    b.add(_punctuate(b, phrasing[position:]))


def _punctuate(b: _Builder, text: str) -> str:
    """Answers the literal text with its punctuation and spacing varied as clerks type it."""
    if b.rng.random() < 0.15:
        text = text.replace("：", ":").replace("，", ",")
    if b.rng.random() < 0.1:
        text = text.replace("：", "： ").replace(":", ": ")
    return text


def document(rng: random.Random, split: Split, kind: str, number: int) -> Document:
    """Answers one generated document of a kind."""
    b = _Builder(rng, split)
    sections = DOCUMENTS[kind]
    head = [s for s in sections if s[0] in _HEADERS]
    rest = [s for s in sections if s[0] not in _HEADERS]
    if kind in ("penalty", "objection", "repair"):
        middle = rest[1:-1]
        rng.shuffle(middle)
        rest = [rest[0], *middle, rest[-1]] if len(rest) > 1 else rest
    else:
        rng.shuffle(rest)
    for index, options in enumerate([*head, *rest]):
        if index:
            b.add(_separator(b))
        _fill(b, rng.choice(phrasings(rng.choice(options), split)))
    text = b.text()
    known = tuple(dict.fromkeys(b.names[: rng.choice((0, 1, 2))])) if rng.random() < 0.5 else ()
    return Document(f"{split}-{number:05d}", kind, split, text, known, tuple(b.spans))


def generate(split: Split, documents: int, seed: int = 15) -> list[Document]:
    """Answers the documents of a split, the kinds in turn; the same arguments give the same documents."""
    rng = random.Random(f"{seed}-{split}")
    return [document(rng, split, KINDS[n % len(KINDS)], n) for n in range(documents)]


# ---------------------------------------------------------------------------------------------------
# Scoring.

Detector = Callable[[str, Sequence[str]], Sequence[tuple[int, int]]]


@dataclass
class Scores:
    """Recall per class, the share of decoys touched, and the name finds that were no name."""

    labelled: dict[str, int] = field(default_factory=dict)
    covered: dict[str, int] = field(default_factory=dict)
    decoys: dict[str, int] = field(default_factory=dict)
    decoys_touched: dict[str, int] = field(default_factory=dict)
    missed: dict[str, list[str]] = field(default_factory=dict)
    touched: list[str] = field(default_factory=list)
    characters: int = 0

    def recall(self, span_type: str) -> float:
        """Answers the share of labelled spans of a class that the masks cover entirely."""
        return self.covered.get(span_type, 0) / self.labelled[span_type] if self.labelled.get(span_type) else 1.0

    @property
    def decoy_rate(self) -> float:
        """Answers the share of decoy spans that any mask touches."""
        total = sum(self.decoys.values())
        return sum(self.decoys_touched.values()) / total if total else 0.0

    def table(self) -> str:
        """Answers the figures as a Markdown table."""
        rows = [f"| {c} | {self.labelled.get(c, 0)} | {self.recall(c):.3f} |" for c in ENTITY_CLASSES]
        rows.append(f"| decoys touched | {sum(self.decoys.values())} | {self.decoy_rate:.4f} |")
        return "| class | spans | recall |\n| --- | --- | --- |\n" + "\n".join(rows)


def _covered(start: int, end: int, masks: Sequence[tuple[int, int]]) -> bool:
    position = start
    for mask_start, mask_end in masks:
        if mask_start <= position < mask_end:
            position = mask_end
            if position >= end:
                return True
    return position >= end


def score(documents: Sequence[Document], detect: Detector, *, use_known_names: bool = True) -> Scores:
    """Answers the scores of a detector (text, known names -> masked spans) on documents."""
    result = Scores()
    for doc in documents:
        masks = sorted(detect(doc.text, doc.known_names if use_known_names else ()))
        result.characters += len(doc.text)
        for span in doc.spans:
            if span.type == NEUTRAL:
                continue
            if span.type == DECOY:
                result.decoys[span.form] = result.decoys.get(span.form, 0) + 1
                if any(s < span.end and span.start < e for s, e in masks):
                    result.decoys_touched[span.form] = result.decoys_touched.get(span.form, 0) + 1
                    result.touched.append(f"{doc.id}: {doc.text[max(0, span.start - 8) : span.end + 8]!r}")
                continue
            result.labelled[span.type] = result.labelled.get(span.type, 0) + 1
            if _covered(span.start, span.end, masks):
                result.covered[span.type] = result.covered.get(span.type, 0) + 1
            else:
                result.missed.setdefault(span.type, []).append(
                    f"{doc.id} {span.form}: {doc.text[span.start : span.end]!r} in "
                    f"{doc.text[max(0, span.start - 10) : span.end + 10]!r}"
                )
    return result


def score_redactor(documents: Sequence[Document], redactor: Redactor, batch: int = 32) -> tuple[Scores, Scores]:
    """Answers the scores of the hub's Redactor with the known names and without them, texts redacted in batches."""
    found: dict[tuple[str, tuple[str, ...]], list[tuple[int, int]]] = {}
    for known in (True, False):
        items = [(d.text, d.known_names if known else ()) for d in documents]
        for first in range(0, len(items), batch):
            chunk = items[first : first + batch]
            for item, redaction in zip(chunk, redactor.redact_many(chunk), strict=True):
                found[item] = [(e.start, e.end) for e in redaction.entities]

    def detect(text: str, names: Sequence[str]) -> list[tuple[int, int]]:
        return found[(text, tuple(names))]

    return score(documents, detect), score(documents, detect, use_known_names=False)


def as_json(doc: Document) -> str:
    """Answers a document as one JSON line: the `credit-hub redact --jsonl` input plus labels and decoys."""
    labels = [{"type": s.type, "start": s.start, "end": s.end} for s in doc.spans if s.type in ENTITY_CLASSES]
    decoys = [{"form": s.form, "start": s.start, "end": s.end} for s in doc.spans if s.type == DECOY]
    return json.dumps(
        {"text": doc.text, "known_names": list(doc.known_names), "labels": labels, "decoys": decoys},
        ensure_ascii=False,
    )


def _main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the labelled evaluation set as JSON Lines.")
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--score", action="store_true", help="score the hub's Redactor instead of writing the set")
    args = parser.parse_args(argv)
    documents = generate(args.split, args.documents, args.seed)
    if not args.score:
        for doc in documents:
            sys.stdout.write(as_json(doc) + "\n")
        return
    from hub.privacy.redact import Redactor

    with_names, bare = score_redactor(documents, Redactor(cache_size=len(documents) * 2))
    print(with_names.table())
    print(f"| PERSON without known names | {bare.labelled.get('PERSON', 0)} | {bare.recall('PERSON'):.3f} |")
    print({form: f"{with_names.decoys_touched.get(form, 0)}/{n}" for form, n in sorted(with_names.decoys.items())})


def iter_forms(documents: Sequence[Document]) -> Iterator[tuple[str, str]]:
    """Answers each (class, written form) pair present in the documents."""
    yield from sorted({(s.type, s.form) for d in documents for s in d.spans})


if __name__ == "__main__":
    _main()
