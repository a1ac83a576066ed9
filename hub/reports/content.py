"""What a credit report says, section by section, from the caller's view of the record: plain text, no PDF."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from hub.errors import ErrorCode
from hub.identity.codes import SubjectKind
from hub.privacy.disclose import Withheld


class Edition(StrEnum):
    """Which version of the report: for the public (desensitised), a department (its policy), the subject itself."""

    PUBLIC = "PUBLIC"
    DEPARTMENT = "DEPARTMENT"
    SELF = "SELF"


EDITION_TITLES = {
    Edition.PUBLIC: "公开版（脱敏）",
    Edition.DEPARTMENT: "部门查询版（依查询部门政策）",
    Edition.SELF: "本人版（完整）",
}
_WITHHELD = {
    ErrorCode.FIELD_DENIED: "依查询方政策不予显示",
    ErrorCode.CONSENT_REQUIRED: "未经本人授权，不予显示",
    ErrorCode.FORBIDDEN: "无权查看",
}


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered section: label-value pairs, a table (headers, rows), or a note when nothing can be shown."""

    title: str
    pairs: tuple[tuple[str, str], ...] = ()
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Register:
    """The register's entry of the request that rendered the report (查询登记)."""

    event_id: str
    at: datetime
    organisation: str | None
    department: str | None
    operator: str | None
    purpose: str


@dataclass(frozen=True, slots=True)
class ReportContent:
    """Everything printed in a report, in order."""

    number: str
    issued_at: datetime
    edition: Edition
    code: str
    kind: SubjectKind
    sections: tuple[Section, ...]
    sources: tuple[str, ...] = field(default=())


def text(value: object) -> str:
    """Answers a value as printed: withheld values say why, missing ones show a dash."""
    if isinstance(value, Withheld):
        return f"（{_WITHHELD.get(value.code, '暂无法获取')}）"
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


_LISTS = {"RED": "守信红名单", "BLACK": "严重失信主体名单", "KEY_ATTENTION": "重点关注名单"}
_RESULTS = {"COMMITTED": "待核查", "KEPT": "已履约", "BROKEN": "未履约（失信）"}
_STATUS = {"ACTIVE": "有效", "FLAGGED": "存疑（不作惩戒依据）"}
# (section title, view key, [(column title, field)]); a column whose every value the policy denies is dropped
TABLES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("红黑名单及重点关注名单", "listings", (
        ("名单", "list"), ("列入原因", "reason"), ("认定部门", "department"), ("认定依据", "basis_document"),
        ("列入日期", "listed_on"), ("有效期至", "expires_on"), ("状态", "status"))),
    ("行政处罚（公示期内）", "penalties", (
        ("决定书文号", "decision_number"), ("处罚类别", "category"), ("处罚机关", "authority"),
        ("决定日期", "decided_on"), ("罚款金额（元）", "amount"), ("处罚内容", "decision_text"))),
    ("行政许可（公示期内）", "licences", (
        ("决定文书号", "decision_number"), ("许可项目", "title"), ("许可机关", "authority"),
        ("决定日期", "decided_on"), ("有效期至", "valid_until"), ("许可内容", "content"))),
    ("司法信息：失信被执行人", "court_dishonesty", (
        ("案号", "case_number"), ("执行法院", "court"), ("立案日期", "filed_on"), ("发布日期", "published_on"),
        ("履行情况", "performance"), ("生效法律文书确定的义务", "obligation"))),
    ("纳税信用等级", "tax_credit", (("评价年度", "year"), ("信用等级", "grade"), ("评定日期", "assessed_on"))),
    ("信用承诺及履约情况", "commitments", (
        ("承诺事项", "matter"), ("承诺内容", "content"), ("承诺日期", "committed_on"), ("受理部门", "department"),
        ("履约期限", "deadline"), ("核查结果", "verification_result"), ("核查日期", "verified_on"))),
)  # fmt: skip
NUMERALS = "一二三四五六七八九十"
PURPOSES = {
    "ADMINISTRATIVE_APPROVAL": "行政审批", "SUPERVISION": "事中事后监管", "LAW_ENFORCEMENT": "执法",
    "CREDIT_LENDING": "信贷审批", "POST_LOAN_MONITORING": "贷后管理", "PUBLIC_DISCLOSURE": "社会公众查询",
    "SELF_ACCESS": "本人查询", "AUDIT_REVIEW": "审计复核",
}  # fmt: skip


def _cell(name: str, value: object) -> str:
    if name == "list" and isinstance(value, str):
        return _LISTS.get(value, value)
    if name == "verification_result" and isinstance(value, str):
        return _RESULTS.get(value, value)
    if name == "status" and isinstance(value, str):
        return _STATUS.get(value, value)
    return text(value)


def registration(code: str, kind: SubjectKind, view: Mapping[str, Any]) -> Section:
    """Answers the registration section (登记基础信息)."""
    rep = view.get("legal_representative")
    rep_view: Mapping[str, Any] = rep if isinstance(rep, Mapping) else {}
    entity = kind is SubjectKind.LEGAL_ENTITY
    pairs = [
        ("名称" if entity else "姓名", text(view.get("name"))),
        ("统一社会信用代码" if entity else "公民身份号码", code),
        ("主体类别", "法人和非法人组织" if entity else "自然人"),
    ]
    if entity:
        pairs += [
            ("登记状态", text(view.get("status"))),
            ("成立日期", text(view.get("registered_on"))),
            ("法定代表人", text(rep if isinstance(rep, Withheld) else rep_view.get("name"))),
            ("法定代表人证件号码", text(rep if isinstance(rep, Withheld) else rep_view.get("id_number"))),
        ]
    pairs += [("联系电话", text(view.get("phone"))), ("住所" if entity else "住址", text(view.get("address")))]
    return Section("基本信息", pairs=tuple(pairs))


def table(title: str, found: object, columns: Sequence[tuple[str, str]]) -> Section:
    """Answers a section listing the items of one record type, or why there are none."""
    if isinstance(found, Withheld):
        return Section(title, note=text(found))
    if found is None:
        return Section(title, note="（来源暂无法获取，本节不完整）")
    items = [item for item in found if isinstance(item, Mapping)] if isinstance(found, list) else []
    if not items:
        return Section(title, note="无记录")
    shown = [(label, name) for label, name in columns if not all(isinstance(i.get(name), Withheld) for i in items)]
    hidden = [label for label, name in columns if (label, name) not in shown]
    rows = tuple(tuple(_cell(name, item.get(name)) for _, name in shown) for item in items)
    note = f"依查询方政策不予显示：{'、'.join(hidden)}" if hidden else None
    return Section(title, headers=tuple(label for label, _ in shown), rows=rows, note=note)


def evaluation(found: Mapping[str, Any] | Withheld | None) -> Section:
    """Answers the comprehensive evaluation section: the grade, and each indicator where the policy explains it."""
    title = "公共信用综合评价"
    if found is None or isinstance(found, Withheld):
        return Section(title, note=text(found) if found is not None else "无评价（无在库信息）")
    pairs = (
        ("评价等级", " ".join(text(found.get(name)) for name in ("grade", "grade_title"))),
        ("评价得分", text(found.get("score"))),
        ("评价日期", text(found.get("evaluated_on"))),
        ("评价模型", f"{found.get('model_title')}　版本 {text(found.get('model_version'))}"),
    )  # fmt: skip
    indicators = found.get("indicators")
    if not isinstance(indicators, list):
        return Section(title, pairs=pairs, note="各项指标得分：" + text(indicators))
    rows = tuple(
        (
            str(i["title"]),
            text(i["count"]) if i["shown"] else "（不予显示）",
            (f"{i['contribution']:+d}" if isinstance(i["contribution"], int) else "—") if i["shown"] else "—",
            text(i["grade_cap"]) if i["shown"] and i["grade_cap"] else "",
        )
        for i in indicators
        if i["applicable"]
    )
    incomplete = "" if found.get("complete") else "（部分来源未响应，评价可能不完整）"
    return Section(
        title, pairs=pairs, headers=("指标", "计入条数", "得分", "等级上限"), rows=rows, note=incomplete or None
    )


def register(entry: Register, edition: Edition) -> Section:
    """Answers the section naming the register's entry of this very request (查询使用登记)."""
    return Section(
        "本次查询登记",
        pairs=(
            ("登记编号", entry.event_id),
            ("查询时间", text(entry.at)),
            ("查询机构", text(entry.organisation)),
            ("查询部门", text(entry.department)),
            ("经办人", text(entry.operator)),
            ("查询目的", f"{PURPOSES.get(entry.purpose, entry.purpose)}（{entry.purpose}）"),
            ("报告版本", EDITION_TITLES[edition]),
        ),
    )


def build(
    number: str, issued_at: datetime, edition: Edition, code: str, kind: SubjectKind, view: Mapping[str, Any],
    found: Mapping[str, Any] | Withheld | None, entry: Register,
) -> ReportContent:  # fmt: skip
    """Answers the report's content: registration, lists, penalties, licences, court and tax items, commitments,
    the evaluation and the register entry of this request, each as the caller's view holds it."""
    sections = [registration(code, kind, view)]
    sections += [table(title, view.get(key), columns) for title, key, columns in TABLES]
    sections += [evaluation(found), register(entry, edition)]
    titled = tuple(
        Section(f"{NUMERALS[n]}、{s.title}", s.pairs, s.headers, s.rows, s.note) for n, s in enumerate(sections)
    )
    sources = tuple(f"{getattr(s, 'title', '')}：{getattr(s, 'status', '')}" for s in view.get("sources", []))
    return ReportContent(number, issued_at, edition, code, kind, titled, sources)
