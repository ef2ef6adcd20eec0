"""Charts drawn on the server as SVG: horizontal bars, columns and rows of small columns, stacked or not.

A ``Chart`` holds what is drawn and the table behind it; ``svg(chart)`` draws it. The SVG is an image to
screen readers (``role="img"`` named by its ``<title>`` and ``<desc>``); the page puts the same numbers in a
table beside it and offers them as CSV. Every drawing has a ``viewBox`` and no fixed size, so it scales to the
width it is given, from a phone to a desktop; the text is sized for that (a 360-unit-wide drawing shown at
about 330 pixels on a phone). Colours are CSS classes (``tone-*``) that ``static/css/dashboard.css`` maps to
the site's palette, and the legend is HTML beside the drawing, so it wraps on a narrow screen.

Every label is escaped here; the result is marked safe once, at the end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360  # the viewBox width every chart is drawn to


@dataclass(frozen=True)
class Series:
    """One colour of a chart: its name (for the legend), its tone and a value per label."""

    name: str
    tone: str
    values: tuple[float, ...]


@dataclass
class Chart:
    """What a chart shows, and the table behind it (shown as HTML and downloaded as CSV)."""

    slug: str
    title: str
    summary: str  # a sentence or two saying what the chart shows: its <desc> and the line under its heading
    kind: str  # "bars" (horizontal), "columns" (vertical) or "multiples" (a row of small columns per label)
    labels: list[str]  # a bar, a column or a row each
    series: list[Series]
    head: list[str]  # the table's columns
    rows: list[list]  # the table's rows
    csv_rows: list[list] | None = None  # more rows for the CSV than the page shows, when there are
    percent: bool = False  # the bars are shares of 100
    value_labels: list[str] | None = None  # the text at the end of each bar or above each column
    columns: list[str] = field(default_factory=list)  # for "multiples": the label of each small column
    # Shorter labels for the columns ("M" for "Mar"), shown instead on a narrow screen (a CSS media query).
    short_labels: list[str] | None = None
    empty: str = ""  # said instead of the chart when there is nothing to draw
    link: tuple[str, str] | None = None  # (text, url) of the page that has the detail
    note: str = ""  # a word on how current the figures are
    refresh: str = ""  # where to have them worked out afresh

    @property
    def is_empty(self) -> bool:
        return not self.labels or not any(v for s in self.series for v in s.values)

    @property
    def legend(self) -> list[Series]:
        return self.series if len(self.series) > 1 else []

    @property
    def csv(self) -> list[list]:
        return [self.head, *(self.csv_rows if self.csv_rows is not None else self.rows)]


def svg(chart: Chart) -> SafeString:
    """The chart as an inline SVG element."""
    draw = {"bars": _bars, "columns": _columns, "multiples": _multiples}[chart.kind]
    height, parts = draw(chart)
    ident = f"chart-{escape(chart.slug)}"
    # Every piece of text in it was escaped as it was drawn.
    return mark_safe(
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(chart.title)}</title><desc id="{ident}-desc">{escape(chart.summary)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


# Horizontal bars: a label above each bar, the value at its end ------------------------------------------------

BAR = 16
BAR_ROW = 50  # label, bar and the gap below
VALUE_ROOM = 46  # kept free at the right for the value at the end of the longest bar


def _bars(chart: Chart) -> tuple[int, list[str]]:
    totals = [sum(s.values[i] for s in chart.series) for i in range(len(chart.labels))]
    top = 100.0 if chart.percent else (max(totals) or 1)
    span = WIDTH - VALUE_ROOM
    parts = []
    for i, label in enumerate(chart.labels):
        y = 4 + i * BAR_ROW
        parts.append(f'<text class="label" x="0" y="{y + 13}">{escape(_clip(label, 52))}</text>')
        bar_y = y + 20
        parts.append(f'<rect class="track" x="0" y="{bar_y}" width="{span}" height="{BAR}" rx="3"/>')
        x = 0.0
        for series in chart.series:
            value = series.values[i]
            if value <= 0:
                continue
            width = span * value / top
            parts.append(
                f'<rect class="tone-{escape(series.tone)}" x="{x:.1f}" y="{bar_y}" width="{max(width, 1.5):.1f}" '
                f'height="{BAR}"><title>{escape(_tip(label, series, value, chart.percent))}</title></rect>'
            )
            x += width
        text = chart.value_labels[i] if chart.value_labels else _number(totals[i], chart.percent)
        parts.append(f'<text class="value" x="{x + 6:.1f}" y="{bar_y + 12.5}">{escape(text)}</text>')
    return 4 + len(chart.labels) * BAR_ROW - 8, parts


# Columns: stacked upwards from a baseline, a light scale on the left --------------------------------------------

PLOT_TOP = 18
PLOT_HEIGHT = 150
AXIS_ROOM = 26


def _columns(chart: Chart) -> tuple[int, list[str]]:
    count = len(chart.labels)
    totals = [sum(s.values[i] for s in chart.series) for i in range(count)]
    ticks = nice_ticks(max(totals) or 1)
    top = ticks[-1]
    base = PLOT_TOP + PLOT_HEIGHT
    slot = (WIDTH - AXIS_ROOM) / count
    width = min(slot * 0.62, 40)
    parts = []
    for tick in ticks:
        y = base - PLOT_HEIGHT * tick / top
        parts.append(f'<line class="grid" x1="{AXIS_ROOM}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(_text("axis", AXIS_ROOM - 5, y + 3.5, _number(tick), anchor="end"))
    for i, label in enumerate(chart.labels):
        x = AXIS_ROOM + slot * i + (slot - width) / 2
        y = float(base)
        for series in chart.series:
            value = series.values[i]
            if value <= 0:
                continue
            height = PLOT_HEIGHT * value / top
            y -= height
            parts.append(
                f'<rect class="tone-{escape(series.tone)}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
                f'height="{max(height, 1.5):.1f}"><title>{escape(_tip(label, series, value))}</title></rect>'
            )
        middle = x + width / 2
        if totals[i]:
            text = chart.value_labels[i] if chart.value_labels else _number(totals[i])
            parts.append(_text("value", middle, y - 4, text, anchor="middle"))
        parts += _tick(chart, i, middle, base + 15)
    parts.append(f'<line class="baseline" x1="{AXIS_ROOM}" x2="{WIDTH}" y1="{base}" y2="{base}"/>')
    lines = max(len(label.split("\n")) for label in chart.labels)
    return base + 8 + lines * 14, parts


# Small multiples: a row of small columns for each label, on one shared scale ------------------------------------

MINI_HEIGHT = 30
MINI_ROW = 62


def _multiples(chart: Chart) -> tuple[int, list[str]]:
    series = chart.series[0]
    months = len(chart.columns)
    rows = [series.values[i * months : (i + 1) * months] for i in range(len(chart.labels))]
    top = max((v for row in rows for v in row), default=0) or 1
    slot = WIDTH / months
    width = slot * 0.66
    parts = []
    for i, label in enumerate(chart.labels):
        y = 4 + i * MINI_ROW
        text = chart.value_labels[i] if chart.value_labels else ""
        parts.append(
            f'<text class="label" x="0" y="{y + 12}">{escape(_clip(label, 44))}'
            f'<tspan class="value" dx="6">{escape(text)}</tspan></text>'
        )
        base = y + 20 + MINI_HEIGHT
        for month, value in enumerate(rows[i]):
            x = slot * month + (slot - width) / 2
            if value > 0:
                height = max(MINI_HEIGHT * value / top, 2)
                parts.append(
                    f'<rect class="tone-{escape(series.tone)}" x="{x:.1f}" y="{base - height:.1f}" width="{width:.1f}" '
                    f'height="{height:.1f}"><title>{escape(f"{label}, {chart.columns[month]}: {_number(value)}")}'
                    "</title></rect>"
                )
        parts.append(f'<line class="baseline" x1="0" x2="{WIDTH}" y1="{base}" y2="{base}"/>')
    bottom = 4 + len(chart.labels) * MINI_ROW
    for month in range(months):
        parts += _tick(chart, month, slot * month + slot / 2, bottom + 2, labels=chart.columns)
    return bottom + 22, parts


# Helpers ----------------------------------------------------------------------------------------------------------


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round values from 0 to at least ``top`` for a scale: 0, 5, 10, 15 rather than 0, 4.3, 8.6, 12.9."""
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if step < 1:
        step = 1
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def _tick(chart: Chart, i: int, x: float, y: float, *, labels: list[str] | None = None) -> list[str]:
    """The label under column ``i``: its first line (and its short form for narrow screens), then any more lines
    (the year under a month) in smaller type."""
    first, *more = (labels or chart.labels)[i].split("\n")
    if chart.short_labels:
        parts = [_text("tick long", x, y, first, anchor="middle"),
                 _text("tick short", x, y, chart.short_labels[i], anchor="middle")]  # fmt: skip
    else:
        parts = [_text("tick", x, y, first, anchor="middle")]
    for n, line in enumerate(more, start=1):
        if chart.short_labels and len(line) == 4 and line.isdigit():  # a year: '25 beside '26 on a phone
            parts += [_text("axis long", x, y + 14 * n, line, anchor="middle"),
                      _text("axis short", x, y + 14 * n, f"’{line[2:]}", anchor="middle")]  # fmt: skip
        else:
            parts.append(_text("axis", x, y + 14 * n, line, anchor="middle"))
    return parts


def _text(css: str, x: float, y: float, text: str, *, anchor: str = "") -> str:
    middle = f' text-anchor="{anchor}"' if anchor else ""
    return f'<text class="{css}" x="{x:.1f}" y="{y:.1f}"{middle}>{escape(text)}</text>'


def _number(value: float, percent: bool = False) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 10 else f"{value:.1f}"
    return f"{text}%" if percent else text


def _tip(label: str, series: Series, value: float, percent: bool = False) -> str:
    return f"{label}, {series.name}: {_number(value, percent)}"


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
