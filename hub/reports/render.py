"""Lays a report out as an A4 PDF in Chinese (reportlab, a TrueType CJK font from Debian), with its QR code."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hub.errors import ErrorCode, HubError
from hub.reports.content import EDITION_TITLES, ReportContent, Section

# Debian's fonts-wqy-microhei: TrueType outlines, which reportlab embeds (Noto CJK's CFF outlines it cannot).
FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
FONT = "CreditHubCJK"
_WIDTH = A4[0] - 36 * mm
LONG_COLUMNS = frozenset({"处罚内容", "许可内容", "承诺内容", "列入原因", "生效法律文书确定的义务", "指标"})
SIGNED_NOTE = "本报告经平台数字签名；扫描右侧二维码或运行 credit-hub report verify 核验真伪与完整性。"


def font_file(candidates: tuple[Path, ...] = FONT_FILES) -> Path:
    """Answers the CJK font reports are set in; INTERNAL_ERROR naming the package to install when none is."""
    for path in candidates:
        if path.is_file():
            return path
    raise HubError(
        ErrorCode.INTERNAL_ERROR,
        f"no CJK font to set the credit report in ({candidates[0]} is missing)",
        fix="install Debian's fonts-wqy-microhei (apt-get install fonts-wqy-microhei) and restart the hub",
    )


def register_font(candidates: tuple[Path, ...] = FONT_FILES) -> None:
    """Answers nothing; registers the CJK font with reportlab once (INTERNAL_ERROR when it is not installed)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(font_file(candidates)), subfontIndex=0))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#444444")),
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=1, spaceAfter=4 * mm),
        "section": ParagraphStyle(
            "section",
            parent=base,
            fontSize=12,
            leading=18,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
            textColor=colors.HexColor("#8a1c1c"),
            keepWithNext=1,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=11),
        "head": ParagraphStyle("head", parent=base, fontSize=8, leading=11, textColor=colors.white),
    }


def _qr(url: str, size: float = 28 * mm) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


def _para(value: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(value).replace("\n", "<br/>"), style)


def _section(section: Section, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [_para(section.title, styles["section"])]
    grid = TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ])  # fmt: skip
    if section.pairs:
        rows = [[_para(label, styles["cell"]), _para(value, styles["cell"])] for label, value in section.pairs]
        pairs = Table(rows, colWidths=[38 * mm, _WIDTH - 38 * mm], style=grid)
        pairs.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3efe6"))]))
        out.append(pairs)
    if section.headers:
        head = [_para(h, styles["head"]) for h in section.headers]
        body = [[_para(value, styles["cell"]) for value in row] for row in section.rows]
        weights = [3 if h in LONG_COLUMNS else 1 for h in section.headers]
        widths = [_WIDTH * w / sum(weights) for w in weights]
        items = Table([head, *body], colWidths=widths, style=grid, repeatRows=1)
        items.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#8a1c1c"))]))
        out += [Spacer(1, 2 * mm), items] if section.pairs else [items]
    if section.note:
        out.append(_para(section.note, styles["small"] if section.headers or section.pairs else styles["body"]))
    return out


def render(content: ReportContent, verify_url: str, issuer: str) -> bytes:
    """Answers the report as PDF bytes (unsigned): title, header, every section, QR code and footer on each page."""
    register_font()
    styles = _styles()
    buffer = io.BytesIO()

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(
            18 * mm,
            12 * mm,
            f"报告编号 {content.number}　签发 {issuer}　验证：扫描首页二维码，或 credit-hub report verify",
        )
        canvas.drawRightString(A4[0] - 18 * mm, 12 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=20 * mm,
        title=f"公共信用信息报告 {content.number}", author=issuer, subject="公共信用信息报告", creator="Credit Hub",
    )  # fmt: skip
    header = Table(
        [[
            [
                _para(f"报告编号：{content.number}", styles["body"]),
                _para(f"出具时间：{content.issued_at:%Y-%m-%d %H:%M} (UTC)", styles["body"]),
                _para(f"报告版本：{EDITION_TITLES[content.edition]}", styles["body"]),
                _para(f"出具机构：{issuer}", styles["body"]),
                _para(SIGNED_NOTE, styles["small"]),
            ],
            _qr(verify_url),
        ]],
        colWidths=[_WIDTH - 32 * mm, 32 * mm],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
    )  # fmt: skip
    story: list[Flowable] = [_para("公共信用信息报告", styles["title"]), header]
    for section in content.sections:
        story += _section(section, styles)
    if content.sources:
        story.append(_para("数据来源：" + "；".join(content.sources), styles["small"]))
    story.append(Spacer(1, 4 * mm))
    story.append(
        _para(
            "说明：本报告依据《公共信用信息目录》和查询方的查询目的与访问政策生成，已过公示期、已修复或已移出名单的信息不予显示；"
            "对报告内容有异议的，信息主体可通过本人门户提出异议或申请信用修复。",
            styles["small"],
        )
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
