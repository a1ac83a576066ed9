"""The pages' words in 简体中文 (first) and English, and how a request picks its language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.requests import Request

from hub.web.labels import ANOMALY_TEXTS, GROUPS, one_language

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_COOKIE = "hub_lang"

MESSAGES: dict[str, tuple[str, str]] = {
    "brand": ("信用中枢", "Credit Hub"),
    "skip": ("跳到主要内容", "Skip to main content"),
    "nav_language": ("语言与账户", "Language and account"),
    "nav_sections": ("本页目录", "On this page"),
    "footer": (
        "本页面通过与其他调用方相同的 GraphQL 接口和访问策略获取数据，每次查询均登记在查询登记簿中。",
        "This page reads data through the same GraphQL API and policies as every other caller; "
        "every query is registered.",
    ),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "signed_out_title": ("已退出", "Signed out"),
    "signed_out_provider": ("正在退出统一身份认证平台的登录……", "Signing you out at the identity provider too…"),
    "signed_out_continue": ("退出统一身份认证平台", "Sign out at the identity provider"),
    "area_portal": ("个人与企业信用门户", "My credit portal"),
    "area_console": ("隐私保护控制台", "Privacy console"),
    "portal_signin_title": ("登录信用门户", "Sign in to your credit portal"),
    "portal_signin_intro": (
        "查看本人或本企业的信用记录、谁查询过您的记录，管理授权、异议和信用修复。",
        "See your own or your enterprise's credit record and who queried it; manage consents, "
        "objections and credit repair.",
    ),
    "portal_code_label": ("居民身份证号或统一社会信用代码", "Resident ID number or Unified Social Credit Code"),
    "portal_code_help": ("18 位，不区分大小写。", "18 characters, case-insensitive."),
    "portal_dev_note": (
        "开发用身份提供方：仅在演示环境中启用，正式部署通过统一身份认证平台登录。",
        "Development identity provider: enabled only in the demo; deployments sign in through OpenID Connect.",
    ),
    "portal_oidc_text": ("请通过统一身份认证平台登录。", "Sign in through the configured identity provider."),
    "portal_oidc_go": ("前往身份认证平台", "Go to the identity provider"),
    "portal_no_provider": (
        "尚未配置身份认证平台（OpenID Connect），暂时无法登录。请联系管理员配置 oidc.issuer 与 oidc.jwks_url。",
        "No identity provider (OpenID Connect) is configured, so nobody can sign in yet. "
        "Ask the operator to set oidc.issuer and oidc.jwks_url.",
    ),
    "portal_session_ended_filter": (
        "登录已结束，筛选条件已保留：重新登录后按该条件显示查询记录。",
        "Your session ended; the filter is kept and applies once you sign in again.",
    ),
    "portal_oidc_kept": (
        "您填写的内容已保留：登录后将回到原来的表单。",
        "What you typed is kept: after signing in you are back at the form.",
    ),
    "portal_signed_in": ("已登录", "Signed in"),
    "portal_continue": ("打开我的信用页面", "Open my credit page"),
    "portal_kept_cut": ("较长的内容只保留了开头部分，请检查。", " Long text was kept only in part: check it."),
    "oidc_refused": (
        "身份认证平台未完成登录（已取消或被拒绝），请重新登录。",
        "The identity provider did not sign you in (cancelled or refused): sign in again.",
    ),
    "oidc_state": (
        "登录已失效或不属于本浏览器，请重新登录。",
        "This sign-in expired or was not started in this browser: sign in again.",
    ),
    "oidc_failed": (
        "身份认证平台未能完成登录，请重新登录。",
        "The identity provider did not complete the sign-in: sign in again.",
    ),
    "oidc_unreachable": (
        "暂时无法连接身份认证平台，请稍后重新登录。",
        "The identity provider cannot be reached: sign in again later.",
    ),
    "portal_title": ("我的信用", "My credit"),
    "portal_record": ("我的信用记录", "My record"),
    "portal_report_download": ("下载我的信用报告", "Download my credit report (PDF)"),
    "portal_report_hint": ("平台数字签名，可扫描报告上的二维码核验", "signed by the hub; its QR code verifies it"),
    "portal_access": ("谁查询了我的记录", "Who queried my record"),
    "portal_access_help": (
        "按时间倒序列出查询您记录的机构、部门、用途，以及以明文或脱敏形式提供的信息项。",
        "Newest first: the organisation, department and purpose of each query, and the items it received "
        "in clear or masked.",
    ),
    "portal_access_empty": ("暂无其他机构查询您的记录。", "Nobody else has queried your record yet."),
    "portal_nothing_disclosed": ("未提供任何信息项。", "No item was disclosed."),
    "portal_consents": ("授权管理", "Consents"),
    "portal_consents_empty": ("您尚未授权任何机构。", "You have not granted any consent."),
    "portal_grant": ("新增授权", "Grant a consent"),
    "portal_grant_button": ("授权", "Grant consent"),
    "portal_grantee": ("被授权机构（名称或统一社会信用代码）", "The organisation (name or Unified Social Credit Code)"),
    "portal_grantee_help": (
        "输入机构名称或代码的一部分，从已登记机构列表中选择。授权期限最长一年，可随时撤回，撤回后立即生效。",
        "Type part of its name or code and choose it from the registered organisations. At most one year; "
        "you may revoke it at any time, with effect on the next query.",
    ),
    "portal_grantees_all": ("全部已登记机构", "All registered organisations"),
    "portal_grantee_name": ("机构名称", "Organisation"),
    "portal_grantee_code": ("统一社会信用代码", "Unified Social Credit Code"),
    "portal_consents_none_current": ("目前没有有效的授权。", "No consent is in force now."),
    "portal_consents_past": ("已撤回或已过期的授权", "Revoked and expired consents"),
    "portal_log_filter": ("筛选查询记录", "Filter the access log"),
    "portal_log_from": ("起始日期", "From"),
    "portal_log_to": ("截止日期", "To"),
    "portal_log_org": ("查询机构", "Organisation"),
    "portal_log_any_org": ("全部机构", "Any organisation"),
    "portal_log_apply": ("筛选", "Filter"),
    "portal_log_clear": ("清除筛选", "Clear the filter"),
    "portal_log_next": ("下一页（更早的记录）", "Next page (older)"),
    "portal_log_first": ("回到第一页", "Back to the first page"),
    "portal_log_pages": ("查询记录分页", "Access log pages"),
    "portal_log_none": ("没有符合筛选条件的查询记录。", "No access matches the filter."),
    "portal_log_bad_from": (
        "起始日期格式应为 年-月-日（如 2026-01-31），已忽略。",
        "From must be a date like 2026-01-31; ignored.",
    ),
    "portal_log_bad_to": (
        "截止日期格式应为 年-月-日（如 2026-01-31），已忽略。",
        "To must be a date like 2026-01-31; ignored.",
    ),
    "portal_log_bad_range": ("截止日期早于起始日期，已忽略截止日期。", "To is before from; to is ignored."),
    "portal_log_bad_org": (
        "查询机构应为 18 位统一社会信用代码，已忽略。",
        "The organisation must be an 18-character USCC; ignored.",
    ),
    "portal_chart_title": ("近 12 个月每月查询我的记录的机构", "Who looked at my record each month (last 12 months)"),
    "portal_chart_month": ("月份", "Month"),
    "portal_chart_count": ("查询次数", "Accesses"),
    "portal_chart_others": ("其他机构", "Other organisations"),
    "portal_chart_table": ("以表格查看", "Show as a table"),
    "portal_chart_note": (
        "按月份和机构统计；图中的数字与下方表格相同。",
        "By month and organisation; the table below holds the same numbers.",
    ),
    "portal_consent_people_only": (
        "授权仅适用于自然人本人的信息。",
        "Consent is given by natural persons about their own records.",
    ),
    "portal_granted": ("已授权。", "Consent granted."),
    "portal_revoked": (
        "已撤回授权，该机构的下一次查询将被拒绝。",
        "Consent revoked: the organisation's next query is refused.",
    ),
    "portal_rights": ("异议与信用修复", "Objections and credit repair"),
    "portal_objections": ("异议申请", "Objections"),
    "portal_repairs": ("信用修复申请", "Credit repair applications"),
    "portal_objections_empty": ("暂无异议申请。", "No objections."),
    "portal_repairs_empty": ("暂无信用修复申请。", "No credit repair applications."),
    "portal_file_objection": ("提出异议", "File an objection"),
    "portal_apply_repair": ("申请信用修复", "Apply for credit repair"),
    "portal_item": ("信息项", "Item"),
    "portal_reason": ("异议理由", "Reason"),
    "portal_evidence_kind": ("修复材料类型", "Kind of evidence"),
    "portal_evidence": ("材料说明", "Evidence"),
    "portal_filed": ("已提交异议。", "Objection filed."),
    "portal_applied": ("已提交信用修复申请。", "Credit repair application filed."),
    "portal_no_items": (
        "您的记录中没有可提出异议或申请修复的信息项。",
        "Your record has no item to object to or repair.",
    ),
    "portal_source_empty": ("该数据源中没有您的信息项。", "This source holds no item about you."),
    "portal_filed_at": ("提交时间", "Filed"),
    "portal_due": ("办理期限", "Deadline"),
    "portal_overdue": ("已超期", "overdue"),
    "portal_due_estimated": (
        "预估：该年度法定节假日安排尚未载入，暂按周一至周五计算",
        "estimated: that year's official holidays are not loaded yet, so Monday to Friday counted",
    ),
    "portal_decision": ("处理结果", "Decision"),
    "kind_LEGAL_ENTITY": ("法人和非法人组织", "organisation"),
    "kind_NATURAL_PERSON": ("自然人", "natural person"),
    "fact_code": ("代码", "Code"),
    "fact_kind": ("主体类型", "Kind"),
    "fact_name": ("名称 / 姓名", "Name"),
    "fact_status": ("登记状态", "Status"),
    "fact_registered": ("登记日期", "Registered on"),
    "fact_representative": ("法定代表人", "Legal representative"),
    "fact_phone": ("联系电话", "Phone"),
    "fact_address": ("住所", "Address"),
    "console_signin_title": ("登录隐私保护控制台", "Sign in to the privacy console"),
    "console_signin_intro": (
        "本部署未配置身份认证平台：使用具有 audit:read 权限的客户端凭据登录，并填写操作人员，"
        "操作人员将记入查询登记簿。",
        "This deployment has no identity provider: sign in with the credentials of a client holding audit:read, and "
        "name yourself: the operator is registered.",
    ),
    "console_officer_intro": (
        "隐私保护工作人员以本人账号通过身份认证平台登录；查询登记簿记录登录人的姓名和账号。",
        "Privacy officers sign in as themselves through the identity provider; the register names the person.",
    ),
    "console_officer_account": ("工作人员账号", "Officer account"),
    "console_dev_idp": (
        "演示环境的开发用身份认证平台列出以下工作人员账号（仅用于演示，正式部署不提供）。",
        "The demo's development identity provider lists these officer accounts (demo only, never in a deployment).",
    ),
    "console_no_officers": ("身份认证平台没有列出工作人员账号。", "The identity provider lists no officer account."),
    "console_oidc_intro": (
        "隐私保护工作人员以本人账号通过本机构的统一身份认证平台登录；查询登记簿记录登录人的姓名和账号。",
        "Privacy officers sign in as themselves through the organisation's identity provider; the register names "
        "the person.",
    ),
    "console_continue": ("打开隐私保护控制台", "Open the privacy console"),
    "console_officer_not_officer": (
        "身份认证平台未将您的账号列入任何隐私保护工作人员组，不能登录控制台。本次登录已记入查询登记簿；"
        "如需使用控制台，请联系本机构身份认证平台的管理员。",
        "The identity provider lists your account in no officer group, so you cannot sign in to the console. This "
        "attempt is registered; ask your organisation's identity administrator if you need the console.",
    ),
    "console_officer_several_departments": (
        "您的账号属于多个部门的工作人员组，无法确定以哪个部门登录。本次登录已记入查询登记簿；"
        "请联系管理员只保留一个部门的工作人员组。",
        "Your account is in the officer groups of several departments, so the console cannot tell which one you act "
        "for. This attempt is registered; ask the administrator to keep you in one department's group.",
    ),
    "console_officer_no_client": (
        "您所在部门还没有可用的客户端，暂时无法登录。本次登录已记入查询登记簿；请联系管理员为该部门登记客户端。",
        "Your department has no active client yet, so you cannot sign in. This attempt is registered; ask the "
        "administrator to register one for the department.",
    ),
    "console_officer_rate_limited": (
        "本机登录失败次数过多，请稍后再登录。",
        "Too many failed sign-ins from this address: sign in again later.",
    ),
    "console_officer_token": (
        "身份认证平台签发的登录凭证未通过核验，请重新登录。",
        "The identity provider's sign-in could not be verified: sign in again.",
    ),
    "console_no_officer_groups": (
        "尚未配置工作人员组，暂时无法登录控制台。请管理员在 hub.toml 的 [oidc] 中设置 officer_groups。",
        "No officer group is configured, so nobody can sign in to the console yet. The administrator sets "
        "officer_groups in the [oidc] section of hub.toml.",
    ),
    "console_secret_off": (
        "本部署的工作人员通过统一身份认证平台登录，不接受客户端密钥登录。",
        "Officers of this deployment sign in through the identity provider; client secrets are not accepted.",
    ),
    "console_break_glass": ("应急登录（客户端密钥）", "Emergency sign-in (client secret)"),
    "console_break_glass_help": (
        "仅在身份认证平台不可用时使用，须填写操作人员；每次查阅均记入查询登记簿。",
        "Only while the identity provider is down; name the operator: every review is registered.",
    ),
    "console_reviewed": ("已标记为已复核，复核已记入查询登记簿。", "Marked reviewed; the review is registered."),
    "console_review": ("复核", "Review"),
    "console_register_rows": ("登记事件列表", "Registered events"),
    "console_review_session_ended": (
        "登录已结束，复核尚未提交。请重新登录，您写的复核说明已保留，登录后回到该异常再次提交。",
        "Your session ended before the review was sent. Sign in again: your note is kept, and you go back to "
        "the anomaly to send it.",
    ),
    "console_review_resumed": (
        "已重新登录。您之前写的复核说明已保留，请确认后再次提交。",
        "You are signed in again. Your note is kept: check it and send it again.",
    ),
    "console_review_state": ("复核状态", "Review"),
    "console_review_done": ("已复核", "Reviewed"),
    "console_review_open": ("待复核", "Not reviewed"),
    "console_review_by": ("复核人", "Reviewed by"),
    "console_review_at": ("复核时间", "Reviewed at"),
    "console_review_note": ("复核说明", "Note"),
    "console_review_help": (
        "写明核查情况和处理结果（1 至 2000 字）。提交后记入查询登记簿，不能修改；可再次复核补充。",
        "Say what was found and done (1 to 2,000 characters). The review is registered and cannot be changed; "
        "review again to add to it.",
    ),
    "console_review_submit": ("标记为已复核", "Mark reviewed"),
    "console_review_again": ("再次复核", "Review again"),
    "working": ("正在处理…", "Working…"),
    "console_charts_span": ("概览（{first}至{last}）", "Overview ({first} to {last})"),
    "console_charts_partial": (
        "事件较多，图表只含登记簿中最近的 {n} 条事件，所覆盖的日期如上。",
        "There are many events: the charts hold the register's newest {n} events, over the days above.",
    ),
    "console_client_id": ("客户端 ID", "Client ID"),
    "console_client_secret": ("客户端密钥", "Client secret"),
    "console_operator": ("操作人员（姓名或工号）", "Operator (name or staff number)"),
    "console_operator_help": ("每次查阅登记簿均记录操作人员。", "Every review of the register names its operator."),
    "console_needs_audit": ("该客户端没有 audit:read 权限。", "This client does not hold audit:read."),
    "console_title": ("隐私保护控制台", "Privacy console"),
    "console_signed_in_as": ("当前操作人员：", "Operator:"),
    "console_integrity": ("登记簿完整性", "Register integrity"),
    "console_chain_ok": ("哈希链校验通过，未发现篡改。", "The hash chain verifies: no tampering found."),
    "console_chain_bad": ("哈希链校验失败！", "The hash chain does NOT verify!"),
    "console_first_bad": ("首个异常事件：", "first bad event:"),
    "console_events_checked": ("已校验事件", "Events checked"),
    "console_checkpoints_checked": ("已校验检查点", "Checkpoints checked"),
    "console_checked_at": ("校验时间", "Checked at"),
    "console_charts": ("图表概览", "Charts"),
    "console_chart_data": ("查看数据", "Show the data"),
    "console_charts_help": (
        "图表由登记簿中最近的事件在服务器端生成。",
        "Charts are drawn on the server from the register's recent events.",
    ),
    "chart_per_day": ("每日查询量（按部门，不含本人查询和审计复核）", "Queries per day by department (third parties)"),
    "chart_own": ("每日本人查询与审计复核", "Own reads and register reviews per day"),
    "chart_top_orgs": ("查询最多的机构", "Top organisations"),
    "chart_denials": ("每日被拒次数", "Denials per day"),
    "chart_day": ("日期", "Day"),
    "chart_count": ("次数", "Count"),
    "console_anomalies": ("异常提示（近 24 小时）", "Anomalies (last 24 hours)"),
    "console_anomalies_empty": ("未发现异常。", "No anomaly found."),
    "console_anomaly": ("异常", "Anomaly"),
    "console_report": ("信用报告核验", "Credit report look-up"),
    "console_report_number": ("报告编号", "Report number"),
    "console_report_find": ("查询", "Look up"),
    "console_report_unknown": ("本平台未出具该编号的报告", "This hub issued no report under that number"),
    "console_report_edition": ("报告版本", "Edition"),
    "console_report_issued": ("出具时间", "Issued"),
    "console_report_department": ("查询部门", "Department"),
    "console_report_event": ("查询登记编号", "Register entry"),
    "console_report_hash": ("文件摘要", "SHA-256"),
    "console_anomaly_gone": ("该异常已不在近 24 小时的结果中。", "This anomaly is no longer among the last 24 hours'."),
    "console_open_anomaly": ("查看并复核", "Open and review"),
    "console_rule": ("规则", "Rule"),
    "console_severity": ("严重程度", "Severity"),
    "console_description": ("说明", "Description"),
    "console_window": ("时间范围", "Window"),
    "console_scope": ("范围", "Scope"),
    "console_events": ("事件", "Events"),
    "console_open_events": ("查看 {n} 条事件", "Open {n} events"),
    "console_back": ("返回控制台", "Back to the console"),
    "console_register": ("查询登记簿", "Query register"),
    "console_measures": ("联合奖惩监测（近 30 天）", "Joint reward and punishment (last 30 days)"),
    "console_measures_help": (
        "发起 → 响应 → 执行 → 反馈：实施部门应在 {r} 天内响应、{f} 天内反馈，逾期的案件按实施部门计入“逾期”。",
        "Initiate → respond → execute → feed back: implementing departments respond within {r} days and "
        "feed back within {f} days; late cases count as overdue for the implementing department.",
    ),
    "console_measures_empty": ("近 30 天没有联合奖惩案件。", "No joint reward or punishment case in the last 30 days."),
    "console_department": ("部门", "Department"),
    "console_measure_cases": ("最新案件", "Newest cases"),
    "measure_initiated": ("发起", "Initiated"),
    "measure_responded": ("响应", "Responded"),
    "measure_executed": ("执行", "Executed"),
    "measure_fed_back": ("反馈", "Fed back"),
    "measure_overdue": ("逾期", "Overdue"),
    "measure_pending": ("待办", "Open"),
    "measure_case_measure": ("措施", "Measure"),
    "measure_case_from_to": ("发起部门 → 实施部门", "Initiator → implementer"),
    "measure_case_stage": ("阶段", "Stage"),
    "measure_case_lag": ("耗时（小时）", "Lag (hours)"),
    "measure_case_due": ("下一步期限", "Next step due"),
    "measure_stage_initiated": ("已发起", "Initiated"),
    "measure_stage_responded": ("已响应", "Responded"),
    "measure_stage_fed_back": ("已反馈", "Fed back"),
    "console_filter": ("筛选登记簿", "Filter the register"),
    "console_subject_help": (
        "主体代码只保存在加密会话中，不会出现在网址里。",
        "The subject code stays in the encrypted session, never in a URL.",
    ),
    "console_apply": ("筛选", "Apply"),
    "console_clear": ("清除", "Clear"),
    "console_export": ("导出 CSV", "Export CSV"),
    "console_export_gb18030": ("导出 CSV（GB18030，旧版 Excel）", "Export CSV (GB18030, older Excel)"),
    "console_export_help": (
        "按当前筛选条件导出，导出操作同样登记；表头为中文，时间为北京时间，可直接用 Excel 打开。",
        "Exports the current filter; the export is registered too. Times are China time; it opens in Excel.",
    ),
    "console_register_empty": ("没有符合条件的事件。", "No event matches."),
    "console_pages": ("分页", "Pages"),
    "console_first_page": ("第一页", "First page"),
    "console_next_page": ("下一页", "Next page"),
    "console_fields": ("信息项", "Items"),
    "case_number": ("案号", "Case"),
    "concealment_concealed": ("暂不向主体显示", "hidden from the subject"),
    "concealment_revealed": ("已向主体显示", "now shown to the subject"),
    "any": ("全部", "any"),
    "organisation": ("机构", "Organisation"),
    "department": ("部门", "Department"),
    "operator": ("操作人员", "Operator"),
    "purpose": ("用途", "Purpose"),
    "outcome": ("结果", "Outcome"),
    "subject": ("主体", "Subject"),
    "subject_keyed": ("某一主体（代码已加密，见下列查询记录）", "one subject (code keyed; see the events below)"),
    "time": ("时间", "Time"),
    "status": ("状态", "Status"),
    "actions": ("操作", "Actions"),
    "record_types": ("信息类别", "Record types"),
    "valid_until": ("有效期至", "Valid until"),
    "revoke": ("撤回", "Revoke"),
    "form_clear": ("明文", "clear"),
    "form_masked": ("脱敏", "masked"),
    "form_denied": ("未提供", "withheld"),
    "unavailable": ("暂时无法获取：", "Not available right now: "),
    "csrf_failed": (
        "表单已过期或来源不明，请重新提交。",
        "The form expired or did not come from this site; please submit it again.",
    ),
    "signin_failed": ("登录失败：", "Sign-in failed: "),
    "session_expired": ("登录已过期，请重新登录。", "Your session expired; please sign in again."),
    "session_ended_kept": (
        "登录已结束，刚才的操作尚未提交。请重新登录，您填写的内容已保留，登录后回到原处再次提交。",
        "Your session ended before this was submitted. Sign in again: what you typed is kept, and you go back "
        "to where you were to submit it.",
    ),
    "session_ended_filter": (
        "登录已结束，筛选条件已保留：重新登录后按该条件显示登记簿。",
        "Your session ended; the filter is kept and applies once you sign in again.",
    ),
    "portal_resumed": (
        "已重新登录。您之前填写的内容已保留，请确认后再次提交。",
        "You are signed in again. What you typed is kept: check it and submit again.",
    ),
    "failed": ("操作未完成：", "Not done: "),
    "client": ("客户端", "Client"),
    "client_unknown": ("某客户端（见事件列表）", "a client (see its events)"),
}


# What each error code (CONTRACT.md, and the OAuth 2 errors of sign-in) means to the person who met it.
ERRORS: dict[str, tuple[str, str]] = {
    "UNAUTHENTICATED": ("未登录或登录已失效", "not signed in"),
    "FORBIDDEN": ("无权进行此操作", "not allowed"),
    "FIELD_DENIED": ("无权查看该信息项", "item withheld"),
    "PURPOSE_NOT_ALLOWED": ("用途不在本部门允许范围内", "purpose not allowed"),
    "CONSENT_REQUIRED": ("需要本人授权", "consent required"),
    "INVALID_SUBJECT_CODE": ("代码无效", "invalid subject code"),
    "NOT_FOUND": ("未找到", "not found"),
    "SOURCE_UNAVAILABLE": ("数据源暂时不可用", "source unavailable"),
    "QUERY_TOO_COMPLEX": ("查询过于复杂", "query too complex"),
    "RATE_LIMITED": ("请求过于频繁，请稍后再试", "too many requests"),
    "AUDIT_UNAVAILABLE": ("查询登记簿暂时不可用，操作未执行", "the register is unavailable"),
    "BAD_USER_INPUT": ("填写的内容有误", "invalid input"),
    "INTERNAL_ERROR": ("系统内部错误", "internal error"),
    "PERSISTED_QUERY_NOT_FOUND": ("未登记的查询文档", "unknown trusted document"),
    "DOCUMENT_REQUIRED": ("本部门只接受已登记的查询文档", "trusted documents only"),
    "invalid_client": ("客户端 ID 或密钥不正确", "wrong client id or secret"),
    "invalid_request": ("请求内容有误", "invalid request"),
    "invalid_grant": ("授权无效", "invalid grant"),
    "invalid_scope": ("申请的权限超出该客户端的范围", "invalid scope"),
    "unauthorized_client": ("该客户端不能以此方式登录", "unauthorized client"),
    "unsupported_grant_type": ("不支持的授权方式", "unsupported grant type"),
}

# The hub's English messages that a page's user meets most, and how they read in Chinese (regex → template).
ERROR_TEXTS: tuple[tuple[str, str], ...] = (
    (r"(?:\w+: )?subject code has (?P<n>\d+) characters; it must have 18", "代码应为 18 位，您填写了 {n} 位"),
    (r"(?:\w+: )?not a valid .*", "代码校验未通过，请检查是否有输入错误"),
    (r"an objection on this item was already filed.*", "该信息项已提出过异议，正在处理中"),
    (r"the item was already revoked or repaired", "该信息项已被撤销或已信用修复"),
    (r"only a natural person grants consent.*", "只有自然人本人可以授权使用其信息"),
    (r"(?P<n>\d+) registered organisations match; .*", "有 {n} 个已登记机构的名称与您填写的相符，请从列表中选择一个"),
    (
        r"no registered organisation matches; .*",
        "没有名称或代码与您填写的相符的已登记机构，请从列表中选择或填写其统一社会信用代码",
    ),
    (r"you have granted no consent with this id", "未找到这项授权"),
    (r"expiresAt is in the past.*", "有效期已过，授权不会生效"),
    (r"expiresAt is more than one year away.*", "授权期限最长一年"),
    (r"your record has no \w+ item with this id", "您的记录中没有这一信息项"),
    (r"the item id names no item of a configured source", "没有这一信息项"),
    (r"\w+ items cannot be disputed or repaired here", "这类信息项不能在此提出异议或申请修复"),
    (r"(?:reason|description) must be \d+ to (?P<high>\d+) characters", "说明应为 1 至 {high} 个字"),
    (r"Client authentication failed.*|invalid_client.*", "客户端 ID 或密钥不正确"),
)


# The register export's columns (hub.audit.export.CSV_COLUMNS) as a spreadsheet for people heads them.
EXPORT_HEADERS: dict[str, tuple[str, str]] = {
    "seq": ("序号", "No."),
    "event_id": ("事件编号", "Event"),
    "at": ("时间（北京时间）", "Time (China)"),
    "type": ("类型", "Type"),
    "outcome": ("结果", "Outcome"),
    "client_id": ("客户端", "Client"),
    "org": ("机构代码", "Organisation code"),
    "org_name": ("机构", "Organisation"),
    "department": ("部门", "Department"),
    "operator": ("操作人员", "Operator"),
    "purpose": ("用途", "Purpose"),
    "legal_basis": ("法律依据", "Legal basis"),
    "consent_ids": ("授权编号", "Consents"),
    "subjects": ("主体", "Subjects"),
    "fields_clear": ("明文提供的信息项", "Items in clear"),
    "fields_masked": ("脱敏提供的信息项", "Items masked"),
    "fields_denied": ("未提供的信息项", "Items withheld"),
    "concealed_until": ("暂不向主体显示至", "Hidden until"),
    "case_number": ("案号", "Case"),
    "concealed_until_case_closes": ("结案前不向主体显示", "Hidden until the case closes"),
    "case_closed_at": ("结案时间（北京时间）", "Case closed (China)"),
    "concealment": ("向主体显示情况", "Shown to the subject"),
    "error_codes": ("错误代码", "Error codes"),
    "operation_name": ("操作名称", "Operation"),
    "query_hash": ("查询摘要", "Query hash"),
    "document_id": ("可信文档", "Trusted document"),
    "latency_ms": ("耗时（毫秒）", "Latency (ms)"),
    "hash": ("哈希", "Hash"),
}


@dataclass(frozen=True, slots=True)
class Translator:
    """Answers the pages' words in one language; templates call it as `t("key")` and `t.label(group, code)`."""

    lang: str
    departments: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def html_lang(self) -> str:
        """Answers the value of the `lang` attribute of the page."""
        return "zh-CN" if self.lang == "zh" else "en"

    def __call__(self, key: str) -> str:
        """Answers the message `key` in this language (the key itself when unknown)."""
        pair = MESSAGES.get(key)
        if pair is None:
            return key
        return pair[0] if self.lang == "zh" else pair[1]

    def error(self, code: object, message: object = None) -> str:
        """Answers an error as a person reads it: in Chinese by its message or code, in English as written."""
        text, known = str(message or ""), ERRORS.get(str(code or ""))
        if self.lang != "zh":
            return text or (known[1] if known else str(code or ""))
        for pattern, template in ERROR_TEXTS:
            found = re.fullmatch(pattern, text)
            if found is not None:
                return template.format(**found.groupdict())
        return known[0] if known else "请求未能完成"

    def error_name(self, code: object) -> str:
        """Answers an error code's short name (`PURPOSE_NOT_ALLOWED` → 用途不在本部门允许范围内)."""
        known = ERRORS.get(str(code))
        return (known[0] if self.lang == "zh" else known[1]) if known else str(code)

    def department(self, key: object) -> str:
        """Answers a department key as people read it: its policy's title in this language (self reads named)."""
        text = str(key or "")
        if text in ("", "-"):
            return self.label("purpose", "SELF_ACCESS")
        title = self.departments.get(text)
        return one_language(title, self.lang) if title else text

    def scope(self, scope: object, clients: Mapping[str, str] | None = None) -> str:
        """Answers an anomaly's scope (`department:bank`, `client:ch_…`) as people read it."""
        kind, _, value = str(scope or "").partition(":")
        if kind == "department":
            return f"{self('department')}：{self.department(value)}"
        if kind == "client":
            return f"{self('client')}：{(clients or {}).get(value) or self('client_unknown')}"
        if kind == "subject":  # a keyed hash of the subject's code: the anomaly's events say which
            return self("subject_keyed")
        return str(scope or "—")

    def anomaly(self, rule: object, description: object, clients: Mapping[str, str] | None = None) -> str:
        """Answers an anomaly's description in this language (the register writes it in English)."""
        text = str(description or "")
        known = ANOMALY_TEXTS.get(str(rule))
        if self.lang != "zh" or known is None:
            return text
        found = re.fullmatch(known[0], text)
        if found is None:
            return text
        values = {name: value or "" for name, value in found.groupdict().items()}
        values["median_zh"] = f"（一般每小时 {values['median']} 次）" if values.get("median") else ""
        if "dept" in values:
            values["dept"] = self.department(values["dept"])
        if "client" in values:
            values["client"] = (clients or {}).get(values["client"]) or self("client_unknown")
        if "purpose" in values:
            values["purpose"] = self.label("purpose", values["purpose"])
        if "flags" in values:
            values["flags"] = "、".join(self.label("entry_flag", flag.strip()) for flag in values["flags"].split(","))
        return known[1].format(**values)

    def label(self, group: str, code: object) -> str:
        """Answers a code (purpose, outcome, state, ...) as people read it; the code itself when unknown."""
        text = str(code) if code is not None else ""
        pair = GROUPS.get(group, {}).get(text) or GROUPS.get(group, {}).get(text.lower())
        if pair is None:
            return text or "—"
        return pair[0] if self.lang == "zh" else pair[1]


def choose_lang(request: Request) -> tuple[str, bool]:
    """Answers the request's language (`?lang=`, then the cookie, then Chinese) and whether to remember it."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked, asked != request.cookies.get(LANG_COOKIE)
    remembered = request.cookies.get(LANG_COOKIE)
    return (remembered if remembered in LANGS else DEFAULT_LANG), False
