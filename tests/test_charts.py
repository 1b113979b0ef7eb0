"""Charts stay readable on a phone: the SVG is drawn narrow, each label on its own line above its
bar, so that a 375 px screen (343 px for the chart) shows its text at 12 px or more."""

from __future__ import annotations

from django.template.loader import render_to_string

from widen.core.charts import bar_chart

PHONE_CHART_PX = 375 - 2 * 16
AVERAGE_GLYPH = 0.6  # of the font size, for the system sans-serif fonts


def test_chart_text_is_12_px_or_more_on_a_phone_and_nothing_is_cut_off() -> None:
    chart = bar_chart(
        "chart-test",
        "Learners engaged by school",
        [
            ("Cardinal Pole Catholic School and Sixth Form College", 1234.0, "1,234 (100%)"),
            ("Plashet School", 5.0, "5 (0.4%)"),
            ("Morpeth School", None, "fewer than 5"),
        ],
        table_name="By school",
    )
    scale = min(1.0, PHONE_CHART_PX / chart.width)
    assert chart.font_size * scale >= 12
    glyph = AVERAGE_GLYPH * chart.font_size
    for bar in chart.bars:
        assert len(bar.label) * glyph <= chart.width, bar.label  # the label fits its line
        assert bar.value_x + len(bar.value_text) * glyph <= chart.width, bar.value_text
        assert bar.bar_y >= bar.label_y  # the bar is below its label
    assert chart.bars[0].label.endswith("…")
    svg = render_to_string("includes/chart.html", {"chart": chart})
    assert f'viewBox="0 0 {chart.width} {chart.height}"' in svg
    assert f'font-size="{chart.font_size}"' in svg
