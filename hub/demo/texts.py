"""Free texts written the way real decisions, listings, judgments and reports are: with personal data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hub.demo.sectors import Violation


def cn_date(day: date) -> str:
    """Answers a date as written in Chinese documents, such as 2024年3月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


def party_of_person(name: str, male: bool, id_number: str, address: str, mobile: str) -> str:
    """Answers the 当事人 paragraph of a natural person."""
    sex = "男" if male else "女"
    return f"当事人：{name}，性别：{sex}，身份证号码：{id_number}，住址：{address}，联系电话：{mobile}。"


def party_of_organisation(
    name: str, code: str, address: str, rep_name: str, rep_id: str, rep_mobile: str, *, operator: bool
) -> str:
    """Answers the 当事人 paragraph of an organisation, naming its legal representative or operator."""
    role = "经营者" if operator else "法定代表人"
    return (
        f"当事人：{name}，统一社会信用代码：{code}，住所：{address}，"
        f"{role}：{rep_name}，身份证号码：{rep_id}，联系电话：{rep_mobile}。"
    )


def yuan(amount: Decimal) -> str:
    """Answers an amount as written in decisions, such as 20000元 or 1250.50元."""
    return f"{amount:.0f}元" if amount == amount.to_integral_value() else f"{amount:.2f}元"


def penalty_outcome(category: str, amount: Decimal, confiscated: Decimal | None) -> str:
    """Answers what the decision imposes."""
    parts = []
    if confiscated:
        parts.append(f"没收违法所得{yuan(confiscated)}")
    if amount:
        parts.append(f"处罚款人民币{yuan(amount)}")
    if "吊销" in category:
        parts.append("吊销许可证件")
    return "；".join(parts) if parts else "警告"


def penalty_text(
    *,
    authority: str,
    number: str,
    party: str,
    violation: Violation,
    inspected_on: date,
    outcome: str,
    city: str,
    court: str,
) -> str:
    """Answers the full text of an administrative penalty decision."""
    return (
        f"{authority}行政处罚决定书 {number}\n{party}\n"
        f"{cn_date(inspected_on)}，本机关执法人员依法对当事人经营场所进行检查，发现当事人{violation.fact}。"
        f"当事人的上述行为违反了{violation.breached}的规定。依据{violation.basis}的规定，"
        f"本机关决定对当事人作出如下行政处罚：{outcome}。\n"
        f"{'当事人应当自收到本决定书之日起十五日内缴纳罚款。' if '罚款' in outcome else ''}"
        "如不服本处罚决定，可在收到本决定书之日起六十日内"
        f"向{city}人民政府申请行政复议，也可以在六个月内向{court}提起行政诉讼。"
    )


def licence_content(holder: str, title: str, certificate_no: str, address: str, valid_until: date | None) -> str:
    """Answers the published content of a licence decision."""
    until = f"，有效期至{cn_date(valid_until)}" if valid_until else "，长期有效"
    return f"准予{holder}{title}。证书编号：{certificate_no}，经营场所：{address}{until}。"


def court_obligation(debtor: str, creditor: str, what: str, amount: Decimal) -> str:
    """Answers the obligation a judgment imposed on the debtor."""
    return (
        f"被执行人{debtor}应于判决生效之日起十日内支付申请执行人{creditor}{what}{yuan(amount)}及利息，"
        "并承担案件受理费。"
    )


def report_topic(subject: str, conduct: str, seen_on: date, witness: str) -> str:
    """Answers the gist of a whistle-blower report (the reporter is named apart, never here)."""
    return (
        f"举报{subject}存在{conduct}问题。举报人称{cn_date(seen_on)}发现该情况，"
        f"现场负责人{witness}拒绝整改，请求依法查处。"
    )
