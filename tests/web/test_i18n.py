"""The pages' words: error codes and the hub's messages in Chinese, department keys by their policies' titles."""

from __future__ import annotations

from hub.errors import ErrorCode
from hub.web.i18n import ERRORS, Translator

TITLES = {"bank": "商业银行（金融机构） commercial bank (financial institution)"}


def test_every_error_code_has_a_chinese_and_an_english_name() -> None:
    assert {code.value for code in ErrorCode} <= set(ERRORS)
    assert Translator("zh").error_name("PURPOSE_NOT_ALLOWED") == "用途不在本部门允许范围内"
    assert Translator("en").error_name("PURPOSE_NOT_ALLOWED") == "purpose not allowed"


def test_messages_people_meet_read_in_chinese_and_stay_as_written_in_english() -> None:
    zh, en = Translator("zh"), Translator("en")
    filed = "an objection on this item was already filed (2026-12-01)"
    assert zh.error("BAD_USER_INPUT", filed) == "该信息项已提出过异议，正在处理中"
    assert en.error("BAD_USER_INPUT", filed) == filed
    assert (
        zh.error("INVALID_SUBJECT_CODE", "subject code has 5 characters; it must have 18")
        == "代码应为 18 位，您填写了 5 位"
    )
    assert zh.error("INVALID_SUBJECT_CODE", "grantee: subject code has 4 characters; it must have 18").endswith("4 位")
    assert zh.error("CONSENT_REQUIRED", "something new") == "需要本人授权", "an unknown message falls back to its code"
    assert zh.error("invalid_client", "client authentication failed") == "客户端 ID 或密钥不正确"
    assert zh.error(None, "whatever") == "请求未能完成"


def test_departments_and_scopes_are_named_by_their_titles() -> None:
    zh, en = Translator("zh", TITLES), Translator("en", TITLES)
    assert zh.department("bank") == "商业银行（金融机构）"
    assert en.department("bank") == "commercial bank (financial institution)"
    assert zh.department(None) == "本人查询"
    assert zh.scope("department:bank") == "部门：商业银行（金融机构）"
    assert zh.scope("client:ch_1", {"ch_1": "某银行"}) == "客户端：某银行"
    assert "ch_2" not in zh.scope("client:ch_2")
    described = zh.anomaly("repeated_denials", "client ch_1: 6 refused operations in a burst", {"ch_1": "某银行"})
    assert described == "客户端 某银行：短时间内被拒绝 6 次"
    assert zh.anomaly(
        "foreign_purpose", "department bank: 2 operations for purpose LAW_ENFORCEMENT, foreign to it"
    ) == ("部门 商业银行（金融机构）：以不属于本部门的用途 行政执法 操作 2 次")


def test_every_export_column_has_a_chinese_and_an_english_heading() -> None:
    from hub.audit.export import CSV_COLUMNS
    from hub.web.i18n import EXPORT_HEADERS

    assert tuple(EXPORT_HEADERS) == CSV_COLUMNS
