"""Small server-rendered SVG bar charts for the commissioner portfolio.

No JavaScript and no chart library: a horizontal bar chart is a few rectangles, and drawing it on
the server means it prints, works without scripts and is tested like any other HTML. Horizontal
bars keep long labels (challenge and phase names) readable on a 320px phone.

Accessibility: the SVG has ``role="img"`` with ``<title>`` and ``<desc>`` linked by
``aria-labelledby``, and every figure is also in a table next to it (``Chart.rows``), so a
screen reader user, or anyone who wants the numbers, reads the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 400
LABEL_HEIGHT = 20
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 14
FONT_SIZE = 13
# A rough width of one character at FONT_SIZE (Arial averages a little over half the size), used
# to leave room after the longest bar for its figure, and to shorten long labels.
CHAR_WIDTH = FONT_SIZE * 0.56
# Bars take at least this share of the width, however long the figures written after them.
MIN_BAR_SHARE = 0.4
MAX_LABEL_CHARS = int(WIDTH / CHAR_WIDTH) - 1


@dataclass(frozen=True)
class Series:
    label: str
    # A GOV.UK colour; the legend and the table name each series in words too.
    colour: str


@dataclass(frozen=True)
class Bar:
    value: int
    text: str


@dataclass(frozen=True)
class Group:
    label: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    series: tuple[Series, ...]
    groups: tuple[Group, ...]
    # Column headings of the table shown with the chart (first is the group label's).
    headings: tuple[str, ...] = field(default=())

    @property
    def rows(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Per group: its label and (series label, figure) for each bar, for the table."""
        return [
            (g.label, [(s.label, b.text) for s, b in zip(self.series, g.bars, strict=True)])
            for g in self.groups
        ]

    @property
    def svg(self) -> SafeString:
        return render_svg(self)


# GOV.UK Frontend colours with text contrast of at least 3:1 against white.
GREY = "#505a5f"
BLUE = "#1d70b8"
GREEN = "#00703c"
PURPLE = "#4c2c92"


def _scale(groups: Sequence[Group]) -> int:
    return max((b.value for g in groups for b in g.bars), default=0) or 1


def _short(label: str) -> str:
    """Labels longer than the chart is wide are cut with an ellipsis (the table has them)."""
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def bar_span(groups: Sequence[Group]) -> int:
    """How long the longest bar is: the width less room for the longest figure."""
    longest = max((len(b.text) for g in groups for b in g.bars), default=0)
    return max(round(WIDTH * MIN_BAR_SHARE), WIDTH - round(longest * CHAR_WIDTH) - 8)


def render_svg(chart: Chart) -> SafeString:
    """The chart as inline SVG, drawn to a 400-unit-wide view box that scales to its box (the
    whole width on a phone, half of it from a tablet up: GOV.UK's width classes)."""
    max_value = _scale(chart.groups)
    span = bar_span(chart.groups)
    y = 0
    parts = []
    for group in chart.groups:
        parts.append(
            format_html(
                '<text x="0" y="{}">{}</text>',
                y + LABEL_HEIGHT - 6,
                _short(group.label),
            )
        )
        y += LABEL_HEIGHT
        for index, bar in enumerate(group.bars):
            series = chart.series[index]
            length = round(span * max(bar.value, 0) / max_value)
            parts.append(
                format_html(
                    '<rect x="0" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title>'
                    "</rect>"
                    '<text x="{}" y="{}">{}</text>',
                    y,
                    max(length, 1),
                    BAR_HEIGHT,
                    series.colour,
                    series.label,
                    bar.text,
                    max(length, 1) + 4,
                    y + BAR_HEIGHT - 4,
                    bar.text,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    height = max(y, LABEL_HEIGHT)
    title_id = f"chart-{chart.key}-title"
    desc_id = f"chart-{chart.key}-desc"
    return format_html(
        '<svg class="govuk-!-width-one-half" role="img" aria-labelledby="{} {}" '
        'viewBox="0 0 {} {}" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg" font-family="arial, sans-serif" font-size="{}">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}</svg>',
        title_id,
        desc_id,
        WIDTH,
        height,
        FONT_SIZE,
        title_id,
        chart.title,
        desc_id,
        chart.description,
        format_html_join("", "{}", ((p,) for p in parts)),
    )
