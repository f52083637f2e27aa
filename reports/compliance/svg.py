"""Hand-built SVG charts: a line chart over dates, horizontal bars and a single stacked bar.

Every chart is a self-contained ``<svg role="img">`` with a visible title, a ``<title>``/``<desc>`` pair
that screen readers announce, presentation attributes only (no inline ``style``: the pages' CSP forbids
it), a viewBox so it scales to any width, colours that keep 3:1 against white, and a second channel
(dash pattern, marker or text) wherever colour carries meaning. Callers put a data table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
INK, MUTED, GRID = "#1b1f24", "#57606a", "#d0d7de"


@dataclass(frozen=True)
class Line:
    label: str
    points: list[tuple[date, float]]
    colour: str
    dash: str | None = None  # stroke-dasharray
    marker: str | None = None  # "circle" | "square"
    width: float = 2.5


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # shown after the bar, e.g. "45% · 90 of 200"
    colour: str
    marker: float | None = None  # e.g. where the bar should be by now
    href: str | None = None


@dataclass(frozen=True)
class Segment:
    label: str
    value: int
    colour: str
    text_colour: str = "#ffffff"


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top``, whole numbers (the charts count people and hours)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = max(next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), 1)
    if step > 1 and not float(step).is_integer():
        step = math.ceil(step)
    return [step * i for i in range(int(math.ceil(top / step - 1e-9)) + 1)]


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 or float(value).is_integer() else f"{value:,.1f}"


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{FONT}" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="16" y="26" font-size="16" font-weight="700" fill="{INK}">{escape(title)}</text>',
    ]


def _date_ticks(start: date, end: date) -> list[tuple[date, str]]:
    span = (end - start).days
    if span <= 120:
        step = max(7, (span // 6) // 7 * 7 or 7)
        first = start + timedelta(days=(7 - start.weekday()) % 7)
        return [(first + timedelta(days=d), (first + timedelta(days=d)).strftime("%-d %b")) for d in range(0, span, step)
                if first + timedelta(days=d) <= end]
    months = span / 30.4
    step = next(s for s in (1, 2, 3, 6, 12, 24) if months / s <= 7)
    ticks, moment = [], date(start.year, start.month, 1)
    while moment <= end:
        if moment >= start and (moment.month - 1) % step == 0:
            ticks.append((moment, moment.strftime("%b %Y")))
        moment = date(moment.year + moment.month // 12, moment.month % 12 + 1, 1)
    return ticks


def line_chart(
    *, chart_id: str, title: str, description: str, lines: list[Line], start: date, end: date,
    y_label: str, today: date | None = None, width: int = 720, height: int = 360,
) -> Markup:
    """Lines over dates from ``start`` to ``end``, labelled at their ends, with a legend and an optional 'today' rule."""
    left, right, top, bottom = 64, 128, 72, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [y for line in lines for _, y in line.points]
    ticks = nice_ticks(max(values, default=0) or 1)
    y_max = ticks[-1]
    days = max((end - start).days, 1)

    def x(moment: date) -> float:
        return left + plot_w * min(max((moment - start).days, 0), days) / days

    def y(value: float) -> float:
        return top + plot_h * (1 - value / y_max)

    parts = _open(chart_id, width, height, title, description)
    parts += _legend(lines, 16, 48, width)
    for tick in ticks:
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{left - 8}" y="{y(tick) + 4:.1f}" font-size="12" text-anchor="end" fill="{MUTED}">{_number(tick)}</text>')
    for moment, label in _date_ticks(start, end):
        parts.append(f'<line x1="{x(moment):.1f}" x2="{x(moment):.1f}" y1="{top + plot_h}" y2="{top + plot_h + 5}" stroke="{MUTED}"/>')
        parts.append(f'<text x="{x(moment):.1f}" y="{top + plot_h + 20}" font-size="12" text-anchor="middle" fill="{MUTED}">{escape(label)}</text>')
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{MUTED}" stroke-width="1.5"/>')
    parts.append(
        f'<text transform="translate(16 {top + plot_h / 2:.0f}) rotate(-90)" font-size="12" text-anchor="middle" fill="{MUTED}">{escape(y_label)}</text>'
    )
    if today is not None and start < today < end:
        parts.append(f'<line x1="{x(today):.1f}" x2="{x(today):.1f}" y1="{top}" y2="{top + plot_h}" stroke="{MUTED}" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{x(today) - 4:.1f}" y="{top + 12}" font-size="12" text-anchor="end" fill="{MUTED}">Today</text>')
    ends: list[tuple[float, Line]] = []
    for line in lines:
        if not line.points:
            continue
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(d):.1f},{y(v):.1f}" for i, (d, v) in enumerate(line.points))
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        parts.append(f'<path d="{path}" fill="none" stroke="{line.colour}" stroke-width="{line.width}"{dash} stroke-linejoin="round"/>')
        if line.marker and len(line.points) <= 40:
            parts += [_marker(line.marker, x(d), y(v), line.colour) for d, v in line.points]
        ends.append((y(line.points[-1][1]), line))
    parts += _end_labels(ends, x, top, top + plot_h)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def _marker(kind: str, cx: float, cy: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{cx - 3.5:.1f}" y="{cy - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="#ffffff" stroke="{colour}" stroke-width="2"/>'


def _legend(lines: list[Line], x0: float, y0: float, width: int) -> list[str]:
    parts, x = [], x0
    for line in lines:
        span = 34 + 7.2 * len(line.label)
        if x + span > width - 8:
            break
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        parts.append(f'<line x1="{x:.0f}" x2="{x + 24:.0f}" y1="{y0:.0f}" y2="{y0:.0f}" stroke="{line.colour}" stroke-width="{line.width}"{dash}/>')
        if line.marker:
            parts.append(_marker(line.marker, x + 12, y0, line.colour))
        parts.append(f'<text x="{x + 30:.0f}" y="{y0 + 4:.0f}" font-size="12" fill="{INK}">{escape(line.label)}</text>')
        x += span + 12
    return parts


def _end_labels(ends: list[tuple[float, Line]], x: Callable[[date], float], top: float, bottom: float) -> list[str]:
    """Labels at the right end of each line, nudged apart so none overlap."""
    placed: list[tuple[float, Line]] = []
    for wanted, line in sorted(ends, key=lambda item: item[0]):
        position = max(wanted, placed[-1][0] + 15) if placed else wanted
        placed.append((min(position, bottom), line))
    for i in range(len(placed) - 2, -1, -1):  # push back up what ran off the bottom
        if placed[i + 1][0] - placed[i][0] < 15:
            placed[i] = (placed[i + 1][0] - 15, placed[i][1])
    parts = []
    for position, line in placed:
        value = line.points[-1][1]
        anchor_x = x(line.points[-1][0]) + 8
        parts.append(
            f'<text x="{anchor_x:.1f}" y="{max(position, top) + 4:.1f}" font-size="12" font-weight="600" fill="{line.colour}">'
            f"{escape(line.label)} {_number(value)}</text>"
        )
    return parts


def bar_chart(
    *, chart_id: str, title: str, description: str, bars: list[Bar], maximum: float, axis_label: str,
    marker_label: str | None = None, width: int = 720, percent: bool = False,
) -> Markup:
    """Horizontal bars, one row per item, each with its value written after it and an optional marker tick."""
    label_w, right, top, row = 250, 150, 58 if marker_label else 44, 30
    plot_w = width - label_w - right - 16
    height = top + row * max(len(bars), 1) + 46
    ticks = [0.0, 25.0, 50.0, 75.0, 100.0] if percent else nice_ticks(maximum or 1, 4)
    top_value = ticks[-1]

    def x(value: float) -> float:
        return label_w + plot_w * min(value, top_value) / top_value

    parts = _open(chart_id, width, height, title, description)
    if marker_label:
        parts.append(f'<line x1="16" x2="16" y1="{top - 24}" y2="{top - 10}" stroke="{INK}" stroke-width="3"/>')
        parts.append(f'<text x="26" y="{top - 13}" font-size="12" fill="{INK}">{escape(marker_label)}</text>')
    for tick in ticks:
        parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top}" y2="{top + row * len(bars)}" stroke="{GRID}"/>')
        label = f"{tick:.0f}%" if percent else _number(tick)
        parts.append(f'<text x="{x(tick):.1f}" y="{top + row * len(bars) + 18}" font-size="12" text-anchor="middle" fill="{MUTED}">{label}</text>')
    parts.append(f'<text x="{label_w + plot_w / 2:.0f}" y="{height - 8}" font-size="12" text-anchor="middle" fill="{MUTED}">{escape(axis_label)}</text>')
    for i, bar in enumerate(bars):
        y0 = top + i * row
        name = bar.label if len(bar.label) <= 32 else bar.label[:31].rstrip() + "…"
        text = f'<text x="{label_w - 10}" y="{y0 + row / 2 + 4:.1f}" font-size="13" text-anchor="end" fill="{INK}"><title>{escape(bar.label)}</title>{escape(name)}</text>'
        parts.append(f'<a href="{escape(bar.href)}">{text}</a>' if bar.href else text)
        parts.append(f'<rect x="{label_w}" y="{y0 + 6}" width="{max(x(bar.value) - label_w, 1.5):.1f}" height="{row - 12}" fill="{bar.colour}" rx="2"/>')
        if bar.marker is not None:
            parts.append(f'<line x1="{x(bar.marker):.1f}" x2="{x(bar.marker):.1f}" y1="{y0 + 2}" y2="{y0 + row - 2}" stroke="{INK}" stroke-width="3"/>')
        parts.append(f'<text x="{x(top_value) + 8:.1f}" y="{y0 + row / 2 + 4:.1f}" font-size="12" fill="{INK}">{escape(bar.text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def stacked_bar(*, chart_id: str, title: str, description: str, segments: list[Segment], width: int = 720) -> Markup:
    """One bar split into segments (a whole divided into states), with a legend giving each count and share."""
    total = sum(segment.value for segment in segments) or 1
    left, bar_w, top = 16, width - 32, 44
    height = top + 40 + 24 * math.ceil(len(segments) / 3) + 12
    parts = _open(chart_id, width, height, title, description)
    x = float(left)
    for segment in segments:
        w = bar_w * segment.value / total
        if w <= 0:
            continue
        parts.append(f'<rect x="{x:.1f}" y="{top}" width="{w:.1f}" height="30" fill="{segment.colour}" stroke="#ffffff" stroke-width="2"/>')
        share = 100 * segment.value / total
        if w > 44:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{top + 20}" font-size="12" font-weight="600" text-anchor="middle" fill="{segment.text_colour}">{share:.0f}%</text>')
        x += w
    for i, segment in enumerate(segments):
        lx, ly = left + (i % 3) * (bar_w / 3), top + 56 + (i // 3) * 24
        parts.append(f'<rect x="{lx:.0f}" y="{ly - 11}" width="14" height="14" fill="{segment.colour}" stroke="{MUTED}" stroke-width="0.5"/>')
        share = 100 * segment.value / total
        parts.append(f'<text x="{lx + 20:.0f}" y="{ly + 1}" font-size="12" fill="{INK}">{escape(segment.label)}: {segment.value:,} ({share:.0f}%)</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
