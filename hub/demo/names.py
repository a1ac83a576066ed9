"""Chinese person names and organisation names for synthetic data."""

from __future__ import annotations

from itertools import accumulate
from random import Random

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余"
    "潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文樊温霍"
    "牛申闫药栗续"
)
_SURNAME_CUM = tuple(accumulate(1.0 / (rank + 8) for rank in range(len(_SURNAMES))))
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "长孙", "司徒", "公孙")
_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志文海峰晓东亮成永庆锋斐晋豪"
_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪慧颖倩琳晶洁萍红梅莉兰英秀佳欣悦璐瑶怡蕾薇丹月春晓雅楠"


def person_name(rng: Random, male: bool) -> str:
    """Answers a full name: a common surname (sometimes a compound one) and a one- or two-character name."""
    if rng.random() < 0.025:
        surname = rng.choice(_COMPOUND_SURNAMES)
    else:
        surname = rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]
    pool = _MALE if male else _FEMALE
    given = rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool)
    return surname + given


_TRADE = "晋华鑫盛泰恒源达通瑞宏兴昌隆丰汇聚诚信安康宇博锦天金永顺德润中正新和佳美嘉辉鼎晟弘坤阳龙凤海明远森科创智联迈"
_SUFFIXES = ("有限公司", "有限公司", "有限责任公司", "股份有限公司")
_SHOPS = ("便利店", "五金店", "小吃店", "理发店", "汽车修理部", "建材经销部", "日用品商店", "面馆")
_ORGS = ("职业培训学校", "养老服务中心", "幼儿园", "社会工作服务中心", "文化艺术培训中心")


def trade_name(rng: Random) -> str:
    """Answers a two-character trade name (字号) such as 恒泰."""
    first, second = rng.sample(_TRADE, 2)
    return first + second


def company_name(rng: Random, city: str, industry: str) -> str:
    """Answers a company name such as 太原市恒泰科技有限公司."""
    prefix = city if rng.random() < 0.8 else "山西"
    return f"{prefix}{trade_name(rng)}{industry}{rng.choice(_SUFFIXES)}"


def shop_name(rng: Random, district: str, owner: str) -> str:
    """Answers an individual business's name such as 小店区张伟便利店."""
    return f"{district}{owner}{rng.choice(_SHOPS)}"


def social_org_name(rng: Random, city: str, district: str) -> str:
    """Answers a private non-enterprise unit's name such as 太原市小店区恒泰职业培训学校."""
    return f"{city}{district}{trade_name(rng)}{rng.choice(_ORGS)}"
