"""The demo's registered organisations: one client per department, with realistic names and scopes."""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.cn import uscc


@dataclass(frozen=True, slots=True)
class DemoDepartment:
    """A demo client: who it is and what it may ask (within its department's `scopes:` in policies/)."""

    key: str
    name: str
    org: str
    scopes: tuple[str, ...]


def _org(body: str) -> str:
    return body + uscc.calc_check_digit(body)


DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment(
        "approval-bureau",
        "太原市行政审批服务管理局 审批系统",
        _org("11140100MB1A00010"),
        ("subject:read", "subject:bulk", "check:read", "measure:feedback", "catalog:read", "documents:write"),
    ),
    DemoDepartment(
        "market-regulation",
        "山西省市场监督管理局 监管平台",
        _org("11140000MB1A00020"),
        (
            "subject:read",
            "subject:bulk",
            "check:read",
            "objection:resolve",
            "repair:decide",
            "feedback:read",
            "catalog:read",
            "measures:initiate",
            "records:submit",
        ),
    ),
    DemoDepartment(
        "tax",
        "国家税务总局山西省税务局",
        _org("11140000MB1A00030"),
        (
            "subject:read",
            "subject:bulk",
            "objection:resolve",
            "repair:decide",
            "feedback:read",
            "measures:initiate",
            "records:submit",
        ),
    ),
    DemoDepartment(
        "court",
        "山西省高级人民法院 执行指挥中心",
        _org("11140000MB1A00040"),
        (
            "subject:read",
            "subject:bulk",
            "objection:resolve",
            "repair:decide",
            "case:close",
            "feedback:read",
            "measures:initiate",
        ),
    ),
    DemoDepartment(
        "bank",
        "中国工商银行股份有限公司山西省分行",
        _org("91140000MA0B00050"),
        ("subject:read", "check:read", "catalog:read", "documents:write"),
    ),
    DemoDepartment("public", "信用山西 公众查询", _org("11140000MB1A00060"), ("subject:read",)),
    DemoDepartment(
        "privacy-office",
        "山西省社会信用体系建设办公室 隐私保护",
        _org("11140000MB1A00070"),
        ("audit:read", "subject:read", "documents:review"),
    ),
)
