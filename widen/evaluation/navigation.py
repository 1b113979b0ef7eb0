"""Evaluation's pages in the main navigation."""

from widen.core.navigation import Journey, NavEntry, register

register(
    NavEntry(
        "Surveys",
        "evaluation:surveys",
        Journey.EVALUATE,
        ("evaluation", "evaluation_reports"),
        order=10,
    )
)
