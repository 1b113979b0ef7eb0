"""The dashboard's charts: the server-drawn SVG bar charts of `widen.core.charts`, which the
evaluation report draws too."""

from widen.core.charts import Bar, BarChart, bar_chart

__all__ = ["Bar", "BarChart", "bar_chart"]
