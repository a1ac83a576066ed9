"""Rendering: Chinese text set in an embedded TrueType CJK font, and a clear error when the font is missing."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from hub.errors import ErrorCode, HubError
from hub.identity.codes import SubjectKind
from hub.reports.content import Edition, Register, build
from hub.reports.render import font_file, render

NOW = datetime(2026, 12, 6, 8, 30, tzinfo=UTC)


def test_a_report_is_set_in_an_embedded_cjk_font() -> None:
    entry = Register("e-1", NOW, "某部门系统", "approval-bureau", "clerk-7", "ADMINISTRATIVE_APPROVAL")
    view = {"name": "太原市某某食品有限公司", "status": "存续", "penalties": [], "listings": None}
    content = build("CR20261206AAAAAAAAAA", NOW, Edition.DEPARTMENT, "91140100MA0L12345X", SubjectKind.LEGAL_ENTITY,
                    view, None, entry)  # fmt: skip
    pdf = render(content, "http://hub/reports/verify/CR20261206AAAAAAAAAA", "http://hub")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "太原市某某食品有限公司" in text
    assert "无记录" in text, "no penalties"
    assert "来源暂无法获取" in text, "lists unknown (a source failed) are not shown as none"
    fonts = {str(f.get("/BaseFont")) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert any("CreditHubCJK" in name or "WenQuanYi" in name for name in fonts), fonts


def test_a_missing_font_names_the_package_to_install(tmp_path: Path) -> None:
    with pytest.raises(HubError) as raised:
        font_file((tmp_path / "none.ttc",))
    assert raised.value.code is ErrorCode.INTERNAL_ERROR
    assert "fonts-wqy-microhei" in (raised.value.fix or "")
