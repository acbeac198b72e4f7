"""Inline SVG charts for unit statistics: pure functions from numbers to accessible SVG text.

Every chart is `role="img"` with a <title> and <desc> (the full data as text), scales with its
container (viewBox, width 100%), uses system fonts only, and tells values and series apart by
labels and fill patterns as well as colour so that it survives greyscale printing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Sequence

from ..text import format_number

# A chart spans about 300 px on a 390 px phone: 360 viewBox units at ~0.85 px each, so text of
# TEXT_SIZE units is rendered at 12.5 px or more (on a desktop, where charts sit two abreast, ~15 px).
WIDTH = 360
TEXT_SIZE = 15
PLOT_TOP = 30
PLOT_HEIGHT = 170
LEFT = 62              # room for tick labels such as "45.239"
RIGHT = 10
AXIS_LABEL_GAP = 22
LEGEND_ROW = 22
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
INK = "#1f1f1f"
GRID = "#c8c8c8"
ACCENT = "#a50f15"     # party red, dark enough for white text and for greyscale
# Fill patterns for series, darkest first: colour plus a texture, so print keeps them apart.
SERIES_STYLES = (
    ("#a50f15", "solid"),
    ("#e34a33", "hatch"),
    ("#fcae91", "dots"),
    ("#ffffff", "cross"),
    ("#6b6b6b", "solid"),
    ("#bdbdbd", "hatch"),
)
MARK = "Σ"             # the rolled-up marker, same as in tables: a sum, not a footnote


@dataclass(frozen=True)
class Point:
    """One labelled value (a year); `rolled_up` values are drawn hollow/hatched and marked."""

    label: str
    value: int | None
    rolled_up: bool = False


@dataclass(frozen=True)
class Series:
    """One band of a stacked bar chart: a rating label and its value per category."""

    label: str
    values: tuple[int | None, ...]


@dataclass(frozen=True)
class Legend:
    """Words the chart needs in the page's language."""

    given: str          # "reported by the unit"
    rolled_up: str      # "summed from sub-units"
    language: str = "vi"


def nice_ticks(maximum: int, count: int = 4) -> list[int]:
    """Round axis ticks from 0 covering `maximum`, with steps of 1, 2 or 5 × 10^n."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    top = step * math.ceil(maximum / step)
    return list(range(0, top + 1, step))


def line_chart(chart_id: str, points: Sequence[Point], title: str, desc: str, legend: Legend) -> str:
    """A line over the years with a marker and value label on each point (rolled-up ones hollow)."""
    frame = _Frame(points, max((p.value or 0) for p in points))
    body = [frame.axes(legend.language)]
    for segment in _segments(frame, points):
        body.append(f'<polyline points="{segment}" fill="none" stroke="{ACCENT}" stroke-width="3"/>')
    labelled = _labelled_indexes(points, frame.slot, legend.language)
    for i, p in enumerate(points):
        if p.value is None:
            continue
        x, y = frame.x(i), frame.y(p.value)
        fill = "#ffffff" if p.rolled_up else ACCENT
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="{ACCENT}" stroke-width="2.5"/>')
        if i in labelled:
            body.append(_text(x, y - 11, _value_text(p, legend.language), anchor="middle", weight="bold"))
    items = _kinds(points, lambda rolled: _marker_swatch(rolled, legend.rolled_up if rolled else legend.given))
    return _svg(chart_id, title, desc, body, frame, items, defs="")


def bar_chart(chart_id: str, points: Sequence[Point], title: str, desc: str, legend: Legend) -> str:
    """One bar per year with its value on top; rolled-up bars are hatched and marked."""
    frame = _Frame(points, max((p.value or 0) for p in points))
    body = [frame.axes(legend.language)]
    width = frame.slot * 0.6
    labelled = _labelled_indexes(points, frame.slot, legend.language)
    for i, p in enumerate(points):
        if p.value is None:
            continue
        x, y = frame.x(i) - width / 2, frame.y(p.value)
        fill = f"url(#{chart_id}-rolled)" if p.rolled_up else ACCENT
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{frame.bottom - y:.1f}" '
                    f'fill="{fill}" stroke="{ACCENT}" stroke-width="1.5"/>')
        if i in labelled:
            body.append(_text(frame.x(i), y - 6, _value_text(p, legend.language), anchor="middle", weight="bold"))
    defs = _hatch(f"{chart_id}-rolled", "#ffffff", ACCENT)
    items = _kinds(points, lambda rolled: _box_swatch(f"url(#{chart_id}-rolled)", legend.rolled_up + f" ({MARK})")
                   if rolled else _box_swatch(ACCENT, legend.given))
    return _svg(chart_id, title, desc, body, frame, items, defs)


def stacked_bar_chart(chart_id: str, categories: Sequence[Point], series: Sequence[Series],
                      title: str, desc: str, legend: Legend) -> str:
    """Stacked bars per year (one band per rating label), counts inside bands and totals on top.

    `categories` carry the year label, the bar total and whether the year's ratings are rolled up.
    """
    frame = _Frame(categories, max((c.value or 0) for c in categories))
    body = [frame.axes(legend.language)]
    width = frame.slot * 0.62
    defs = "".join(_series_pattern(chart_id, k) for k in range(len(series)))
    labelled = _labelled_indexes(categories, frame.slot, legend.language)
    for i, category in enumerate(categories):
        if not category.value:
            continue
        base = 0
        for k, s in enumerate(series):
            value = s.values[i] or 0
            if not value:
                continue
            y_top, y_bottom = frame.y(base + value), frame.y(base)
            x = frame.x(i) - width / 2
            body.append(f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{width:.1f}" height="{y_bottom - y_top:.1f}" '
                        f'fill="url(#{chart_id}-s{k})" stroke="{INK}" stroke-width="1"/>')
            if y_bottom - y_top >= TEXT_SIZE + 3 and _text_width(format_number(value, legend.language)) <= width:
                body.append(_label_on_band(frame.x(i), (y_top + y_bottom) / 2 + 5, value, legend.language))
            base += value
        if i in labelled:
            body.append(_text(frame.x(i), frame.y(base) - 6, _value_text(category, legend.language),
                              anchor="middle", weight="bold"))
    items = [_box_swatch(f"url(#{chart_id}-s{k})", s.label) for k, s in enumerate(series)]
    if any(c.rolled_up and c.value for c in categories):
        items.append(_text_swatch(f"{MARK} {legend.rolled_up}"))
    return _svg(chart_id, title, desc, body, frame, items, defs)


def describe(points: Sequence[Point], language: str, missing: str) -> str:
    """The data as one sentence for <desc>: "2019: 120; 2020: 130*"."""
    return "; ".join(f"{p.label}: {_value_text(p, language) if p.value is not None else missing}"
                     for p in points)


# ---------------------------------------------------------------- layout


class _Frame:
    """Plot geometry for n categories along x and values 0..max along y."""

    def __init__(self, points: Sequence[Point], maximum: int):
        self.n = max(1, len(points))
        self.labels = [p.label for p in points]
        self.ticks = nice_ticks(maximum)
        self.top_value = self.ticks[-1]
        self.bottom = PLOT_TOP + PLOT_HEIGHT
        self.slot = (WIDTH - LEFT - RIGHT) / self.n

    def x(self, i: int) -> float:
        return LEFT + self.slot * (i + 0.5)

    def y(self, value: float) -> float:
        return self.bottom - PLOT_HEIGHT * value / self.top_value

    def axes(self, language: str) -> str:
        """Grid lines with tick labels, the base line and the category labels."""
        parts = []
        for tick in self.ticks:
            y = self.y(tick)
            parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                         f'stroke="{GRID}" stroke-width="1"/>')
            parts.append(_text(LEFT - 6, y + 5, format_number(tick, language), anchor="end"))
        parts.append(f'<line x1="{LEFT}" y1="{self.bottom}" x2="{WIDTH - RIGHT}" y2="{self.bottom}" '
                     f'stroke="{INK}" stroke-width="1.5"/>')
        for i, label in enumerate(self.labels):
            parts.append(_text(self.x(i), self.bottom + AXIS_LABEL_GAP - 2, label, anchor="middle"))
        return "".join(parts)


def _segments(frame: _Frame, points: Sequence[Point]) -> list[str]:
    # A missing year breaks the line rather than drawing a slope nobody measured.
    runs: list[list[str]] = [[]]
    for i, p in enumerate(points):
        if p.value is None:
            runs.append([])
        else:
            runs[-1].append(f"{frame.x(i):.1f},{frame.y(p.value):.1f}")
    return [" ".join(run) for run in runs if len(run) > 1]


def _text_width(text: str) -> float:
    """About how wide `text` is in bold at TEXT_SIZE (digits and separators)."""
    return len(text) * TEXT_SIZE * 0.62


def _labelled_indexes(points: Sequence[Point], slot: float, language: str) -> set[int]:
    # Every value is labelled while the labels fit beside each other; otherwise the ends and the
    # extremes (the table under the chart has every figure).
    known = [i for i, p in enumerate(points) if p.value is not None]
    if not known or max(_text_width(_value_text(points[i], language)) for i in known) <= slot - 4:
        return set(known)
    highest = max(known, key=lambda i: points[i].value)
    lowest = min(known, key=lambda i: points[i].value)
    return {known[0], known[-1], highest, lowest}


def _kinds(points: Sequence[Point], swatch) -> list[tuple[str, str]]:
    """Legend rows for the kinds of values present: given, rolled up, or both."""
    present = sorted({p.rolled_up for p in points if p.value is not None})
    return [swatch(rolled) for rolled in present]


def _value_text(point: Point, language: str) -> str:
    return (MARK if point.rolled_up else "") + format_number(point.value, language)


def _text(x: float, y: float, content: str, anchor: str = "start", size: int = TEXT_SIZE,
          weight: str = "normal", fill: str = INK) -> str:
    bold = ' font-weight="bold"' if weight == "bold" else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{bold} '
            f'fill="{fill}">{escape(content, quote=False)}</text>')


def _label_on_band(x: float, y: float, value: int, language: str) -> str:
    # A white halo keeps the number readable on any pattern, in colour and in print.
    text = escape(format_number(value, language), quote=False)
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="{TEXT_SIZE}" font-weight="bold" '
            f'fill="{INK}" stroke="#ffffff" stroke-width="3" paint-order="stroke">{text}</text>')


def _hatch(pattern_id: str, background: str, ink: str) -> str:
    return (f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{background}"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{ink}" stroke-width="2.5"/></pattern>')


def _series_pattern(chart_id: str, k: int) -> str:
    colour, texture = SERIES_STYLES[k % len(SERIES_STYLES)]
    pid = f"{chart_id}-s{k}"
    if texture == "solid":
        return f'<pattern id="{pid}" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="{colour}"/></pattern>'
    if texture == "hatch":
        return _hatch(pid, colour, INK)
    if texture == "dots":
        return (f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
                f'<rect width="6" height="6" fill="{colour}"/><circle cx="3" cy="3" r="1.3" fill="{INK}"/></pattern>')
    return (f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>'
            f'<path d="M0 0L8 8M8 0L0 8" stroke="{INK}" stroke-width="1"/></pattern>')


def _box_swatch(fill: str, label: str) -> tuple[str, str]:
    return (f'<rect x="0" y="-12" width="18" height="14" fill="{fill}" stroke="{INK}" stroke-width="1"/>', label)


def _marker_swatch(hollow: bool, label: str) -> tuple[str, str]:
    fill = "#ffffff" if hollow else ACCENT
    return (f'<circle cx="9" cy="-5" r="5" fill="{fill}" stroke="{ACCENT}" stroke-width="2.5"/>',
            f"{label}{' (' + MARK + ')' if hollow else ''}")


def _text_swatch(label: str) -> tuple[str, str]:
    return ("", label)


def _svg(chart_id: str, title: str, desc: str, body: list[str], frame: _Frame,
         legend: list[tuple[str, str]], defs: str) -> str:
    """Wrap a chart body with its accessible name, description, pattern defs and legend rows."""
    legend_top = frame.bottom + AXIS_LABEL_GAP + 26
    rows = []
    for row, (swatch, label) in enumerate(legend):
        y = legend_top + row * LEGEND_ROW
        x_text = LEFT + (26 if swatch else 0)
        rows.append(f'<g transform="translate({LEFT},{y})">{swatch}</g>' if swatch else "")
        rows.append(_text(x_text, y, label))
    height = legend_top + max(0, len(legend) - 1) * LEGEND_ROW + 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="stats-chart" viewBox="0 0 {WIDTH} {height}" '
            f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
            f'font-family="{escape(FONT)}">'
            f'<title id="{chart_id}-title">{escape(title, quote=False)}</title>'
            f'<desc id="{chart_id}-desc">{escape(desc, quote=False)}</desc>'
            + (f"<defs>{defs}</defs>" if defs else "")
            + "".join(body) + "".join(rows) + "</svg>")
