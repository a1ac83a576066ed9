"""Writes generated facts as rows of each source's native tables (see hub.demo.native)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from hub.demo.facts import (
    Commitment,
    CourtCase,
    Item,
    Licence,
    Listing,
    Organisation,
    Penalty,
    Person,
    Report,
    SourceName,
    Subject,
    SubjectFacts,
    TaxGrade,
)
from hub.demo.items import REFERENCE_DATE, add_years

Row = dict[str, Any]
Rows = dict[str, dict[str, list[Row]]]
"""source -> table -> rows"""

_TY_LIST = {"RED": "红名单", "BLACK": "黑名单", "KEY_ATTENTION": "重点关注名单"}
_TY_STATUS = {"ACTIVE": "有效", "REMOVED": "已移出", "EXPIRED": "已过期"}
_TY_COMMITMENT = {"COMMITTED": "未核查", "KEPT": "已履约", "BROKEN": "未履约"}
_DT_LIST = {"RED": "1", "BLACK": "2", "KEY_ATTENTION": "3"}
_DT_STATUS = {"ACTIVE": "1", "REMOVED": "2", "EXPIRED": "3"}
_DT_STATE = {"存续": "1", "在业": "2", "吊销": "3", "注销": "4"}


def new_rows() -> Rows:
    """Answers an empty row collection."""
    return defaultdict(lambda: defaultdict(list))


def _ymd(day: date | None) -> str | None:
    return f"{day:%Y%m%d}" if day else None


def _party(prefix: str, subject: Subject) -> Row:
    if isinstance(subject, Person):
        return {
            f"{prefix}_XDR_LB": "自然人",
            f"{prefix}_XDR_MC": subject.name,
            f"{prefix}_XDR_ZJLX": "身份证",
            f"{prefix}_XDR_ZJHM": subject.code,
        }
    rep = subject.representative
    return {
        f"{prefix}_XDR_LB": "个体工商户" if subject.is_individual_business else "法人及非法人组织",
        f"{prefix}_XDR_MC": subject.name,
        f"{prefix}_XDR_SHXYM": subject.code,
        f"{prefix}_FRDB": rep.name,
        f"{prefix}_FR_ZJHM": rep.code,
    }


def _taiyuan(subject: Subject, item: Item) -> tuple[str, Row]:
    if isinstance(item, Penalty):
        return "XZCF", {
            "CF_WSH": item.number,
            "CF_AJMC": item.case_name,
            **_party("CF", subject),
            "CF_CFLB": item.category,
            "CF_SY": item.fact,
            "CF_YJ": item.basis,
            "CF_NR": item.text,
            "CF_FKJE": item.amount,
            "CF_MSJE": item.confiscated,
            "CF_JDRQ": item.decided_on,
            "CF_GSJZQ": add_years(item.decided_on, 3),
            "CF_CFJG": item.authority,
            "CF_GSZT": "1" if item.published else "0",
        }
    if isinstance(item, Licence):
        return "XZXK", {
            "XK_WSH": item.number,
            "XK_XMMC": item.title,
            **_party("XK", subject),
            "XK_XKLB": item.category,
            "XK_XKZS": item.certificate,
            "XK_XKBH": item.certificate_no,
            "XK_NR": item.content,
            "XK_JDRQ": item.decided_on,
            "XK_YXQZ": item.decided_on,
            "XK_JZQ": item.valid_until,
            "XK_XKJG": item.authority,
            "XK_GSZT": "1" if item.published else "0",
        }
    if isinstance(item, Listing):
        rep = subject.representative if isinstance(subject, Organisation) else None
        return "HHMD", {
            "MD_ID": f"HHMD{item.listed_on.year}{item.serial:09d}",
            "MD_LX": _TY_LIST[item.list],
            "MD_ZTMC": subject.name,
            "MD_ZTDM": subject.code,
            "MD_FRDB": rep.name if rep else None,
            "MD_FR_ZJHM": rep.code if rep else None,
            "MD_RDBM": item.department,
            "MD_RDYJ": item.basis_document,
            "MD_LRYY": item.reason,
            "MD_LRRQ": item.listed_on,
            "MD_YCTJ": item.exit_conditions,
            "MD_YXQZ": item.expires_on,
            "MD_ZT": _TY_STATUS[item.status],
        }
    if isinstance(item, Commitment):
        return "XYCN", {
            "CN_ID": f"XYCN{item.committed_on.year}{item.serial:09d}",
            "CN_ZTMC": subject.name,
            "CN_ZTDM": subject.code,
            "CN_SX": item.matter,
            "CN_LX": item.kind,
            "CN_NR": item.content,
            "CN_RQ": item.committed_on,
            "CN_SLBM": item.department,
            "CN_LYQX": item.deadline,
            "CN_HCJG": _TY_COMMITMENT[item.result],
            "CN_HCRQ": item.verified_on,
        }
    raise TypeError(f"taiyuan keeps no {type(item).__name__}")


def _obj(subject: Subject) -> Row:
    if isinstance(subject, Person):
        return {"obj_type": "2", "obj_code": subject.code, "obj_name": subject.name}
    rep = subject.representative
    return {
        "obj_type": "1",
        "obj_code": subject.code,
        "obj_name": subject.name,
        "legal_name": rep.name,
        "legal_id": rep.code,
    }


def _datong(subject: Subject, item: Item) -> tuple[str, Row]:
    if isinstance(item, Penalty):
        return "t_punish", {
            "pun_id": item.serial,
            "doc_no": item.number,
            **_obj(subject),
            "pun_type": item.category,
            "reason": item.fact,
            "basis": item.basis,
            "content": item.text,
            "fine": item.amount,
            "pun_date": _ymd(item.decided_on),
            "dept_name": item.authority,
            "del_flag": "0" if item.published else "1",
        }
    if isinstance(item, Licence):
        return "t_permit", {
            "per_id": item.serial,
            "doc_no": item.number,
            **_obj(subject),
            "item_name": item.title,
            "per_type": item.category,
            "cert_no": item.certificate_no,
            "content": item.content,
            "dept_name": item.authority,
            "per_date": _ymd(item.decided_on),
            "valid_to": _ymd(item.valid_until),
            "del_flag": "0" if item.published else "1",
        }
    if isinstance(item, Listing):
        return "t_credit_list", {
            "rec_id": item.serial,
            **_obj(subject),
            "mdlx": _DT_LIST[item.list],
            "dept": item.department,
            "basis_doc": item.basis_document,
            "reason": item.reason,
            "rq": _ymd(item.listed_on),
            "exit_cond": item.exit_conditions,
            "end_date": _ymd(item.expires_on),
            "zt": _DT_STATUS[item.status],
        }
    if isinstance(item, Report):
        return "t_report", {
            "rpt_id": item.serial,
            "rpt_no": item.number,
            "obj_code": subject.code,
            "obj_name": subject.name,
            "rpt_date": _ymd(item.received_on),
            "rpt_content": item.topic,
            "reporter": item.reporter_name,
            "reporter_tel": item.reporter_phone,
            "state": "1",
        }
    raise TypeError(f"datong keeps no {type(item).__name__}")


def _tax(subject: Subject, item: Item) -> tuple[str, Row]:
    if not isinstance(item, TaxGrade):
        raise TypeError(f"tax keeps no {type(item).__name__}")
    return "nsrxydj", {
        "lsh": f"{item.year}{subject.code}",
        "nsrsbh": subject.code,
        "nsrmc": subject.name,
        "pjnd": item.year,
        "xydj": item.grade,
        "pjfs": item.score,
        "pdrq": item.assessed_on,
        "zgswjg": item.office,
    }


def _court(subject: Subject, item: Item) -> tuple[str, Row]:
    if not isinstance(item, CourtCase):
        raise TypeError(f"court keeps no {type(item).__name__}")
    row: Row = {
        "ah": item.number,
        "bzxrmc": subject.name,
        "zjhm": subject.code,
        "zxfy": item.court,
        "sf": "山西",
        "zxyjwh": item.basis_number,
        "zczxyjdw": item.court,
        "yw": item.obligation,
        "lxqk": item.performance,
        "sxjtqx": item.situation,
        "lasj": item.filed_on,
        "fbsj": item.published_on,
    }
    if isinstance(subject, Person):
        row["xb"] = "男" if subject.male else "女"
        row["nl"] = REFERENCE_DATE.year - subject.born.year
    else:
        row["fddbr"] = subject.representative.name
    return "sxbzxr", row


_ENCODERS = {"taiyuan": _taiyuan, "datong": _datong, "tax": _tax, "court": _court}


def _registration(facts: SubjectFacts, rows: Rows) -> None:
    subject = facts.subject
    if isinstance(subject, Organisation):
        rep = subject.representative
        if facts.home == "taiyuan":
            rows["taiyuan"]["QYJBXX"].append(
                {
                    "TYSHXYDM": subject.code,
                    "QYMC": subject.name,
                    "QYLX": subject.form,
                    "FDDBR": rep.name,
                    "FDDBR_ZJLX": "身份证",
                    "FDDBR_ZJHM": rep.code,
                    "FDDBR_RZRQ": subject.representative_since or subject.registered_on,
                    "LXDH": subject.phone,
                    "ZS": subject.address,
                    "ZCZB": subject.capital,
                    "CLRQ": subject.registered_on,
                    "DJZT": subject.status,
                    "DJJG": f"{subject.district.city}{subject.district.name}行政审批服务管理局",
                    "XZQHDM": subject.district.code,
                }
            )
        else:
            rows["datong"]["t_corp"].append(
                {
                    "corp_id": facts.index + 1,
                    "uscc": subject.code,
                    "corp_name": subject.name,
                    "corp_type": subject.form,
                    "legal_name": rep.name,
                    "legal_id": rep.code,
                    "legal_since": _ymd(subject.representative_since or subject.registered_on),
                    "tel": subject.phone,
                    "addr": subject.address,
                    "state": _DT_STATE[subject.status],
                    "reg_date": _ymd(subject.registered_on),
                    "reg_capital": subject.capital,
                    "area_code": subject.district.code,
                }
            )
    for position, former in enumerate(facts.former_representatives):
        rows["datong"]["t_corp_legal_his"].append(
            {
                "his_id": (facts.index + 1) * 100 + position,
                "uscc": subject.code,
                "corp_name": subject.name,
                "legal_name": former.person.name,
                "legal_id": former.person.code,
                "start_date": _ymd(former.since),
                "end_date": _ymd(former.until),
            }
        )
    for person in facts.persons:
        rows["datong"]["t_person"].append(
            {
                "person_id": facts.index + 1,
                "id_no": person.code,
                "person_name": person.name,
                "gender": "1" if person.male else "2",
                "birth": _ymd(person.born),
                "mobile": person.mobile,
                "addr": person.address,
            }
        )


def encode(facts: SubjectFacts, rows: Rows) -> None:
    """Appends the native rows of one subject's registration, persons and items to `rows`."""
    _registration(facts, rows)
    source: SourceName
    for source, item in facts.items:
        table, row = _ENCODERS[source](facts.subject, item)
        rows[source][table].append(row)
    for other in facts.others:
        encode(other, rows)
