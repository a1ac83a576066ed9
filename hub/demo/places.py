"""Shanxi places for synthetic data: districts with streets and courts, and birth divisions by year."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random


@dataclass(frozen=True, slots=True)
class District:
    """A current county-level division where enterprises register and people live."""

    code: str
    city: str
    name: str
    streets: tuple[str, ...]
    legacy_code: str | None = None

    @property
    def court(self) -> str:
        """Answers the name of the basic-level people's court of this district."""
        return f"{self.city}{self.name}人民法院"

    @property
    def court_code(self) -> str:
        """Answers the court's code in case numbers, such as 晋0105."""
        return f"晋{self.code[2:]}"

    def code_in(self, year: int) -> str:
        """Answers the division code a registration issued in `year` carries (Datong reformed in 2018)."""
        return self.legacy_code if self.legacy_code and year < 2018 else self.code


TAIYUAN = "太原市"
DATONG = "大同市"

TAIYUAN_DISTRICTS = (
    District("140105", TAIYUAN, "小店区", ("长治路", "学府街", "坞城路", "体育路", "平阳路", "亲贤街", "真武路")),
    District("140106", TAIYUAN, "迎泽区", ("迎泽大街", "解放南路", "五一路", "建设南路", "双塔西街", "朝阳街")),
    District("140107", TAIYUAN, "杏花岭区", ("府西街", "解放路", "胜利街", "三墙路", "新建路", "敦化坊", "北大街")),
    District("140108", TAIYUAN, "尖草坪区", ("胜利街", "兴华街", "柴村街", "迎新街", "中涧河路")),
    District("140109", TAIYUAN, "万柏林区", ("漪汾街", "千峰南路", "长风西街", "和平北路", "下元路", "西矿街")),
    District("140110", TAIYUAN, "晋源区", ("晋祠路", "义井街", "金胜路", "晋阳街")),
    District("140121", TAIYUAN, "清徐县", ("迎宾路", "文源路", "清泉路")),
    District("140181", TAIYUAN, "古交市", ("大川西路", "西山路", "东湖路")),
)
DATONG_DISTRICTS = (
    District("140213", DATONG, "平城区", ("魏都大道", "御河西路", "文兴路", "迎宾街", "永泰街", "开源街"), "140202"),
    District("140214", DATONG, "云冈区", ("新平旺大街", "同煤大道", "云冈路", "雁同东路"), "140211"),
    District("140215", DATONG, "云州区", ("新华街", "迎宾大道", "府前街"), "140227"),
    District("140212", DATONG, "新荣区", ("新荣大街", "兴荣路")),
    District("140221", DATONG, "阳高县", ("兴阳街", "府前西街")),
    District("140225", DATONG, "浑源县", ("永安街", "恒山路")),
)
CITY_DISTRICTS = {TAIYUAN: TAIYUAN_DISTRICTS, DATONG: DATONG_DISTRICTS}
CITY_SHORT = {TAIYUAN: "并", DATONG: "同"}
CITY_AREA_CODE = {TAIYUAN: "0351", DATONG: "0352"}
CITY_WEIGHTS = (5, 5, 3, 2, 3, 1, 1, 1)

# (division, first valid birth year, last valid birth year): stdnum checks the code existed then.
_BIRTH_DIVISIONS: dict[str, tuple[tuple[str, int, int], ...]] = {
    TAIYUAN: (
        ("140120", 0, 1983),
        ("140121", 0, 9999),
        ("140122", 0, 9999),
        ("140123", 0, 9999),
        ("140102", 1983, 1997),
        ("140103", 1983, 1997),
        ("140104", 1983, 1997),
        ("140112", 1983, 1997),
        ("140105", 1997, 9999),
        ("140106", 1997, 9999),
        ("140107", 1997, 9999),
        ("140108", 1997, 9999),
        ("140109", 1997, 9999),
        ("140110", 1997, 9999),
        ("140181", 1989, 9999),
    ),
    DATONG: (
        ("142121", 0, 1993),
        ("142122", 0, 1993),
        ("142125", 0, 1993),
        ("142130", 0, 1993),
        ("142132", 0, 1993),
        ("140202", 1983, 2018),
        ("140203", 1983, 2018),
        ("140211", 1983, 2018),
        ("140212", 1983, 9999),
        ("140221", 1993, 9999),
        ("140222", 1993, 9999),
        ("140225", 1993, 9999),
        ("140226", 1993, 9999),
    ),
    "其他": (
        ("142425", 0, 1983),
        ("142426", 0, 1983),
        ("142401", 0, 1999),
        ("142429", 0, 1999),
        ("142222", 0, 2000),
        ("140302", 1983, 9999),
        ("140321", 1983, 9999),
        ("140702", 1999, 9999),
        ("140728", 1999, 9999),
        ("140502", 1985, 9999),
        ("140602", 1988, 9999),
        ("140802", 2000, 9999),
        ("141002", 2000, 9999),
    ),
}


def birth_division(rng: Random, city: str, year: int) -> str:
    """Answers a division code of a person born in `year`, mostly in the city they live in."""
    group = city if rng.random() < 0.7 else rng.choice(list(_BIRTH_DIVISIONS))
    return rng.choice([code for code, first, last in _BIRTH_DIVISIONS[group] if first <= year <= last])


def district_in(rng: Random, city: str) -> District:
    """Answers a district of `city`, the central ones more often."""
    districts = CITY_DISTRICTS[city]
    return rng.choices(districts, CITY_WEIGHTS[: len(districts)])[0]


def street_address(rng: Random, district: District) -> str:
    """Answers a street address down to the house number, such as 山西省太原市小店区长治路111号."""
    return f"山西省{district.city}{district.name}{rng.choice(district.streets)}{rng.randint(1, 399)}号"


_COMPOUNDS = ("阳光", "锦绣", "华苑", "和平", "康乐", "翠苑", "兴华", "怡园", "滨河", "世纪")
_BUILDINGS = ("大厦", "商务中心", "广场", "科技园", "写字楼")


def home_address(rng: Random, district: District) -> str:
    """Answers a residential address down to the flat."""
    flat = f"{rng.randint(1, 24)}号楼{rng.randint(1, 4)}单元{rng.randint(1, 18)}{rng.randint(1, 4):02d}室"
    return f"{street_address(rng, district)}{rng.choice(_COMPOUNDS)}小区{flat}"


def office_address(rng: Random, district: District) -> str:
    """Answers a business address, sometimes down to the office room."""
    base = street_address(rng, district)
    if rng.random() < 0.5:
        return base
    floor = rng.randint(1, 28)
    return f"{base}{rng.choice(_COMPOUNDS)}{rng.choice(_BUILDINGS)}{floor}层{floor}{rng.randint(1, 20):02d}室"
