"""policies/measures.yaml: the shipped list loads, every key is documented, bad entries name file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.config import resource_dir
from hub.errors import ConfigError, ErrorCode, HubError
from hub.measures.load import load_measures, measures_path
from hub.measures.model import MeasureKind, MeasureList, MeasureSpec, MeasuresSpec, MonitoringSpec, ReachSpec

SHIPPED = measures_path(resource_dir("policies"))
HEADER = """version: 1
matters: {GOVERNMENT_PROCUREMENT: 政府采购, HONOURS: 评先评优}
green_channel: {clean_record_years: 3, legal_basis: 晋政发〔2017〕3号 第5条}
measures:
"""
GOOD = """  - code: GP-01
    content: 限制参与政府采购活动
    kind: PUNISHMENT
    legal_basis: 财库〔2016〕125号
    initiating: [认定部门]
    implementing: [财政部门]
    lists: [BLACK]
    matters: [GOVERNMENT_PROCUREMENT]
    mandatory: true
    duration: P3Y
"""


def test_the_shipped_list_loads_with_realistic_measures() -> None:
    measures = load_measures(SHIPPED)
    procurement = measures.for_matter("GOVERNMENT_PROCUREMENT")
    assert {m.code for m in procurement} >= {"GP-01", "GP-02"}
    assert all(m.legal_basis and m.implementing and m.initiating for m in measures.measures.values())
    rewards = [m for m in measures.measures.values() if m.kind is MeasureKind.REWARD]
    assert rewards
    assert all(set(m.lists) == {MeasureList.RED} for m in rewards)
    assert any(m.clean_record for m in rewards), "green channel also for three clean years (000 #5)"
    assert any(m.legal_representative for m in measures.measures.values())
    reaching = {m.code for m in measures.measures.values() if m.reaches_representatives}
    assert {"HO-01", "AL-02", "HC-01"} <= reaching, "含法定代表人 (000 #20-21, #30; 法释〔2015〕17号 第三条)"
    assert all(measures.measures[code].reaches_basis for code in reaching)
    assert all("高消费" in m.content for m in measures.for_matter("HIGH_CONSUMPTION"))


def test_every_measure_key_is_documented_in_the_file_header() -> None:
    header = SHIPPED.read_text(encoding="utf-8").split("\nversion:")[0]
    keys = [
        *MeasuresSpec.model_fields,
        *MeasureSpec.model_fields,
        *ReachSpec.model_fields,
        *MonitoringSpec.model_fields,
        "clean_record_years",
    ]
    assert [key for key in keys if key not in header] == []


def test_unknown_matters_and_measures_are_refused_with_a_fix() -> None:
    measures = load_measures(SHIPPED)
    with pytest.raises(HubError) as caught:
        measures.for_matter("SNOOPING")
    assert caught.value.code is ErrorCode.BAD_USER_INPUT
    assert "GOVERNMENT_PROCUREMENT" in (caught.value.fix or "")
    with pytest.raises(HubError, match="not in the measures list"):
        measures.get("XX-99")


REACH = "    reaches: {roles: [法定代表人, 主要负责人], legal_basis: 晋政发〔2017〕3号 第30条}"
BROKEN: dict[str, tuple[str, str, str]] = {
    "undeclared matter": ("matters: [GOVERNMENT_PROCUREMENT]", "matters: [PARKING]  # <-", "not declared"),
    "reward on the black list": ("kind: PUNISHMENT", "kind: REWARD", "reward rests on the red list only"),
    "bad duration": ("duration: P3Y", "duration: three years  # <-", "ISO 8601"),
    "unknown list": ("lists: [BLACK]", "lists: [GREY]  # <-", "'measures.0.lists.0'"),
    "unknown key": ("mandatory: true", "mandatory: true\n    punitive: true  # <-", "'measures.0.punitive'"),
    "duplicate key": ("mandatory: true", "mandatory: true\n    mandatory: false  # <-", "written twice"),
    "content names the representative without reaches": (
        "content: 限制参与政府采购活动",
        "content: 限制参与政府采购活动（含法定代表人）  # <-",
        "has no `reaches`",
    ),
    "reaches below serious dishonesty": (
        "lists: [BLACK]",
        f"lists: [KEY_ATTENTION]\n{REACH}  # <-",
        "only serious dishonesty",
    ),
    "reaches without enterprises": (
        "mandatory: true",
        f"mandatory: true\n{REACH}\n    subject_kinds: [NATURAL_PERSON]  # <-",
        "leaves enterprises out",
    ),
    "unknown role": (
        "mandatory: true",
        f"mandatory: true\n{REACH.replace('主要负责人', '股东')}",
        "'measures.0.reaches.roles",
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_bad_entry_names_file_and_line(case: str, tmp_path: Path) -> None:
    old, new, words = BROKEN[case]
    text = HEADER + GOOD.replace(old, new)
    path = tmp_path / "measures.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_measures(path)
    error = caught.value
    assert words in error.message
    lines = text.splitlines()
    marked = next((i + 1 for i, line in enumerate(lines) if "# <-" in line), None)
    if marked is not None:
        assert error.place == f"{path}:{marked}"
    else:
        assert error.place is not None
        assert error.place.startswith(str(path))


def test_a_code_written_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "measures.yaml"
    path.write_text(HEADER + GOOD + GOOD, encoding="utf-8")
    with pytest.raises(ConfigError, match="written twice") as caught:
        load_measures(path)
    assert caught.value.place == f"{path}:15"


@pytest.mark.parametrize(
    ("initiators", "words"),
    [("  court: [认定部门]\n  nobody: [认定部门]  # <-", "'nobody' has no policy"),
     ("  court: [认定部门, 人民法院]  # <-", "'人民法院' initiates no measure")],
)  # fmt: skip
def test_initiators_name_known_departments_and_roles(tmp_path: Path, initiators: str, words: str) -> None:
    text = HEADER.replace("measures:\n", f"initiators:\n{initiators}\nmeasures:\n") + GOOD
    path = tmp_path / "measures.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_measures(path, departments={"court", "tax"})
    assert words in caught.value.message
    marked = next(i + 1 for i, line in enumerate(text.splitlines()) if "# <-" in line)
    assert caught.value.place == f"{path}:{marked}"


def test_the_shipped_loop_has_time_limits_and_initiating_departments() -> None:
    measures = load_measures(SHIPPED, departments={"court", "market-regulation", "tax", "approval-bureau"})
    assert measures.monitoring.respond_within_days < measures.monitoring.feed_back_within_days
    assert measures.monitoring.legal_basis
    assert measures.initiates("court", measures.get("HC-01"))
    assert not measures.initiates("tax", measures.get("HC-01"))
