"""Names of the hub's codes as people read them, in 简体中文 and English: purposes, outcomes, fields, states."""

from __future__ import annotations

Pair = tuple[str, str]

PURPOSES: dict[str, Pair] = {
    "ADMINISTRATIVE_APPROVAL": ("行政审批", "administrative approval"),
    "SUPERVISION": ("市场监管", "supervision"),
    "LAW_ENFORCEMENT": ("行政执法", "law enforcement"),
    "CREDIT_LENDING": ("信贷审批", "credit lending"),
    "POST_LOAN_MONITORING": ("贷后监控", "post-loan monitoring"),
    "PUBLIC_DISCLOSURE": ("信息公示", "public disclosure"),
    "SELF_ACCESS": ("本人查询", "self access"),
    "AUDIT_REVIEW": ("审计复核", "audit review"),
}

OUTCOMES: dict[str, Pair] = {
    "ok": ("成功", "ok"),
    "partial": ("部分返回", "partial"),
    "denied": ("拒绝", "denied"),
    "error": ("错误", "error"),
    "unauthenticated": ("未认证", "unauthenticated"),
}

RECORD_TYPES: dict[str, Pair] = {
    "registration": ("登记基础信息", "registration"),
    "representation": ("法定代表人任职", "enterprises represented"),
    "licence": ("行政许可", "licences"),
    "penalty": ("行政处罚", "penalties"),
    "listing": ("红黑名单", "list entries"),
    "court_dishonesty": ("失信被执行人", "dishonest judgment debtors"),
    "tax_credit": ("纳税信用", "taxpayer credit"),
    "report": ("失信举报", "whistle-blower reports"),
    "commitment": ("信用承诺", "credit commitments"),
    "evaluation": ("综合评价", "comprehensive evaluation"),
}

FIELDS: dict[str, Pair] = {
    "name": ("名称", "name"),
    "status": ("状态", "status"),
    "registered_on": ("登记日期", "registered on"),
    "legal_representative.name": ("法定代表人姓名", "legal representative"),
    "legal_representative.id_number": ("法定代表人证件号", "representative's ID"),
    "phone": ("电话", "phone"),
    "address": ("地址", "address"),
    "decision_number": ("决定书文号", "decision number"),
    "decision_text": ("决定书内容", "decision text"),
    "title": ("名称", "title"),
    "category": ("类别", "category"),
    "authority": ("决定机关", "authority"),
    "decided_on": ("决定日期", "decided on"),
    "amount": ("金额", "amount"),
    "reason": ("事由", "reason"),
    "list": ("名单", "list"),
    "listed_on": ("列入日期", "listed on"),
    "expires_on": ("到期日期", "expires on"),
    "case_number": ("案号", "case number"),
    "court": ("法院", "court"),
    "obligation": ("义务", "obligation"),
    "grade": ("等级", "grade"),
    "year": ("年度", "year"),
    "enterprise_code": ("统一社会信用代码", "enterprise code"),
    "enterprise_name": ("企业名称", "enterprise name"),
    "role": ("职务", "role"),
    "since": ("任职日期", "since"),
    "until": ("离任日期", "until"),
    "valid_until": ("有效期至", "valid until"),
    "content": ("内容", "content"),
    "legal_basis": ("依据", "legal basis"),
    "disclosure_until": ("公示截止期", "disclosed until"),
    "department": ("认定部门", "listing department"),
    "basis_document": ("认定依据文书", "basis document"),
    "exit_conditions": ("移出条件", "exit conditions"),
    "filed_on": ("立案日期", "filed on"),
    "published_on": ("发布日期", "published on"),
    "performance": ("履行情况", "performance"),
    "assessed_on": ("评定日期", "assessed on"),
    "received_on": ("收到日期", "received on"),
    "topic": ("举报内容", "topic"),
    "reporter_name": ("举报人姓名", "reporter's name"),
    "reporter_phone": ("举报人电话", "reporter's phone"),
    "matter": ("承诺事项", "matter"),
    "committed_on": ("承诺日期", "committed on"),
    "deadline": ("履约期限", "deadline"),
    "verification_result": ("核查结果", "verification result"),
    "verified_on": ("核查日期", "verified on"),
    "evaluated_on": ("评价日期", "evaluated on"),
    "model_version": ("模型版本", "model version"),
    "score": ("得分", "score"),
    "explanation": ("指标得分", "indicator contributions"),
}
# A field whose meaning differs by record type (the department a commitment was made to, not a listing's).
QUALIFIED_FIELDS: dict[str, Pair] = {"commitment.department": ("受理部门", "department committed to")}

LISTS: dict[str, Pair] = {
    "RED": ("红名单", "red list"),
    "BLACK": ("黑名单", "black list"),
    "KEY_ATTENTION": ("重点关注名单", "key-attention list"),
}

STATES: dict[str, Pair] = {
    "ACTIVE": ("有效", "active"),
    "PENDING": ("未生效", "not started"),
    "EXPIRED": ("已过期", "expired"),
    "REMOVED": ("已移出", "removed"),
    "REVOKED": ("已撤回", "revoked"),
    "OPEN": ("处理中", "open"),
    "FILED": ("已提交", "filed"),
    "UPHELD": ("已支持", "upheld"),
    "REJECTED": ("已驳回", "rejected"),
    "APPROVED": ("已批准", "approved"),
    "REFUSED": ("未批准", "refused"),
    "NOT_QUERIED": ("未查询", "not queried"),
    "DECIDED": ("已决定", "decided"),
    "OVERDUE": ("已超期", "overdue"),
    "OK": ("正常", "OK"),
    "TIMEOUT": ("超时", "timed out"),
    "UNAVAILABLE": ("不可用", "unavailable"),
    "OPEN_CIRCUIT": ("熔断", "circuit open"),
}

CASES: dict[str, Pair] = {
    "OPEN": ("处理中", "open"),
    "UPHELD": ("异议成立", "upheld"),
    "REJECTED": ("已驳回", "rejected"),
    "PENDING": ("待决定", "awaiting decision"),
    "APPROVED": ("已批准", "approved"),
    "REFUSED": ("未批准", "refused"),
}

RIGHTS: dict[str, Pair] = {
    "REPAIRED": ("已信用修复，不再共享公示", "credit repaired, no longer shared"),
    "REVOKED": ("异议成立，已撤销", "revoked on objection"),
}

ENTRY_FLAGS: dict[str, Pair] = {
    "NO_BASIS_DOCUMENT": ("无列入依据文书", "no basis document"),
    "OUTSIDE_BLACK_LIST_DOMAINS": ("不属于黑名单设列领域", "outside the black-list domains"),
    "MINOR": ("列入时未成年", "a minor when listed"),
    "LENIENT_CASE": ("应从轻处理的情形", "a case for lenient treatment"),
}

SEVERITIES: dict[str, Pair] = {"low": ("低", "low"), "medium": ("中", "medium"), "high": ("高", "high")}

RULES: dict[str, Pair] = {
    "bulk_lookups": ("批量查询异常", "bulk look-ups"),
    "out_of_hours": ("非工作时间查询", "out-of-hours access"),
    "foreign_purpose": ("用途与部门不符", "purpose foreign to the department"),
    "repeated_denials": ("多次被拒", "repeated denials"),
    "subject_by_many_orgs": ("同一主体被多机构查询", "one subject, many organisations"),
    "feedback_unacknowledged": ("来源更正通知逾期未确认", "correction notices unacknowledged"),
    "list_entry_flagged": ("名单条目未通过列入审查", "list entries failing the entry checks"),
}

# Each rule's description as the register writes it (English), and how the console says it in Chinese.
ANOMALY_TEXTS: dict[str, tuple[str, str]] = {
    "list_entry_flagged": (
        r"department (?P<dept>\S+): (?P<n>\d+) list entries failed the entry checks \((?P<flags>[^)]*)\) "
        r"and lead to no measures",
        "部门 {dept}：{n} 条名单条目未通过列入审查（{flags}），不据以实施惩戒",
    ),
    "bulk_lookups": (
        r"department (?P<dept>\S+): (?P<n>\d+) look-ups about (?P<subjects>\d+) subjects in one hour"
        r"(?: \(median hour: (?P<median>[\d.]+)\))?",
        "部门 {dept}：一小时内查询 {n} 次，涉及 {subjects} 个主体{median_zh}",
    ),
    "out_of_hours": (
        r"department (?P<dept>\S+): (?P<n>\d+) look-ups outside office hours on (?P<day>[\d-]+) \(local time\)",
        "部门 {dept}：{day}（本地时间）非工作时间查询 {n} 次",
    ),
    "foreign_purpose": (
        r"department (?P<dept>\S+): (?P<n>\d+) operations for purpose (?P<purpose>\S+), foreign to it",
        "部门 {dept}：以不属于本部门的用途 {purpose} 操作 {n} 次",
    ),
    "repeated_denials": (
        r"client (?P<client>\S+): (?P<n>\d+) refused operations in a burst",
        "客户端 {client}：短时间内被拒绝 {n} 次",
    ),
    "subject_by_many_orgs": (
        r"one subject looked up by (?P<orgs>\d+) organisations \((?P<n>\d+) look-ups\) in a burst",
        "同一主体在短时间内被 {orgs} 个机构查询（共 {n} 次）",
    ),
    "feedback_unacknowledged": (
        r"department (?P<dept>\S+): (?P<n>\d+) correction notices unacknowledged for more than (?P<hours>[\d.]+) "
        r"hours \(oldest queued (?P<oldest>[^)]+)\)",
        "部门 {dept}：{n} 条更正通知超过 {hours} 小时未确认（最早 {oldest} 排队）",
    ),
}

EVIDENCE: dict[str, Pair] = {
    "COMMITMENT": ("信用承诺", "credit commitment"),
    "RECTIFICATION": ("整改完成", "rectification"),
    "TRAINING": ("信用修复培训", "credit repair training"),
    "PUBLIC_SERVICE": ("公益服务", "public service"),
}

GROUPS: dict[str, dict[str, Pair]] = {
    "purpose": PURPOSES,
    "outcome": OUTCOMES,
    "record_type": RECORD_TYPES,
    "field": FIELDS,
    "list": LISTS,
    "state": STATES,
    "case": CASES,
    "severity": SEVERITIES,
    "rule": RULES,
    "evidence": EVIDENCE,
    "rights": RIGHTS,
    "entry_flag": ENTRY_FLAGS,
}


def one_language(text: str, lang: str) -> str:
    """Answers one language of a bilingual title such as `商业银行（金融机构） commercial bank`."""
    cut = next((i for i, ch in enumerate(text) if ch.isascii() and ch.isalpha()), None)
    if not cut or not any("\u4e00" <= ch <= "\u9fff" for ch in text[:cut]):
        return text
    return text[:cut].strip() if lang == "zh" else text[cut:].strip()


def field_label(path: str, lang: str) -> str:
    """Answers a disclosed field path (`penalty.decision_text`) as `行政处罚·决定书内容` or its English."""
    record_type, _, name = path.partition(".")
    index = 0 if lang == "zh" else 1
    kind = RECORD_TYPES.get(record_type)
    own = QUALIFIED_FIELDS.get(path) or FIELDS.get(name)
    if kind is None or not name:
        return path
    return f"{kind[index]}·{own[index] if own else name}"
