"""The axe-core harness in Debian's Chromium: it is the vendored, licensed axe-core, and it finds real violations."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.axe import AXE_JS, VENDOR, assert_accessible, axe_source, describe, violations

pytestmark = pytest.mark.browser

BROKEN = """<!doctype html><html><head><title>t</title></head><body><main>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="photo">
<p style="color:#bbb;background:#fff">faint</p><button id="empty"></button></main></body></html>"""
CLEAN = """<!doctype html><html lang="zh-CN"><head><title>信用</title></head><body><main><h1>信用</h1>
<p>正文</p><button type="button">提交</button></main></body></html>"""


def test_the_vendored_file_keeps_its_licence_header() -> None:
    assert axe_source().startswith("/*! axe v4.14.1")
    assert "Mozilla Public" in axe_source()[:600]
    assert "Mozilla Public License, version 2.0" in (VENDOR / "LICENSE").read_text()
    assert AXE_JS.stat().st_size > 100_000


def test_a_broken_page_fails_with_each_violation_named(page: Any) -> None:
    page.set_content(BROKEN)
    found = {v["id"]: v for v in violations(page)}
    assert {"image-alt", "color-contrast", "button-name", "html-has-lang"} <= set(found)
    assert found["image-alt"]["nodes"][0]["target"] == ["#photo"]
    text = describe(list(found.values()))
    assert "[critical] image-alt" in text
    assert "at #photo: <img" in text
    with pytest.raises(AssertionError, match=r"violation\(s\) on the broken page:\n- \["):
        assert_accessible(page, "the broken page")


def test_a_clean_page_passes_and_exclusions_apply(page: Any) -> None:
    page.set_content(CLEAN)
    assert_accessible(page, "a clean page")
    page.set_content(BROKEN.replace("<html>", '<html lang="en">'))
    left = {v["id"] for v in violations(page, exclude=["#photo", "#empty", "p"])}
    assert left == {"page-has-heading-one"}, "only the page-wide rule is left"
