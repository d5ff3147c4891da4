"""Bar charts drawn on the server as SVG: no JavaScript, readable on paper.

A chart is a picture of the table printed under it, which is its accessible
alternative: the SVG is an image with a title, the table carries the numbers.
Each series has its own shade and outline (set in site.css, darker for print),
and every bar is labelled with its value, so the chart reads in grey too.  A
hidden figure draws no bar; its label says ``<5`` or ``x`` as the table does.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from booking.figures.shown import Shown

WIDTH = 640
LABEL_WIDTH = 170
VALUE_ROOM = 56  # right of the longest bar, for its label
BAR = 14
GAP = 10  # between categories
LEGEND_ROW = 18
CHARACTER = 7  # an average character of the 12-pixel labels, for laying out the key


@dataclass(frozen=True)
class Series:
    label: str
    values: list[Shown]


def bar_chart(chart_id: str, title: str, categories: list[str], series: list[Series]) -> Markup:
    """Horizontal grouped bars: a group per category, a bar per series."""
    group = BAR * len(series) + GAP
    legend, legend_height = _legend(series)
    height = legend_height + group * len(categories) + GAP
    largest = max(
        (value.value for one in series for value in one.values if value.visible),
        default=0,
    )
    scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM) / largest if largest else 0
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    parts += legend
    for row, category in enumerate(categories):
        top = legend_height + row * group
        parts.append(
            f'<text class="chart-category" x="{LABEL_WIDTH - 8}" '
            f'y="{top + BAR * len(series) / 2 + 4:.0f}" text-anchor="end">{escape(category)}</text>'
        )
        for index, one in enumerate(series):
            parts.append(_bar(one.values[row], index, top + index * BAR, scale))
    parts.append(
        f'<line class="chart-axis" x1="{LABEL_WIDTH}" y1="{legend_height - 4}" '
        f'x2="{LABEL_WIDTH}" y2="{height - GAP / 2:.0f}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text in it went through escape())


def _bar(value: Shown, index: int, y: int, scale: float) -> str:
    label_y = y + BAR - 3
    if not value.visible:
        shown = value.text() or "–"
        return (
            f'<text class="chart-value chart-hidden" x="{LABEL_WIDTH + 4}" '
            f'y="{label_y}">{escape(shown)}</text>'
        )
    length = max(value.value * scale, 0)
    return (
        f'<rect class="series-{index}" x="{LABEL_WIDTH}" y="{y + 1}" '
        f'width="{length:.1f}" height="{BAR - 2}"/>'
        f'<text class="chart-value" x="{LABEL_WIDTH + length + 4:.1f}" '
        f'y="{label_y}">{escape(value.text())}</text>'
    )


def _legend(series: list[Series]) -> tuple[list[str], int]:
    """A key of each series' shade, in as many rows as it takes; and its height."""
    parts = []
    x, y = LABEL_WIDTH, 4
    for index, one in enumerate(series):
        width = 16 + CHARACTER * len(one.label) + 18
        if x > LABEL_WIDTH and x + width > WIDTH:
            x, y = LABEL_WIDTH, y + LEGEND_ROW
        parts.append(
            f'<rect class="series-{index}" x="{x}" y="{y}" width="12" height="12"/>'
            f'<text class="chart-legend" x="{x + 16}" y="{y + 10}">{escape(one.label)}</text>'
        )
        x += width
    return parts, y + LEGEND_ROW + 4
