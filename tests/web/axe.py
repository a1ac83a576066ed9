"""axe-core in a Playwright page: the page's accessibility violations (any impact), listed so a person can fix them.

axe-core is vendored in tests/web/vendor/axe-core (npm `axe-core`, MPL-2.0, header kept): nothing downloads while
the tests run. It is evaluated in the page through the DevTools protocol, so the page's own Content-Security-Policy
stays on while it is checked.

    from tests.web.axe import assert_accessible
    assert_accessible(page, "portal, citizen, 390×844")
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

VENDOR = Path(__file__).resolve().parent / "vendor" / "axe-core"
AXE_JS = VENDOR / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"

_RUN = """async ([exclude]) => {
  const context = exclude.length ? {exclude: exclude.map(selector => [selector])} : document;
  const result = await window.axe.run(context, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, summary: n.failureSummary || ""})),
  }));
}"""

_source: list[str] = []


def axe_source() -> str:
    """Answers the vendored axe-core script, failing the test with the fix when it is missing or altered."""
    if not _source:
        if not AXE_JS.is_file():
            pytest.fail(f"{AXE_JS} is missing: npm pack axe-core@{AXE_VERSION} and copy package/axe.min.js there")
        data = AXE_JS.read_bytes()
        if hashlib.sha256(data).hexdigest() != AXE_SHA256:
            pytest.fail(f"{AXE_JS} is not axe-core {AXE_VERSION} as vendored: see {VENDOR / 'README.md'}")
        _source.append(data.decode())
    return _source[0]


def violations(page: Any, exclude: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Answers axe-core's violations on the page as it now shows (every rule axe runs by default, any impact).

    `exclude`: CSS selectors of parts to leave out (say why where you use it).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found: list[dict[str, Any]] = page.evaluate(_RUN, [list(exclude)])
    return found


def describe(found: Sequence[dict[str, Any]]) -> str:
    """Answers the violations as lines a person reads: rule, impact, help and each element with what to fix."""
    lines: list[str] = []
    for violation in found:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            html = " ".join(node["html"].split())
            lines.append(f"    at {' '.join(node['target'])}: {html[:160]}{'…' if len(html) > 160 else ''}")
            lines.extend(f"      {line.strip()}" for line in node["summary"].splitlines() if line.strip())
    return "\n".join(lines)


def assert_accessible(page: Any, where: str = "", exclude: Sequence[str] = ()) -> None:
    """Asserts that axe-core finds no violation of any impact on the page, listing each one when it does."""
    found = violations(page, exclude)
    count = sum(len(v["nodes"]) for v in found)
    assert not found, f"axe-core {AXE_VERSION}: {count} violation(s) on {where or page.url}:\n{describe(found)}"
