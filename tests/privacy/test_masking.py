"""Masking operators: CONTRACT.md conventions, odd input never raises and never leaks."""

from __future__ import annotations

import pytest

from hub.catalog.model import PD_CLASSES
from hub.errors import ConfigError
from hub.privacy.masking import MASKERS, REDACTED, mask
from hub.privacy.recognizers import PD_CLASS_OF_ENTITY


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110101199003071234", "110101********1234"),
        ("11010519491231002X", "110105********002X"),
        ("11010519491231002x", "110105********002X"),
        ("１１０１０１１９９００３０７１２３４", "110101********1234"),
        (" 110101199003071234 ", "110101********1234"),
        ("110101900307123", "110101*****7123"),
        ("110101 19900307 1234", "110101********1234"),
        ("1101 0119 9003 0712 34", "110101********1234"),
        ("110101-19900307-123x", "110101********123X"),
        ("110101 900307 123", "110101*****7123"),
        ("11010119900307123", REDACTED),
        ("1101011990030712345", REDACTED),
        ("ABCDEFGHIJKLMNOPQR", REDACTED),
    ],
)
def test_resident_id(value: str, masked: str) -> None:
    assert mask(value, "resident_id") == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("+86-13812345678", "+86-138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("0351-7654321", "0351-***4321"),
        ("（0351）7654321", "（0351）***4321"),
        ("(010)12345678", "(010)****5678"),
        ("010-12345678-123", "010-****5678-123"),
        ("03517654321", "0351***4321"),
        ("0351-4567890转801", "0351-***7890转801"),
        ("0351-4567890分机12", "0351-***7890分机12"),
        ("0351—7012345", "0351—***2345"),
        ("0755 8765 4321", "0755 ****4321"),
        ("+86 351 7654321", "+86 351 ***4321"),
        ("(+86)13703517788", "(+86)137****7788"),
        ("0086 139 0351 2468", "0086 139****2468"),
        ("＋８６　１８６３５１２００８８", "+86 186****0088"),
        ("7654321", "***4321"),
        ("12345", REDACTED),
        ("电话", REDACTED),
    ],
)
def test_phone(value: str, masked: str) -> None:
    assert mask(value, "phone") == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("诸葛亮", "诸葛*"),
        ("上官婉儿", "上官**"),
        ("欧阳", "欧*"),
        ("买买提·艾力", "买**·**"),
        (" 李四 ", "李*"),
        ("张", REDACTED),
    ],
)
def test_person_name(value: str, masked: str) -> None:
    assert mask(value, "person_name") == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("6222021234567890123", "**** **** **** 0123"),
        ("6222 0212 3456 7890", "**** **** **** 7890"),
        ("6222-0212-3456-7890", "**** **** **** 7890"),
        ("4111111111111111", "**** **** **** 1111"),
        ("603367100012345678 5", "**** **** **** 6785"),
        ("6033 6710 0012 3456 785", "**** **** **** 6785"),
        ("623668 0012345678901", "**** **** **** 8901"),
        ("140202110900012345678", "**** **** **** 5678"),
        ("1402021109000123456789", REDACTED),
        ("12345678901", REDACTED),
        ("1234", REDACTED),
        ("6222 0212 3456 7890 1234 5678", REDACTED),
        ("卡号", REDACTED),
    ],
)
def test_bank_card(value: str, masked: str) -> None:
    assert mask(value, "bank_card") == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("zhang.san@example.com", "z***@example.com"),
        ("z@example.com.cn", "z***@example.com.cn"),
        ("zhang＠example．com", "z***@example.com"),
        ("zhang@localhost", REDACTED),
        ("@example.com", REDACTED),
        ("no-at-sign", REDACTED),
    ],
)
def test_email(value: str, masked: str) -> None:
    assert mask(value, "email") == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("山西省太原市小店区长治路111号", "山西省太原市小店区****"),
        ("太原市迎泽区柳巷南路23号院5单元302室", "太原市迎泽区****"),
        ("北京市朝阳区建国路88号", "北京市朝阳区****"),
        ("上海市浦东新区世纪大道100号", "上海市浦东新区****"),
        ("新疆维吾尔自治区乌鲁木齐市天山区解放北路1号", "新疆维吾尔自治区乌鲁木齐市天山区****"),
        ("广西壮族自治区南宁市青秀区民族大道1号", "广西壮族自治区南宁市青秀区****"),
        ("湖北省恩施土家族苗族自治州恩施市舞阳大街1号", "湖北省恩施土家族苗族自治州恩施市****"),
        ("山西省晋中市介休市义安镇张村1号", "山西省晋中市介休市****"),
        ("山西省晋中市平遥县古陶镇南大街45号", "山西省晋中市平遥县****"),
        ("济南市市中区经四路1号", "济南市市中区****"),
        ("新疆维吾尔自治区阿克苏地区阿克苏市解放路1号", "新疆维吾尔自治区阿克苏地区阿克苏市****"),
        ("太原市长治路111号", "太原市****"),
        ("太原市和平小区3号楼", "太原市****"),
        ("山西省太原市小店区", "山西省太原市小店区"),
        ("长治路111号", REDACTED),
        ("黑龙江省哈尔滨市道里区安静街18号2单元501室", "黑龙江省哈尔滨市道里区****"),
        ("河南省商丘市睢县城郊乡李楼村", "河南省商丘市睢县****"),
        ("太原市杏花岭区胜利街道建设路三十五号", "太原市杏花岭区****"),
        ("阳曲县黄寨镇下庄村二组", "阳曲县****"),
        ("和平小区3号楼2单元302室", REDACTED),
    ],
)
def test_address(value: str, masked: str) -> None:
    assert mask(value, "address") == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("28374651", "28****51"),
        ("1093847566", "10******66"),
        ("12345", "***45"),
        ("２８３７４６５１", "28****51"),
        ("012345", REDACTED),
        ("QQ28374651", REDACTED),
    ],
)
def test_qq_number(value: str, masked: str) -> None:
    assert mask(value, "qq_number") == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("wxid_k3j9x8m2p1", "wxid_****"),
        ("zhanghui_1988", "zh****"),
        ("Lily-7731", "Li****"),
        ("ｚｈａｎｇｈｕｉ＿１９８８", "zh****"),
        ("abc", REDACTED),
        ("1234567", REDACTED),
    ],
)
def test_wechat_id(value: str, masked: str) -> None:
    assert mask(value, "wechat_id") == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("晋A·7K2P9", "晋A·****9"),
        ("晋K36521", "晋K****1"),
        ("晋AD65432", "晋A*****2"),
        ("京A12345D", "京A*****D"),
        ("京N 8F3D2", "京N ****2"),
        ("粤B.12345D", "粤B.*****D"),
        ("晋A1234学", "晋A****学"),
        ("晋Ａ１２３４５", "晋A****5"),
        ("晋A12", REDACTED),
        ("12345", REDACTED),
    ],
)
def test_license_plate(value: str, masked: str) -> None:
    assert mask(value, "license_plate") == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("E12345678", "E******78"),
        ("EA1234567", "EA*****67"),
        ("C60123456", "C******56"),
        ("H1234567801", "H********01"),
        ("05123456", "******56"),
        ("1234567890B", "********90B"),
        ("Ｅ１２３４５６７８", "E******78"),
        ("E123", REDACTED),
        ("护照", REDACTED),
    ],
)
def test_passport(value: str, masked: str) -> None:
    assert mask(value, "passport") == masked


@pytest.mark.parametrize("value", ["", " ", "x", "*", "\n", "1", "１", "号"])
@pytest.mark.parametrize(
    "pd_class",
    [
        "person_name",
        "resident_id",
        "phone",
        "address",
        "bank_card",
        "email",
        "qq_number",
        "wechat_id",
        "license_plate",
        "passport",
    ],
)
def test_odd_input_is_fully_masked(pd_class: str, value: str) -> None:
    assert mask(value, pd_class) == REDACTED


@pytest.mark.parametrize("pd_class", sorted(set(MASKERS) - {"none"}))
def test_masked_value_never_contains_the_whole_value(pd_class: str) -> None:
    for value in (
        "110101199003071234",
        "13812345678",
        "张三",
        "6222021234567890123",
        "a@b.cn",
        "长治路111号",
        "28374651",
        "wxid_k3j9x8m2p1",
        "晋A·7K2P9",
        "E12345678",
    ):
        assert value not in mask(value, pd_class)


def test_none_and_redacted() -> None:
    assert mask("张三 13812345678", "none") == "张三 13812345678"
    assert mask("", "none") == ""
    assert mask("张三 13812345678", "redacted") == REDACTED


def test_maskers_cover_the_catalogue_classes() -> None:
    assert PD_CLASSES - {"free_text"} <= set(MASKERS)
    assert set(PD_CLASS_OF_ENTITY.values()) <= PD_CLASSES


def test_unknown_class_is_a_config_error_that_names_the_known_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        mask("张三", "biometric")
    assert "biometric" in caught.value.render()
    assert "person_name" in caught.value.render()
    assert "张三" not in caught.value.render()
