"""Industries with the licences they hold and the violations they are penalised for."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LicenceKind:
    """A kind of administrative licence and how its documents are numbered."""

    title: str
    category: str
    certificate: str
    number_prefix: str
    doc: str
    years: int | None
    agency: str = "{city}行政审批服务管理局"


@dataclass(frozen=True, slots=True)
class Violation:
    """A violation, the article it breaches, the article that penalises it and the usual fine."""

    fact: str
    breached: str
    basis: str
    category: str
    low: int
    high: int
    agency: str
    doc: str


@dataclass(frozen=True, slots=True)
class Sector:
    """An industry: the words in company names, its licences and its typical violations."""

    industries: tuple[str, ...]
    licences: tuple[LicenceKind, ...]
    violations: tuple[Violation, ...]
    report_topic: str


_MARKET = "{city}市场监督管理局"
_FOOD = "《中华人民共和国食品安全法》"
_AIR = "《中华人民共和国大气污染防治法》"
_SAFETY = "《中华人民共和国安全生产法》"
_ROAD = "《中华人民共和国道路运输条例》"

FOOD_LICENCE = LicenceKind("食品经营许可", "普通", "食品经营许可证", "JY1", "食许", 5)
_HYGIENE = LicenceKind("公共场所卫生许可", "普通", "卫生许可证", "WSXK", "卫许", 4)
_DISCHARGE = LicenceKind("排污许可", "普通", "排污许可证", "PW", "环许", 5, "{city}生态环境局")
_OUTDOOR_AD = LicenceKind(
    "户外广告设施设置许可", "普通", "户外广告设置许可决定书", "HW", "城管许", 3, "{city}城市管理局"
)

_EXPIRED_FOOD = Violation(
    "经营超过保质期的食品",
    f"{_FOOD}第三十四条第（十）项",
    f"{_FOOD}第一百二十四条第一款第（五）项",
    "没收违法所得、罚款",
    5_000,
    100_000,
    _MARKET,
    "市监罚",
)
_NO_RECORDS = Violation(
    "未按规定建立并遵守进货查验记录制度",
    f"{_FOOD}第五十三条第二款",
    f"{_FOOD}第一百二十六条第一款第（三）项",
    "警告",
    0,
    0,
    _MARKET,
    "市监罚",
)
_FALSE_AD = Violation(
    "发布虚假广告，欺骗、误导消费者",
    "《中华人民共和国广告法》第二十八条第一款",
    "《中华人民共和国广告法》第五十五条第一款",
    "罚款",
    20_000,
    200_000,
    _MARKET,
    "市监罚",
)
_BAD_PRODUCT = Violation(
    "销售不合格产品",
    "《中华人民共和国产品质量法》第三十九条",
    "《中华人民共和国产品质量法》第五十条",
    "没收违法所得、罚款",
    3_000,
    60_000,
    _MARKET,
    "市监罚",
)
_DUST = Violation(
    "施工工地未采取有效防尘降尘措施",
    f"{_AIR}第六十九条第三款",
    f"{_AIR}第一百一十五条第一款第（一）项",
    "罚款",
    10_000,
    100_000,
    "{city}住房和城乡建设局",
    "建罚",
)
_EMISSION = Violation(
    "超过大气污染物排放标准排放大气污染物",
    f"{_AIR}第十八条",
    f"{_AIR}第九十九条第（二）项",
    "罚款",
    100_000,
    1_000_000,
    "{city}生态环境局",
    "环罚",
)
_TRAINING = Violation(
    "未如实记录安全生产教育和培训情况",
    f"{_SAFETY}第二十八条第四款",
    f"{_SAFETY}第九十七条第（四）项",
    "罚款",
    10_000,
    100_000,
    "{city}应急管理局",
    "应急罚",
)
_NO_PERMIT_TRANSPORT = Violation(
    "未取得道路运输经营许可，擅自从事道路普通货物运输经营",
    f"{_ROAD}第二十四条",
    f"{_ROAD}第六十三条",
    "没收违法所得、罚款",
    30_000,
    100_000,
    "{city}交通运输局",
    "交罚",
)
_DRUGS = Violation(
    "从不具有药品生产、经营资格的企业购进药品",
    "《中华人民共和国药品管理法》第五十五条",
    "《中华人民共和国药品管理法》第一百二十九条",
    "没收违法所得、罚款",
    20_000,
    200_000,
    _MARKET,
    "市监罚",
)
TAX_EVASION = Violation(
    "虚开增值税专用发票",
    "《中华人民共和国发票管理办法》第二十一条",
    "《中华人民共和国发票管理办法》第三十五条",
    "没收违法所得、罚款",
    50_000,
    500_000,
    "国家税务总局{city}税务局稽查局",
    "税稽罚",
)
UNSAFE_FOOD = Violation(
    "生产经营不符合食品安全标准的食品，情节严重",
    f"{_FOOD}第三十四条第（二）项",
    f"{_FOOD}第一百二十四条第一款",
    "没收违法所得、罚款、吊销许可证件",
    100_000,
    900_000,
    _MARKET,
    "市监罚",
)

SECTORS: tuple[Sector, ...] = (
    Sector(
        ("商贸", "食品", "餐饮管理", "超市"), (FOOD_LICENCE, _HYGIENE), (_EXPIRED_FOOD, _NO_RECORDS), "销售过期食品"
    ),
    Sector(
        ("建筑工程", "建设工程", "房地产开发"),
        (
            LicenceKind("建筑业企业资质", "认可", "建筑业企业资质证书", "D2140", "建资", 5),
            LicenceKind("建筑工程施工许可", "普通", "建筑工程施工许可证", "14010", "施许", None),
        ),
        (_DUST,),
        "夜间违规施工扰民",
    ),
    Sector(
        ("物流", "运输", "汽车销售服务"),
        (LicenceKind("道路运输经营许可", "普通", "道路运输经营许可证", "晋交运管许可", "运许", 4, "{city}交通运输局"),),
        (_NO_PERMIT_TRANSPORT,),
        "车辆超载运输",
    ),
    Sector(
        ("煤业", "能源", "机械制造", "化工"),
        (
            LicenceKind("安全生产许可", "普通", "安全生产许可证", "(晋)FM安许证字", "安许", 3, "{city}应急管理局"),
            _DISCHARGE,
        ),
        (_TRAINING, _EMISSION),
        "违规排放废气",
    ),
    Sector(
        ("医药", "大药房", "医疗器械"),
        (LicenceKind("药品经营许可", "普通", "药品经营许可证", "晋AA351", "药许", 5),),
        (_DRUGS, _BAD_PRODUCT),
        "销售假药",
    ),
    Sector(("科技", "信息技术", "文化传媒", "环保科技"), (_OUTDOOR_AD,), (_FALSE_AD, _BAD_PRODUCT), "虚假宣传"),
)

PERSON_LICENCE = LicenceKind("巡游出租汽车驾驶员从业资格", "认可", "从业资格证", "1402", "运许", 6, "{city}交通运输局")
PERSON_VIOLATIONS = (
    Violation(
        "擅自占用城市道路摆摊设点",
        "《城市市容和环境卫生管理条例》第十四条",
        "《城市市容和环境卫生管理条例》第三十六条第（二）项",
        "罚款",
        200,
        2_000,
        "{city}城市管理局",
        "城管罚",
    ),
    Violation(
        "未取得出租汽车经营许可，擅自从事巡游出租汽车经营活动",
        "《巡游出租汽车经营服务管理规定》第八条",
        "《巡游出租汽车经营服务管理规定》第四十五条第（一）项",
        "罚款",
        5_000,
        20_000,
        "{city}交通运输局",
        "交罚",
    ),
    Violation(
        "未取得食品经营许可从事食品经营活动",
        f"{_FOOD}第三十五条第一款",
        f"{_FOOD}第一百二十二条第一款",
        "没收违法所得、罚款",
        5_000,
        50_000,
        _MARKET,
        "市监罚",
    ),
)
