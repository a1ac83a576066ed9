"""Charts drawn on the server as inline SVG: stacked bars per day, horizontal bars, each with a data table."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import ceil, floor, log10

from markupsafe import Markup, escape

# Okabe-Ito's hues, the light ones darkened: every series ≥ 3:1 against the chart's white (WCAG 1.4.11)
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#9A6A00", "#1B7F9E", "#6A3D9A", "#4D4D4D")
INK, GRID, DENIAL, BACKGROUND = "#1F2933", "#D9DEE3", "#B3261E", "#FFFFFF"
MIN_CONTRAST = 3.0
WIDTH, HEIGHT = 400, 230
LEFT, RIGHT, TOP, BOTTOM = 34, 6, 12, 46


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart as the page shows it: a title, the SVG and the same numbers as an accessible table."""

    title: str
    svg: Markup
    table: Markup


def contrast(first: str, second: str = BACKGROUND) -> float:
    """Answers the WCAG 2 contrast ratio of two `#RRGGBB` colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _nice_max(value: int) -> int:
    """Answers the axis top: four equal, round integer steps."""
    raw = max(value, 1) / 4
    magnitude: float = 10.0 ** floor(log10(raw))
    step: float = next(m * magnitude for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * magnitude >= raw)
    return max(ceil(step), 1) * 4


def _svg(title: str, body: list[str], height: int = HEIGHT) -> Markup:
    ident = "chart-" + hashlib.sha256(title.encode()).hexdigest()[:10]
    return Markup(  # noqa: S704 - every text inside is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}" class="chart-svg" font-family="sans-serif" font-size="12">'
        f'<title id="{ident}">{escape(title)}</title>{"".join(body)}</svg>'
    )


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Markup:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    lines = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    table = f'<table class="data compact"><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table>'
    return Markup(f'<div class="scroll chart-data">{table}</div>')  # noqa: S704 - cells escaped


def _axis(top: int, plot_h: int, plot_w: int) -> list[str]:
    parts = []
    for step in range(5):
        y = TOP + plot_h - plot_h * step / 4
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">{top * step // 4}</text>')
    return parts


def stacked_days(
    title: str,
    days: Sequence[str],
    series: Mapping[str, Sequence[int]],
    day_label: str,
    count_label: str,
    ticks: Sequence[str] | None = None,
) -> Chart:
    """Answers a stacked bar chart of counts per day, one colour per series (e.g. per department).

    `ticks`: how each day is written under its bar and in the table (the ISO day when absent).
    """
    shown = list(ticks) if ticks is not None else list(days)
    names = list(series)
    totals = [sum(series[n][i] for n in names) for i in range(len(days))]
    top = _nice_max(max(totals, default=0))
    legend_rows = ceil(len(names) / 2)
    height = HEIGHT + 16 * max(legend_rows - 1, 0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    parts = _axis(top, plot_h, plot_w)
    for i in range(len(days)):
        x, base = LEFT + i * slot + slot * 0.15, float(TOP + plot_h)
        for j, name in enumerate(names):
            value = series[name][i]
            if value:
                h = plot_h * value / top
                base -= h
                colour, hint = PALETTE[j % len(PALETTE)], f"{escape(shown[i])} {escape(name)}：{value}"
                parts.append(
                    f'<rect x="{x:.1f}" y="{base:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{hint}</title></rect>'
                )
        if (len(days) - 1 - i) % max(ceil(len(days) / 6), 1) == 0:  # at most six labels, the newest day always
            parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{TOP + plot_h + 14}" text-anchor="middle" '
                         f'fill="{INK}">{escape(shown[i])}</text>')  # fmt: skip
    for j, name in enumerate(names):
        lx, ly = LEFT + (j % 2) * (plot_w / 2), TOP + plot_h + 30 + 16 * (j // 2)
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 9}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>')
        short = name if len(name) <= 13 else name[:12] + "…"
        parts.append(f'<text x="{lx + 14:.1f}" y="{ly}" fill="{INK}">{escape(short)}'
                     f"<title>{escape(name)}</title></text>")  # fmt: skip
    rows = [[shown[i], *(series[n][i] for n in names)] for i in range(len(days))]
    return Chart(title, _svg(title, parts, height), _table([day_label, *names], rows))


def bars(title: str, values: Sequence[tuple[str, int]], name_label: str, count_label: str) -> Chart:
    """Answers a horizontal bar chart of (label, count), largest first as given."""
    top = _nice_max(max((v for _, v in values), default=0))
    label_w, bar_h = 170, 24
    height = max(TOP + bar_h * len(values) + 16, 60)
    plot_w = WIDTH - label_w - 34
    parts = []
    for i, (name, value) in enumerate(values):
        y = TOP + i * bar_h
        w = plot_w * value / top
        short = name if len(name) <= 13 else name[:12] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" fill="{INK}">{escape(short)}'
                     f"<title>{escape(name)}</title></text>")  # fmt: skip
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{bar_h - 8}" fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" fill="{INK}">{value}</text>')
    if not values:
        parts.append(f'<text x="{WIDTH / 2}" y="36" text-anchor="middle" fill="{INK}">—</text>')
    return Chart(title, _svg(title, parts, height), _table([name_label, count_label], values))


def day_bars(
    title: str,
    days: Sequence[str],
    values: Sequence[int],
    day_label: str,
    count_label: str,
    ticks: Sequence[str] | None = None,
) -> Chart:
    """Answers a bar chart of one count per day (e.g. denials), drawn in the warning colour."""
    chart = stacked_days(title, days, {count_label: list(values)}, day_label, count_label, ticks)
    recoloured = Markup(str(chart.svg).replace(PALETTE[0], DENIAL))  # noqa: S704 - escaped by stacked_days
    return Chart(title, recoloured, chart.table)
