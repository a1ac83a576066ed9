"""A page on a phone and on a desktop: what spills out sideways, and which controls another element covers."""

from __future__ import annotations

from typing import Any

from tests.web.axe import assert_accessible

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SCREENS = {"390x844": PHONE, "1366x900": DESKTOP}

_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
    const x = getComputedStyle(p).overflowX; if (x === 'auto' || x === 'scroll' || x === 'hidden') return true; }
    return false; };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const spills = [...document.body.querySelectorAll('*')]
    .filter(el => { const r = el.getBoundingClientRect(); return r.width && r.right > width + 1 && !scrolls(el); });
  const outermost = spills.filter(el => !spills.includes(el.parentElement));
  const wide = outermost.map(el => `${name(el)} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""

_COVERED = """() => {
  const controls = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, '
    + 'summary, [role=button], [tabindex]:not([tabindex="-1"])')];
  const covered = [];
  for (const el of controls) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || el.closest('[hidden], .sr-only')) continue;
    if (el.getClientRects().length === 0) continue;
    const shut = el.closest('details:not([open])');  // folded away until its summary is tapped
    if (shut && !(el.closest('summary') && el.closest('summary').parentElement === shut)) continue;
    el.scrollIntoView({block: 'center', inline: 'center'});
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.right < 0 || r.bottom < 0) continue;  // off-screen until focused (skip link)
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const label = hit && hit.closest('label');
    if (hit && (hit === el || el.contains(hit) || (label && label.control === el))) continue;
    covered.push(`${el.outerHTML.slice(0, 120)} is covered by ${hit ? hit.outerHTML.slice(0, 120) : 'nothing'}`);
  }
  window.scrollTo(0, 0);
  return covered;
}"""


def overflow(page: Any) -> str | None:
    """Answers what lays out wider than the viewport (outside any scroll wrapper), or None when nothing does."""
    found = page.evaluate(_OVERFLOW)
    if found["scrollWidth"] <= found["width"] and not found["wide"]:
        return None
    return f"the page is {found['scrollWidth']} px wide in a {found['width']} px viewport: " + "; ".join(found["wide"])


def covered_controls(page: Any) -> list[str]:
    """Answers each visible link, button or field whose centre another element takes (a tap would miss it)."""
    found: list[str] = page.evaluate(_COVERED)
    return found


def assert_fits(page: Any, where: str = "") -> None:
    """Asserts the page does not spill sideways and every control can be tapped at its centre."""
    spill = overflow(page)
    assert spill is None, f"{where or page.url}: {spill}"
    covered = covered_controls(page)
    assert not covered, f"{where or page.url}: a tap misses {len(covered)} control(s):\n" + "\n".join(covered)


def check_screen(page: Any, where: str) -> None:
    """Answers nothing; fails when the page spills sideways, covers a control or has any axe violation."""
    assert_fits(page, where)
    assert_accessible(page, where)
