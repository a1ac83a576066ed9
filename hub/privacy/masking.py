"""Masking operators per personal-data class: plain, total functions on str (CONTRACT.md conventions).

Every operator returns `REDACTED` for input it cannot read (empty, too short, the wrong shape)
rather than raising or letting the value through. Bank cards always come out as
`**** **** **** 1234`: the last four digits in a fixed four-group form, so the length is hidden too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from hub.errors import ConfigError

REDACTED = "***"
ADDRESS_TAIL = "****"

COMPOUND_SURNAMES: frozenset[str] = frozenset(
    {
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "令狐",
        "端木",
        "轩辕",
        "南宫",
        "西门",
        "独孤",
        "百里",
        "呼延",
        "万俟",
        "闻人",
        "赫连",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "太叔",
        "申屠",
        "钟离",
        "淳于",
        "单于",
        "拓跋",
        "第五",
        "东郭",
        "左丘",
        "梁丘",
        "司空",
        "鲜于",
        "闾丘",
        "亓官",
        "司寇",
        "子车",
        "颛孙",
        "壤驷",
        "公良",
        "漆雕",
        "乐正",
        "宰父",
        "谷梁",
        "段干",
        "巫马",
        "公西",
        "公羊",
        "微生",
        "羊舌",
        "东门",
        "仲孙",
        "叔孙",
        "完颜",
        "呼衍",
        "即墨",
        "哥舒",
        "西陵",
        "公输",
        "夹谷",
        "车正",
    }
)

_HALF_WIDTH = {
    **{code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)},
    **{code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)},
    **{code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)},
    **{ord(c): ord(c) - 0xFEE0 for c in "＋－＠．＿"},
    0x3000: 0x20,
}

_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_ID15 = re.compile(r"[0-9]{15}")
_PHONE_SEP = r"[ \-—–]?"
_COUNTRY = r"(?:[(（]?(?:\+|00)?86[)）]?" + _PHONE_SEP + ")"
_MOBILE = re.compile(rf"(?P<prefix>{_COUNTRY})?(?P<number>1[3-9][0-9](?:{_PHONE_SEP}[0-9]{{4}}){{2}})")
_LANDLINE = re.compile(
    rf"(?P<area>(?:{_COUNTRY}[(（]?0?|[(（]?0)(?:10|2[0-9]|[3-9][0-9]{{2}})[)）]?{_PHONE_SEP})?"
    rf"(?P<local>[0-9]{{3,4}}{_PHONE_SEP}[0-9]{{4}})"
    r"(?P<ext>[ ]?(?:-|—|转|分机|#|ext\.?|EXT\.?)[ ]?[0-9]{1,6})?"
)
_CARD = re.compile(r"[0-9]{3,19}(?:[ -]?[0-9]{1,18}){0,4}")
_QQ = re.compile(r"[1-9][0-9]{4,10}")
_WECHAT = re.compile(r"wxid_[a-z0-9]{6,20}|[A-Za-z][A-Za-z0-9_-]{5,19}")
_PLATE = re.compile(r"(?P<office>[\u4e00-\u9fff][A-Z][·•・.\- ]?)(?P<serial>[A-Z0-9]{4,5}[A-Z0-9\u4e00-\u9fff])")
_PASSPORT = re.compile(r"(?P<letters>[A-Z]{0,2})(?P<digits>[0-9]{6,10})(?P<suffix>[A-Z]?)")
_EMAIL = re.compile(r"(?P<local>[^@\s]+)@(?P<domain>[^@\s]+\.[^@\s]+)")
_ADMIN_UNIT = re.compile(
    r"(?:(?![路街巷号弄楼室栋幢村镇乡])[\u4e00-\u9fff]){1,12}?"
    r"(?P<suffix>特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|区|县|旗|盟)"
)
_NOT_ADMIN = ("小区", "社区", "校区", "厂区", "营区", "景区", "片区", "住宅区", "生活区", "商业区", "园区")
_MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})


def half_width(text: str) -> str:
    """Answers the text with full-width letters, digits and `+-@._` made ASCII, one character for one."""
    return text.translate(_HALF_WIDTH)


def _plain(value: str) -> str:
    return half_width(value.strip())


def mask_none(value: str) -> str:
    """Answers the value unchanged (pd_class `none`)."""
    return value


def mask_redacted(value: str) -> str:
    """Answers the full replacement `***`, whatever the value."""
    return REDACTED


def mask_resident_id(value: str) -> str:
    """Answers a resident ID with only its division code and last four kept: `110101********1234`."""
    code = re.sub(r"[ \-]", "", _plain(value)).upper()
    if _ID18.fullmatch(code):
        return f"{code[:6]}{'*' * 8}{code[-4:]}"
    if _ID15.fullmatch(code):
        return f"{code[:6]}{'*' * 5}{code[-4:]}"
    return REDACTED


def mask_phone(value: str) -> str:
    """Answers a mobile as `138****5678` and a landline as area code plus last four: `0351-***4321`."""
    number = _plain(value)
    if mobile := _MOBILE.fullmatch(number):
        digits = re.sub(r"[^0-9]", "", mobile["number"])
        return f"{mobile['prefix'] or ''}{digits[:3]}****{digits[-4:]}"
    if landline := _LANDLINE.fullmatch(number):
        local = re.sub(r"[^0-9]", "", landline["local"])
        return f"{landline['area'] or ''}{'*' * (len(local) - 4)}{local[-4:]}{landline['ext'] or ''}"
    return REDACTED


def mask_person_name(value: str) -> str:
    """Answers a name with only the surname kept: `张*`, `欧阳**` (compound surnames kept whole)."""
    name = value.strip()
    if len(name) < 2:
        return REDACTED
    keep = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:keep] + "".join(c if c in "·• " else "*" for c in name[keep:])


def mask_bank_card(value: str) -> str:
    """Answers a bank card number as `**** **** **** 1234` (last four kept, length hidden)."""
    number = _plain(value)
    digits = re.sub(r"[ -]", "", number)
    if not _CARD.fullmatch(number) or not 12 <= len(digits) <= 21:
        return REDACTED
    return f"**** **** **** {digits[-4:]}"


def mask_email(value: str) -> str:
    """Answers an e-mail address with only the first character of the mailbox kept: `z***@example.com`."""
    found = _EMAIL.fullmatch(_plain(value))
    if not found:
        return REDACTED
    return f"{found['local'][0]}***@{found['domain']}"


def mask_qq_number(value: str) -> str:
    """Answers a QQ number with its first and last two digits kept: `28****51` (short ones: last two)."""
    number = _plain(value)
    if not _QQ.fullmatch(number):
        return REDACTED
    if len(number) < 7:
        return "*" * (len(number) - 2) + number[-2:]
    return f"{number[:2]}{'*' * (len(number) - 4)}{number[-2:]}"


def mask_wechat_id(value: str) -> str:
    """Answers a WeChat ID as its first two characters and `****` (`wxid_****` for a generated one)."""
    handle = _plain(value)
    if not _WECHAT.fullmatch(handle):
        return REDACTED
    return f"{'wxid_' if handle.startswith('wxid_') else handle[:2]}****"


def mask_license_plate(value: str) -> str:
    """Answers a number plate with its issuing office and last character kept: `晋A·****5`."""
    plate = _plain(value).upper()
    found = _PLATE.fullmatch(plate)
    if not found:
        return REDACTED
    serial = found["serial"]
    return f"{found['office']}{'*' * (len(serial) - 1)}{serial[-1]}"


def mask_passport(value: str) -> str:
    """Answers a passport or permit number with its letters and last two digits kept: `E******78`."""
    number = _plain(value).upper()
    found = _PASSPORT.fullmatch(number)
    if not found:
        return REDACTED
    digits = found["digits"]
    return f"{found['letters']}{'*' * (len(digits) - 2)}{digits[-2:]}{found['suffix']}"


def _admin_prefix_end(address: str) -> int:
    """Answers where the kept part of an address ends: after its first district-level unit, else 0/higher."""
    kept, position, prefecture_seen = 0, 0, False
    while unit := _ADMIN_UNIT.match(address, position):
        text, suffix = unit[0], unit["suffix"]
        if text.endswith(_NOT_ADMIN):
            break
        position = unit.end()
        if suffix in ("省", "自治区", "特别行政区") or (text in _MUNICIPALITIES and kept == 0):
            kept = position
        elif suffix in ("自治州", "地区", "盟") or (suffix == "市" and not prefecture_seen):
            kept, prefecture_seen = position, True
        else:
            return position
    return kept


def mask_address(value: str) -> str:
    """Answers an address cut after its district (区/县/旗/county-level 市): `山西省太原市小店区****`."""
    address = value.strip()
    if not address:
        return REDACTED
    kept = _admin_prefix_end(address)
    if kept == 0:
        return REDACTED
    if kept == len(address):
        return address
    return address[:kept] + ADDRESS_TAIL


MASKERS: Mapping[str, Callable[[str], str]] = MappingProxyType(
    {
        "none": mask_none,
        "redacted": mask_redacted,
        "sensitive": mask_redacted,
        "person_name": mask_person_name,
        "resident_id": mask_resident_id,
        "phone": mask_phone,
        "address": mask_address,
        "bank_card": mask_bank_card,
        "email": mask_email,
        "qq_number": mask_qq_number,
        "wechat_id": mask_wechat_id,
        "license_plate": mask_license_plate,
        "passport": mask_passport,
    }
)


def mask(value: str, pd_class: str) -> str:
    """Answers the value masked for its personal-data class; raises ConfigError for an unknown class."""
    masker = MASKERS.get(pd_class)
    if masker is None:
        raise ConfigError(
            f"unknown personal-data class {pd_class!r}",
            fix=f"use one of: {', '.join(sorted(MASKERS))}",
        )
    return masker(value)
