"""Every catalogue field and anomaly rule reads as words in both languages: no raw key on a page."""

from __future__ import annotations

import pytest

from hub.catalog.load import load_catalog
from hub.config import resource_dir
from hub.web.i18n import Translator
from hub.web.labels import ANOMALY_TEXTS, FIELDS, RULES, field_label

CATALOG = load_catalog(resource_dir("schema") / "catalog.yaml")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_catalogue_field_has_a_label(lang: str) -> None:
    for field in CATALOG.all_fields():
        assert field.name in FIELDS, f"{field.path} has no label"
        label = field_label(field.path, lang)
        assert "_" not in label, f"{field.path} reads as a raw key: {label}"
    assert field_label("representation.enterprise_code", "zh") == "法定代表人任职·统一社会信用代码"


EXAMPLES = {
    "list_entry_flagged": (
        "department court: 2 list entries failed the entry checks (MINOR, NO_BASIS_DOCUMENT) and lead to no measures",
        "部门 court：2 条名单条目未通过列入审查（列入时未成年、无列入依据文书），不据以实施惩戒",
    ),
    "bulk_lookups": (
        "department bank: 40 look-ups about 40 subjects in one hour (median hour: 5)",
        "部门 bank：一小时内查询 40 次，涉及 40 个主体（一般每小时 5 次）",
    ),
    "out_of_hours": (
        "department tax: 3 look-ups outside office hours on 2026-03-03 (local time)",
        "部门 tax：2026-03-03（本地时间）非工作时间查询 3 次",
    ),
    "foreign_purpose": (
        "department bank: 2 operations for purpose LAW_ENFORCEMENT, foreign to it",
        "部门 bank：以不属于本部门的用途 行政执法 操作 2 次",
    ),
    "repeated_denials": (
        "client c-1: 6 refused operations in a burst",
        "客户端 某客户端（见事件列表）：短时间内被拒绝 6 次",
    ),
    "subject_by_many_orgs": (
        "one subject looked up by 6 organisations (6 look-ups) in a burst",
        "同一主体在短时间内被 6 个机构查询（共 6 次）",
    ),
    "feedback_unacknowledged": (
        "department tax: 2 correction notices unacknowledged for more than 48 hours "
        "(oldest queued 2026-03-01T08:00+00:00)",
        "部门 tax：2 条更正通知超过 48 小时未确认（最早 2026-03-01T08:00+00:00 排队）",
    ),
}


def test_every_anomaly_rule_reads_in_chinese_on_the_console() -> None:
    assert set(EXAMPLES) == set(RULES) == set(ANOMALY_TEXTS)
    for rule, (english, chinese) in EXAMPLES.items():
        assert Translator("zh").anomaly(rule, english) == chinese
        assert Translator("en").anomaly(rule, english) == english
    assert Translator("zh").anomaly("bulk_lookups", "something else") == "something else"
