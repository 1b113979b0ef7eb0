"""Bar charts drawn by the server as inline SVG: no script, no CDN. Each has a title and a
description for screen readers, and the page shows its figures in a table beneath it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Each bar has its label on a line of its own above it, so that the chart stays narrow: at its
# widest (the stylesheet caps it at 28rem) the text is about 17 px, and on a 375 px phone about
# 13 px, where a label beside each bar would shrink the text to 6 px.
WIDTH = 360
BAR_AREA = 220  # the value's text follows the bar, in what is left of the width
FONT_SIZE = 14
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 10
MAX_LABEL = 40
MAX_BARS = 25


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    width: float  # 0 when the figure is not shown
    y: int  # the top of the bar's row

    @property
    def label_y(self) -> int:
        return self.y + LABEL_HEIGHT - 5

    @property
    def bar_y(self) -> int:
        return self.y + LABEL_HEIGHT

    @property
    def text_y(self) -> int:
        return self.bar_y + BAR_HEIGHT - 3

    @property
    def value_x(self) -> float:
        return self.width + 6


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    description: str
    bars: tuple[Bar, ...]

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        return max(ROW_HEIGHT, ROW_HEIGHT * len(self.bars))

    @property
    def bar_x(self) -> int:
        return 0

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT

    @property
    def font_size(self) -> int:
        return FONT_SIZE


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, float | None, str]],
    *,
    table_name: str,
) -> BarChart:
    """A horizontal bar for each (label, value or None when not shown, text of the value)."""
    shown = list(items)[:MAX_BARS]
    largest = max((value for _, value, _ in shown if value), default=0) or 1
    bars = tuple(
        Bar(
            label=_short(label),
            value_text=text,
            width=round(BAR_AREA * (value or 0) / largest, 1),
            y=index * ROW_HEIGHT,
        )
        for index, (label, value, text) in enumerate(shown)
    )
    more = len(items) - len(shown)
    description = (
        f"Bar chart of {len(shown)} bars"
        + (f" (the first {len(shown)} of {len(items)})" if more > 0 else "")
        + f". The figures are in the table '{table_name}' that follows."
    )
    return BarChart(chart_id=chart_id, title=title, description=description, bars=bars)
