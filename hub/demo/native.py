"""The demo sources' own schemas, each as its department built it; the hub maps them via schema/sources/*.yaml."""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, Numeric, String, Table, Text, literal, null, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.ddl import CreateView

from hub.store.engine import make_engine

NATIVE_SCHEMAS: dict[str, MetaData] = {name: MetaData() for name in ("taiyuan", "datong", "tax", "court")}

_AMOUNT = Numeric(14, 2)


def _code() -> String:
    return String(18)


def _name() -> String:
    return String(200)


# taiyuan: the national 双公示 data standard's upper-case pinyin abbreviations, real DATE columns.
_taiyuan = NATIVE_SCHEMAS["taiyuan"]
Table(
    "QYJBXX",
    _taiyuan,
    Column("TYSHXYDM", _code(), primary_key=True, comment="统一社会信用代码"),
    Column("QYMC", _name(), nullable=False, comment="企业名称"),
    Column("QYLX", String(60), comment="企业类型"),
    Column("FDDBR", String(50), comment="法定代表人"),
    Column("FDDBR_ZJLX", String(20), comment="法定代表人证件类型"),
    Column("FDDBR_ZJHM", _code(), index=True, comment="法定代表人证件号码"),
    Column("FDDBR_RZRQ", Date, comment="法定代表人任职日期"),
    Column("LXDH", String(30), comment="联系电话"),
    Column("ZS", String(300), comment="住所"),
    Column("ZCZB", _AMOUNT, comment="注册资本（万元）"),
    Column("CLRQ", Date, comment="成立日期"),
    Column("DJZT", String(20), comment="登记状态"),
    Column("DJJG", String(100), comment="登记机关"),
    Column("XZQHDM", String(6), comment="行政区划代码"),
    comment="企业基本信息",
)


def _party_columns(prefix: str) -> list[Column[object]]:
    return [
        Column(f"{prefix}_XDR_LB", String(20), comment="行政相对人类别"),
        Column(f"{prefix}_XDR_MC", _name(), nullable=False, comment="行政相对人名称"),
        Column(f"{prefix}_XDR_SHXYM", _code(), index=True, comment="统一社会信用代码"),
        Column(f"{prefix}_XDR_ZJLX", String(20), comment="证件类型（自然人）"),
        Column(f"{prefix}_XDR_ZJHM", _code(), index=True, comment="证件号码（自然人）"),
        Column(f"{prefix}_FRDB", String(50), comment="法定代表人"),
        Column(f"{prefix}_FR_ZJHM", _code(), index=True, comment="法定代表人证件号码"),
    ]


Table(
    "XZCF",
    _taiyuan,
    Column("CF_WSH", String(64), primary_key=True, comment="行政处罚决定书文号"),
    Column("CF_AJMC", String(300), comment="案件名称"),
    *_party_columns("CF"),
    Column("CF_CFLB", String(100), comment="处罚类别"),
    Column("CF_SY", Text, comment="违法事实"),
    Column("CF_YJ", Text, comment="处罚依据"),
    Column("CF_NR", Text, comment="处罚内容（决定书全文）"),
    Column("CF_FKJE", _AMOUNT, comment="罚款金额（元）"),
    Column("CF_MSJE", _AMOUNT, comment="没收违法所得金额（元）"),
    Column("CF_JDRQ", Date, nullable=False, comment="处罚决定日期"),
    Column("CF_GSJZQ", Date, comment="公示截止期"),
    Column("CF_CFJG", String(100), comment="处罚机关"),
    Column("CF_GSZT", String(1), nullable=False, comment="公示状态：1 公示，0 撤销公示"),
    comment="行政处罚",
)
Table(
    "XZXK",
    _taiyuan,
    Column("XK_WSH", String(64), primary_key=True, comment="行政许可决定文书号"),
    Column("XK_XMMC", String(200), comment="许可项目名称"),
    *_party_columns("XK"),
    Column("XK_XKLB", String(20), comment="许可类别"),
    Column("XK_XKZS", String(100), comment="许可证书名称"),
    Column("XK_XKBH", String(64), comment="许可编号"),
    Column("XK_NR", Text, comment="许可内容"),
    Column("XK_JDRQ", Date, nullable=False, comment="许可决定日期"),
    Column("XK_YXQZ", Date, comment="有效期自"),
    Column("XK_JZQ", Date, comment="有效期至"),
    Column("XK_XKJG", String(100), comment="许可机关"),
    Column("XK_GSZT", String(1), nullable=False, comment="公示状态：1 公示，0 撤销公示"),
    comment="行政许可",
)
Table(
    "HHMD",
    _taiyuan,
    Column("MD_ID", String(40), primary_key=True, comment="名单记录编号"),
    Column("MD_LX", String(20), nullable=False, comment="名单类型：红名单/黑名单/重点关注名单"),
    Column("MD_ZTMC", _name(), comment="主体名称"),
    Column("MD_ZTDM", _code(), index=True, comment="主体代码"),
    Column("MD_FRDB", String(50), comment="法定代表人"),
    Column("MD_FR_ZJHM", _code(), index=True, comment="法定代表人证件号码"),
    Column("MD_RDBM", String(100), comment="认定部门"),
    Column("MD_RDYJ", String(300), comment="认定依据文书"),
    Column("MD_LRYY", Text, comment="列入原因"),
    Column("MD_LRRQ", Date, comment="列入日期"),
    Column("MD_YCTJ", Text, comment="移出条件"),
    Column("MD_YXQZ", Date, comment="有效期至"),
    Column("MD_ZT", String(10), comment="状态：有效/已移出/已过期"),
    comment="红黑名单及重点关注名单",
)

Table(
    "XYCN",
    _taiyuan,
    Column("CN_ID", String(40), primary_key=True, comment="承诺记录编号"),
    Column("CN_ZTMC", _name(), comment="承诺主体名称"),
    Column("CN_ZTDM", _code(), index=True, comment="承诺主体代码"),
    Column("CN_SX", String(200), nullable=False, comment="承诺事项"),
    Column("CN_LX", String(20), comment="承诺类型：审批替代型/主动型/行业自律型/信用修复型"),
    Column("CN_NR", Text, comment="承诺内容"),
    Column("CN_RQ", Date, nullable=False, comment="承诺日期"),
    Column("CN_SLBM", String(100), comment="受理部门"),
    Column("CN_LYQX", Date, comment="履约期限"),
    Column("CN_HCJG", String(10), comment="核查结果：未核查/已履约/未履约"),
    Column("CN_HCRQ", Date, comment="核查日期"),
    comment="信用承诺及履约情况",
)

# datong: a legacy platform with lower-case names, TEXT dates (YYYYMMDD) and numeric status codes.
_datong = NATIVE_SCHEMAS["datong"]


def _ymd(name: str) -> Column[str]:
    return Column(name, String(8))


_corp = Table(
    "t_corp",
    _datong,
    Column("corp_id", Integer, primary_key=True, autoincrement=False),
    Column("uscc", _code(), nullable=False, unique=True),
    Column("corp_name", _name(), nullable=False),
    Column("corp_type", String(60)),
    Column("legal_name", String(50)),
    Column("legal_id", _code(), index=True),
    _ymd("legal_since"),
    Column("tel", String(30)),
    Column("addr", String(300)),
    Column("state", String(2), comment="1 存续 2 在业 3 吊销 4 注销"),
    _ymd("reg_date"),
    Column("reg_capital", _AMOUNT),
    Column("area_code", String(6)),
)
_person = Table(
    "t_person",
    _datong,
    Column("person_id", Integer, primary_key=True, autoincrement=False),
    Column("id_no", _code(), nullable=False, unique=True),
    Column("person_name", String(50), nullable=False),
    Column("gender", String(1), comment="1 男 2 女"),
    _ymd("birth"),
    Column("mobile", String(20)),
    Column("addr", String(300)),
)


def _obj_columns() -> list[Column[object]]:
    return [
        Column("obj_type", String(1), comment="1 法人 2 自然人"),
        Column("obj_code", _code(), nullable=False, index=True),
        Column("obj_name", _name()),
        Column("legal_name", String(50)),
        Column("legal_id", _code(), index=True),
    ]


Table(
    "t_punish",
    _datong,
    Column("pun_id", Integer, primary_key=True, autoincrement=False),
    Column("doc_no", String(64), nullable=False, unique=True),
    *_obj_columns(),
    Column("pun_type", String(100)),
    Column("reason", Text),
    Column("basis", Text),
    Column("content", Text),
    Column("fine", _AMOUNT),
    _ymd("pun_date"),
    Column("dept_name", String(100)),
    Column("del_flag", String(1), nullable=False, comment="0 正常 1 已删除"),
)
Table(
    "t_permit",
    _datong,
    Column("per_id", Integer, primary_key=True, autoincrement=False),
    Column("doc_no", String(64), nullable=False, unique=True),
    *_obj_columns(),
    Column("item_name", String(200)),
    Column("per_type", String(20)),
    Column("cert_no", String(64)),
    Column("content", Text),
    Column("dept_name", String(100)),
    _ymd("per_date"),
    _ymd("valid_to"),
    Column("del_flag", String(1), nullable=False, comment="0 正常 1 已删除"),
)
Table(
    "t_credit_list",
    _datong,
    Column("rec_id", Integer, primary_key=True, autoincrement=False),
    *_obj_columns(),
    Column("mdlx", String(1), nullable=False, comment="1 红名单 2 黑名单 3 重点关注名单"),
    Column("dept", String(100)),
    Column("basis_doc", String(300)),
    Column("reason", Text),
    _ymd("rq"),
    Column("exit_cond", Text),
    _ymd("end_date"),
    Column("zt", String(1), comment="1 有效 2 已移出 3 已过期"),
)
Table(
    "t_report",
    _datong,
    Column("rpt_id", Integer, primary_key=True, autoincrement=False),
    Column("rpt_no", String(20), nullable=False, unique=True),
    Column("obj_code", _code(), nullable=False, index=True),
    Column("obj_name", _name()),
    _ymd("rpt_date"),
    Column("rpt_content", Text),
    Column("reporter", String(50)),
    Column("reporter_tel", String(20)),
    Column("state", String(1), comment="0 待处理 1 已办结"),
)


_legal_history = Table(
    "t_corp_legal_his",
    _datong,
    Column("his_id", Integer, primary_key=True, autoincrement=False),
    Column("uscc", _code(), nullable=False, index=True),
    Column("corp_name", _name(), nullable=False),
    Column("legal_name", String(50)),
    Column("legal_id", _code(), index=True),
    _ymd("start_date"),
    _ymd("end_date"),
    comment="法定代表人变更记录: who represented an enterprise before its current representative",
)

# Who represents or represented each enterprise, and when: the current one (t_corp) and the former ones.
_representation_view = CreateView(
    select(
        _corp.c.uscc.label("rep_key"),
        _corp.c.uscc,
        _corp.c.corp_name,
        _corp.c.legal_id,
        _corp.c.legal_since.label("since"),
        null().cast(String(8)).label("until"),
    ).union_all(
        select(
            (_legal_history.c.uscc + literal("@") + _legal_history.c.start_date).label("rep_key"),
            _legal_history.c.uscc,
            _legal_history.c.corp_name,
            _legal_history.c.legal_id,
            _legal_history.c.start_date,
            _legal_history.c.end_date,
        )
    ),
    "v_legal_rep",
    metadata=_datong,
)

# One view gives the hub a single registration table for datong's enterprises and persons.
_subject_view = CreateView(
    select(
        _corp.c.uscc.label("code"),
        _corp.c.corp_name.label("name"),
        literal("1").label("kind"),
        _corp.c.legal_name,
        _corp.c.legal_id,
        _corp.c.tel,
        _corp.c.addr,
        _corp.c.state,
        _corp.c.reg_date,
    ).union_all(
        select(
            _person.c.id_no,
            _person.c.person_name,
            literal("2"),
            null().cast(String(50)),
            null().cast(String(18)),
            _person.c.mobile,
            _person.c.addr,
            null().cast(String(2)),
            null().cast(String(8)),
        )
    ),
    "v_subject_info",
    metadata=_datong,
)

Table(
    "nsrxydj",
    NATIVE_SCHEMAS["tax"],
    Column("lsh", String(32), primary_key=True, comment="流水号"),
    Column("nsrsbh", _code(), nullable=False, index=True, comment="纳税人识别号（统一社会信用代码）"),
    Column("nsrmc", _name(), comment="纳税人名称"),
    Column("pjnd", Integer, nullable=False, comment="评价年度"),
    Column("xydj", String(1), nullable=False, comment="信用等级 A/B/M/C/D"),
    Column("pjfs", Integer, comment="评价得分"),
    Column("pdrq", Date, comment="评定日期"),
    Column("zgswjg", String(100), comment="主管税务机关"),
    comment="纳税信用等级评价结果",
)

Table(
    "sxbzxr",
    NATIVE_SCHEMAS["court"],
    Column("ah", String(64), primary_key=True, comment="案号"),
    Column("bzxrmc", _name(), nullable=False, comment="被执行人姓名/名称"),
    Column("zjhm", _code(), nullable=False, index=True, comment="身份证号码/统一社会信用代码"),
    Column("fddbr", String(50), comment="法定代表人或者负责人姓名"),
    Column("xb", String(2), comment="性别"),
    Column("nl", Integer, comment="年龄"),
    Column("zxfy", String(100), comment="执行法院"),
    Column("sf", String(20), comment="省份"),
    Column("zxyjwh", String(64), comment="执行依据文号"),
    Column("zczxyjdw", String(100), comment="做出执行依据单位"),
    Column("yw", Text, comment="生效法律文书确定的义务"),
    Column("lxqk", String(20), comment="被执行人的履行情况"),
    Column("sxjtqx", Text, comment="失信被执行人行为具体情形"),
    Column("lasj", Date, comment="立案时间"),
    Column("fbsj", Date, comment="发布时间"),
    comment="失信被执行人名单",
)


def loaded_tables(source: str) -> list[Table]:
    """Answers the tables of `source` that hold rows (not its views), parents first."""
    views = (_subject_view.table, _representation_view.table)
    return [table for table in NATIVE_SCHEMAS[source].sorted_tables if all(table is not view for view in views)]


async def recreate_schema(conn: AsyncConnection, source: str) -> None:
    """Drops and recreates the native tables, views and indexes of `source` on an open connection."""
    await conn.run_sync(NATIVE_SCHEMAS[source].drop_all)
    await conn.run_sync(NATIVE_SCHEMAS[source].create_all)


async def create_source_schema(url: str, source: str) -> None:
    """Drops and recreates the native tables, views and indexes of `source` in the database at `url`."""
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await recreate_schema(conn, source)
    finally:
        await engine.dispose()
